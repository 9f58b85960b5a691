-- Prints wrk's summary as one machine-readable line (bench/http reads it):
--   RESULT requests=N duration_us=N rps=N p50_us=N p99_us=N max_us=N
--          err_connect=N err_read=N err_write=N err_timeout=N err_status=N
-- err_status counts responses with a status of 400 or more. Used for the
-- GETs, which need no response() callback (one would slow wrk down).
function result_line(summary, latency, extra)
  local e = summary.errors
  local line = string.format(
    "RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_timeout=%d err_status=%d",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.timeout, e.status)
  io.write(line .. (extra or "") .. "\n")
end

done = function(summary, latency, requests)
  result_line(summary, latency)
end
