-- Alternates POST /sandbox/public_token/create and POST /item/public_token/exchange: each
-- create's public_token is queued and exchanged by the next request any connection sends.
-- `completed` counts exchanges that returned an access_token, i.e. finished pairs.
-- Usage: wrk ... -s public_token_pair.lua http://127.0.0.1:PORT -- CLIENT_ID SECRET
local common = require "common"

local CREATE_BODY = '{"institution_id":"ins_109508","initial_products":["transactions"]}'
local pending = {} -- public tokens created but not yet sent for exchange (this thread)

function init(args)
  common.init(args)
end

function request()
  local public_token = table.remove(pending)
  if public_token then
    return wrk.format(nil, "/item/public_token/exchange", nil,
      '{"public_token":"' .. public_token .. '"}')
  end
  return wrk.format(nil, "/sandbox/public_token/create", nil, CREATE_BODY)
end

function response(status, headers, body)
  if not common.count(status, body) then
    return
  end
  local public_token = body:match('"public_token"%s*:%s*"([^"]+)"')
  if public_token then
    table.insert(pending, public_token)
  elseif body:find('"access_token"', 1, true) then
    completed = completed + 1
  end
end
