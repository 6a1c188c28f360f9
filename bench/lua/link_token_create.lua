-- POST /link/token/create with the same body every time.
-- Usage: wrk ... -s link_token_create.lua http://127.0.0.1:PORT -- CLIENT_ID SECRET
local common = require "common"

function init(args)
  common.init(args)
  wrk.path = "/link/token/create"
  wrk.body = '{"client_name":"Gingham bench","language":"en","country_codes":["US"],'
    .. '"products":["transactions"],"user":{"client_user_id":"bench-user"}}'
end

response = common.count_response
