-- Shared by the Gingham benchmark scripts. Load with `local common = require "common"`, with
-- bench/lua on LUA_PATH (bench/run.py sets LUA_PATH="<repo>/bench/lua/?.lua;;").
--
-- Script arguments (after `--` on the wrk command line): client_id secret [script-specific...].
-- Every script counts non-200 responses; done() prints one machine-readable line that
-- bench/run.py parses, so a run that saw any error response fails loudly.

local common = {}
local threads = {}

-- Runs in wrk's main Lua state, once per thread: keep the threads so done() can read counters.
function setup(thread)
  table.insert(threads, thread)
end

-- Runs in each thread's Lua state: JSON POSTs with Plaid credentials in headers; counters.
function common.init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if args[1] and args[2] then
    wrk.headers["PLAID-CLIENT-ID"] = args[1]
    wrk.headers["PLAID-SECRET"] = args[2]
  end
  non_200 = 0      -- responses whose status was not 200
  completed = 0    -- units of work finished (responses, or exchanges for the pair script)
  first_error = "" -- status and body of the first non-200 response, for diagnosis
end

-- Counts one response; returns true when it was a 200.
function common.count(status, body)
  if status == 200 then
    return true
  end
  non_200 = non_200 + 1
  if first_error == "" then
    first_error = status .. " " .. string.sub(body or "", 1, 300):gsub("[\r\n]", " ")
  end
  return false
end

-- The response() of the scripts where each 200 response is one unit of work.
function common.count_response(status, headers, body)
  if common.count(status, body) then
    completed = completed + 1
  end
end

function done(summary, latency, requests)
  local total_non_200, total_completed, error_sample = 0, 0, ""
  for _, thread in ipairs(threads) do
    total_non_200 = total_non_200 + thread:get("non_200")
    total_completed = total_completed + thread:get("completed")
    if error_sample == "" then
      error_sample = thread:get("first_error")
    end
  end
  io.write(string.format("gingham-bench: non_200=%d completed=%d duration_us=%d\n",
    total_non_200, total_completed, summary.duration))
  if error_sample ~= "" then
    io.write("gingham-bench: first_error=" .. error_sample .. "\n")
  end
end

return common
