-- Ceiling: POST /_gingham/health with a small JSON body (no auth, no database).
-- Usage: wrk ... -s health.lua http://127.0.0.1:PORT
local common = require "common"

function init(args)
  common.init({})
  wrk.path = "/_gingham/health"
  wrk.body = '{"ping":true}'
end

response = common.count_response
