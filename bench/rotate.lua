-- wrk script of the learnapp benchmark: rotate over prepared requests (one per line of the file
-- given after `--`: method TAB path TAB body TAB header: value TAB ...), replacing "{seq}" in a
-- body by a per-line counter, and report statuses and percentiles as one JSON line.
local reqs = {}
local counters = {}
local idx = 0
statuses = {}

function init(args)
  for line in io.lines(args[1]) do
    local fields = {}
    for f in (line .. "\t"):gmatch("([^\t]*)\t") do fields[#fields + 1] = f end
    local headers = {}
    for i = 4, #fields do
      local k, v = fields[i]:match("^([^:]+):%s*(.*)$")
      if k then headers[k] = v end
    end
    reqs[#reqs + 1] = {method = fields[1], path = fields[2], body = fields[3], headers = headers}
    counters[#counters + 1] = 0
  end
  -- Start each thread at a different point of the list.
  idx = math.random(#reqs) - 1
end

function request()
  idx = idx % #reqs + 1
  local r = reqs[idx]
  local body = nil
  if r.body ~= "" then
    body = r.body
    if body:find("{seq}", 1, true) then
      counters[idx] = counters[idx] + 1
      body = (body:gsub("{seq}", tostring(counters[idx])))
    end
  end
  return wrk.format(r.method, r.path, r.headers, body)
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
end

local threads = {}

function setup(thread)
  threads[#threads + 1] = thread
end

function done(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    local s = thread:get("statuses")
    for k, v in pairs(s) do all[k] = (all[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(all) do parts[#parts + 1] = string.format('"%s": %d', k, v) end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests": %d, "duration_us": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, "statuses": {%s}}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    table.concat(parts, ", ")))
end
