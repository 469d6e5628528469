-- wrk script for scripts/bench's http section: POST /v1/matches with needs profiles, one per
-- request, each thread rotating through all of them from its own starting point.
--   WRK_PROFILES  file of needs profiles, one JSON object per line (scripts/lib/bench_profiles.py)
--   WRK_TOKEN     API token, sent as "Authorization: Bearer TOKEN" (from the environment, so it
--                 never shows in a process list)
--   WRK_PATH      request path (default /v1/matches)
-- Usage: WRK_PROFILES=FILE WRK_TOKEN=trt_... wrk -t2 -c32 -d30s --latency -s wrk_matches.lua URL
-- When the run is done it prints one JSON line (see wrk_report.lua).

local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "wrk_report.lua")

local requests = {}
local next_index = 0

function init(args)
  local file = os.getenv("WRK_PROFILES")
  local token = os.getenv("WRK_TOKEN")
  assert(file and file ~= "", "WRK_PROFILES must name a file of needs profiles")
  assert(token and token ~= "", "WRK_TOKEN must hold an API token")
  local path = os.getenv("WRK_PATH") or "/v1/matches"
  local headers = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
  for line in io.lines(file) do
    if string.find(line, "%S") then
      table.insert(requests, wrk.format("POST", path, headers, line))
    end
  end
  assert(#requests > 0, "no profiles in " .. file)
  -- Threads start far apart in the list, so they do not send the same profile at the same time.
  next_index = math.floor(((id or 1) - 1) * #requests / 2) % #requests
end

function request()
  next_index = next_index % #requests + 1
  return requests[next_index]
end
