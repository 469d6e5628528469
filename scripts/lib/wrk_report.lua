-- Shared by wrk_matches.lua and wrk_get.lua (loaded with dofile): numbers the threads, counts the
-- answers each thread gets by status, and prints, when the run is done, one JSON line on stdout
-- after wrk's own report:
--   {"requests", "duration_s", "requests_per_s", "p50_ms", "p90_ms", "p99_ms", "max_ms", "mean_ms",
--    "connect_errors", "read_errors", "write_errors", "timeout_errors", "status_errors" (>= 400, as
--    wrk counts them), "non_2xx", "statuses" ({"200": n, ...}), "non_2xx_sample" (the first such
--    answer, status and the start of its body), "bytes"}
-- Latencies are wrk's per-request latencies (closed loop: each connection sends its next request
-- when the previous answer has come), in milliseconds.

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

-- Per thread (each thread has its own Lua state); read back in done() with thread:get.
statuses = {}
non_2xx = 0
non_2xx_sample = nil

-- Counting every answer by status hands each body to Lua, which costs the load generator enough CPU
-- (on the cores it shares with the server) to skew the figures: only the warm-up does it
-- (WRK_COUNT_STATUSES=1); a measured run counts answers >= 400 from wrk's own summary.
counting = os.getenv("WRK_COUNT_STATUSES") == "1"
if counting then
  function response(status, headers, body)
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
    if status < 200 or status > 299 then
      non_2xx = non_2xx + 1
      if non_2xx_sample == nil then
        non_2xx_sample = key .. " " .. string.sub(body or "", 1, 200)
      end
    end
  end
end

local function json_string(s)
  s = string.gsub(s, '[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == "\\" then return "\\\\" end
    return string.format("\\u%04x", string.byte(c))
  end)
  return '"' .. s .. '"'
end

local function json_number(x, decimals)
  if x ~= x or x == math.huge or x == -math.huge then return "null" end
  if decimals == 0 then return string.format("%d", x) end
  return string.format("%." .. decimals .. "f", x)
end

function done(summary, latency, requests)
  local counts, non2xx, sample = {}, 0, nil
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("statuses") or {}) do
      counts[key] = (counts[key] or 0) + n
    end
    non2xx = non2xx + (thread:get("non_2xx") or 0)
    sample = sample or thread:get("non_2xx_sample")
  end
  if not counting then
    non2xx = summary.errors.status
    counts = {["<400"] = summary.requests - summary.errors.status, [">=400"] = summary.errors.status}
  end
  local keys = {}
  for key in pairs(counts) do table.insert(keys, key) end
  table.sort(keys)
  local status_fields = {}
  for _, key in ipairs(keys) do
    table.insert(status_fields, json_string(key) .. ":" .. json_number(counts[key], 0))
  end
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local fields = {
    '"requests":' .. json_number(summary.requests, 0),
    '"duration_s":' .. json_number(seconds, 3),
    '"requests_per_s":' .. json_number(seconds > 0 and summary.requests / seconds or 0 / 0, 1),
    '"p50_ms":' .. json_number(latency:percentile(50) / 1000, 3),
    '"p90_ms":' .. json_number(latency:percentile(90) / 1000, 3),
    '"p99_ms":' .. json_number(latency:percentile(99) / 1000, 3),
    '"max_ms":' .. json_number(latency.max / 1000, 3),
    '"mean_ms":' .. json_number(latency.mean / 1000, 3),
    '"connect_errors":' .. json_number(e.connect, 0),
    '"read_errors":' .. json_number(e.read, 0),
    '"write_errors":' .. json_number(e.write, 0),
    '"timeout_errors":' .. json_number(e.timeout, 0),
    '"status_errors":' .. json_number(e.status, 0),
    '"non_2xx":' .. json_number(non2xx, 0),
    '"statuses":{' .. table.concat(status_fields, ",") .. "}",
    '"non_2xx_sample":' .. (sample and json_string(sample) or "null"),
    '"bytes":' .. json_number(summary.bytes, 0),
  }
  io.write("{" .. table.concat(fields, ",") .. "}\n")
end
