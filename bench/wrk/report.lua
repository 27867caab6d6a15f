-- Shared by every bench script (loaded with dofile into each Lua state wrk creates).
-- Numbers the threads, tallies answers by status inside each thread (wrk's own summary only counts
-- status >= 400) and prints one JSON line for the harness at the end.

local threads = {}

function setup(thread)
  -- 0-based, so a script can give thread i its own slice of a list
  thread:set("thread_index", #threads)
  table.insert(threads, thread)
end

statuses = {}

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

-- A copy of the -H headers (Host included) plus `extra`, without the names listed in `drop`.
function headers_with(extra, drop)
  local headers = {}
  for name, value in pairs(wrk.headers) do headers[name] = value end
  for _, name in ipairs(drop or {}) do headers[name] = nil end
  for name, value in pairs(extra) do headers[name] = value end
  return headers
end

-- Every line of a file, in order.
function read_lines(path)
  local lines = {}
  for line in io.lines(path) do
    if line ~= "" then lines[#lines + 1] = line end
  end
  return lines
end

function done(summary, latency, requests)
  local tally, parts, non2xx = {}, {}, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      tally[status] = (tally[status] or 0) + count
    end
  end
  for status, count in pairs(tally) do
    parts[#parts + 1] = string.format('"%d":%d', status, count)
    if status < 200 or status > 299 then non2xx = non2xx + count end
  end
  -- the whole latency histogram (microseconds, count), so runs of one workload can be pooled
  local histogram = {}
  for i = 1, #latency do
    local value, count = latency(i)
    histogram[#histogram + 1] = string.format("[%d,%d]", value, count)
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"durationUs":%d,"p50Us":%d,"p90Us":%d,"p99Us":%d,"maxUs":%d,' ..
    '"non2xx":%d,"statuses":{%s},"wrkStatusErrors":%d,"socketErrors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},"latencyHistogram":[%s]}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    non2xx, table.concat(parts, ","), e.status, e.connect, e.read, e.write, e.timeout, table.concat(histogram, ",")))
end
