-- wrk script for scripts/bench's http section: one authenticated GET, again and again.
--   WRK_TOKEN  API token, sent as "Authorization: Bearer TOKEN" (from the environment, so it never
--              shows in a process list)
--   WRK_PATH   request path and query (default: the URL's, e.g. /v1/referrals?per_page=20)
-- Usage: WRK_TOKEN=trt_... wrk -t2 -c32 -d30s --latency -s wrk_get.lua 'URL/v1/referrals?per_page=20'
-- When the run is done it prints one JSON line (see wrk_report.lua).

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk_report.lua")

local prepared

function init(args)
  local token = os.getenv("WRK_TOKEN")
  assert(token and token ~= "", "WRK_TOKEN must hold an API token")
  local path = os.getenv("WRK_PATH") or wrk.path
  prepared = wrk.format("GET", path, {["Authorization"] = "Bearer " .. token, ["Accept"] = "application/json"})
end

function request()
  return prepared
end
