-- POST /accounts/get, rotating through access tokens prepared before the run.
-- Usage: wrk ... -s accounts_get.lua http://127.0.0.1:PORT -- CLIENT_ID SECRET TOKENS_FILE
-- TOKENS_FILE holds one access token per line.
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
  return wrk.format(nil, "/accounts/get", nil, '{"access_token":"' .. access_token .. '"}')
end

response = common.count_response
