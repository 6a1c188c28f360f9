-- POST /transactions/sync, paging through whole histories: each line of PAGES_FILE is an access
-- token and the cursor of one page of a complete pagination ("-" for the first, empty cursor),
-- prepared before the run, so every request is one real page of COUNT changes.
-- Usage: wrk ... -s transactions_sync.lua http://127.0.0.1:PORT -- CLIENT_ID SECRET PAGES_FILE COUNT
local common = require "common"

local pages = {}
local count = 500
local next_index = 1

function init(args)
  common.init(args)
  for line in io.lines(args[3]) do
    local token, cursor = line:match("^(%S+) (%S+)$")
    if token then
      if cursor == "-" then
        cursor = ""
      end
      table.insert(pages, '{"access_token":"' .. token .. '","cursor":"' .. cursor .. '"')
    end
  end
  assert(#pages > 0, "no pages in " .. tostring(args[3]))
  count = tonumber(args[4]) or 500
end

function request()
  local prefix = pages[next_index]
  next_index = next_index % #pages + 1
  return wrk.format(nil, "/transactions/sync", nil, prefix .. ',"count":' .. count .. '}')
end

response = common.count_response
