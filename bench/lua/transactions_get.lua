-- POST /transactions/get for the newest page of 100 over the whole history, rotating through the
-- access tokens of Items whose transactions were pulled before the run.
-- Usage: wrk ... -s transactions_get.lua http://127.0.0.1:PORT -- CLIENT_ID SECRET TOKENS_FILE
local common = require "common"

local tokens = {}
local next_index = 1

function init(args)
  common.init(args)
  for line in io.lines(args[3]) do
    if line ~= "" then
      table.insert(tokens, line)
    end
  end
  assert(#tokens > 0, "no access tokens in " .. tostring(args[3]))
end

function request()
  local access_token = tokens[next_index]
  next_index = next_index % #tokens + 1
  return wrk.format(nil, "/transactions/get", nil,
    '{"access_token":"' .. access_token .. '","start_date":"2000-01-01",' ..
    '"end_date":"2100-01-01","options":{"count":100}}')
end

response = common.count_response
