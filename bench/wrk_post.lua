-- wrk script for the bench: POST one JSON body (read from the file named after `--`) on every request,
-- count answers that are not HTTP 200 or that carry GraphQL `errors` (a fast failure must never pass
-- for a fast answer), and print one machine-readable line at the end.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  wrk.method = "POST"
  wrk.body = file:read("*a")
  wrk.headers["Content-Type"] = "application/json"
  file:close()
  failed = 0
  sample = ""
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    failed = failed + 1
    if sample == "" then
      sample = string.sub(body, 1, 200)
    end
  end
end

function done(summary, latency, requests)
  local failures, example = 0, ""
  for _, thread in ipairs(threads) do
    failures = failures + thread:get("failed")
    if example == "" then
      example = thread:get("sample")
    end
  end
  local errors = summary.errors
  io.write(string.format(
    "BENCH_RESULT %d %d %d %d %d %d %d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    failures, errors.connect + errors.read + errors.write + errors.timeout
  ))
  if example ~= "" then
    io.write("BENCH_FAILURE " .. string.gsub(example, "\n", " ") .. "\n")
  end
end
