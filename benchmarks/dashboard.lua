-- wrk script for benchmarks/national.py (c): each request carries the session cookie of one of the logged-in
-- users (given after `--`, one per user, in turn); any answer other than 200 counts as an error; done() prints
-- one JSON line with the count, the errors and the p50/p95 latency in microseconds.
local cookies, threads, turn = {}, {}, 0
bad = 0  -- a global: done() reads it from each thread with thread:get

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  for i, cookie in ipairs(args) do cookies[i] = cookie end
end

function request()
  turn = turn % #cookies + 1
  return wrk.format("GET", nil, { ["Cookie"] = cookies[turn] })
end

function response(status, headers, body)
  if status ~= 200 then bad = bad + 1 end
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  for _, thread in ipairs(threads) do errors = errors + thread:get("bad") end
  io.write(string.format('{"requests": %d, "errors": %d, "p50_us": %d, "p95_us": %d}\n', summary.requests, errors,
                         latency:percentile(50), latency:percentile(95)))
end
