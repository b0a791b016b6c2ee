-- wrk's script for `make bench` (bench/wrk.py writes its inputs).
--
-- BENCH_WRK_REQUESTS names a file with one request per line:
--     <path>\t<header: value>[\t<header: value>...]
-- one line per signed-in person (their own session cookie or token, their own
-- dynamic's URL). Each connection of each thread takes the next person in turn,
-- so N connections are N people asking again as soon as they have the answer.
-- BENCH_WRK_OUT names the JSON file done() writes: requests, errors, answers
-- other than 200 and the latency percentiles, in microseconds.

local lines = {}
local threads = {}
local counter = 0

local function load(path)
  local out = {}
  for line in io.lines(path) do
    if line ~= "" then
      local fields = {}
      for part in string.gmatch(line, "[^\t]+") do
        table.insert(fields, part)
      end
      local headers = {}
      for i = 2, #fields do
        local name, value = string.match(fields[i], "^([^:]+):%s*(.*)$")
        headers[name] = value
      end
      table.insert(out, wrk.format("GET", fields[1], headers))
    end
  end
  return out
end

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  lines = load(os.getenv("BENCH_WRK_REQUESTS"))
  -- Threads start at different people so that together they cover everyone.
  position = (id - 1) * 7919
  not_ok = 0
end

function request()
  position = position + 1
  return lines[(position % #lines) + 1]
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
  end
end

function done(summary, latency, requests)
  local not_ok_total = 0
  for _, thread in ipairs(threads) do
    not_ok_total = not_ok_total + thread:get("not_ok")
  end
  local e = summary.errors
  local file = assert(io.open(os.getenv("BENCH_WRK_OUT"), "w"))
  file:write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "not_ok": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, ' ..
    '"timeout": %d}, "latency_us": {"mean": %.1f, "p50": %d, "p90": %d, ' ..
    '"p99": %d, "max": %d}}\n',
    summary.requests, summary.duration, summary.bytes, not_ok_total,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max))
  file:close()
end
