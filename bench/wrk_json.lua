-- wrk script: after the run, one line "WRK_JSON {...}" with the latency percentiles (microseconds), the request
-- count, the run's duration and the errors, for bench/dataplane.py to read (wrk's own report rounds to 10 µs and
-- prints units). Non-2xx/3xx answers are counted in errors.status, and their latencies are recorded like any other.
done = function(summary, latency, requests)
  local p = {}
  for _, q in ipairs({50, 90, 99, 99.9}) do
    p[#p + 1] = string.format('"%s": %d', tostring(q), latency:percentile(q))
  end
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "latency_us": {%s, "mean": %.1f, "max": %d}, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration, table.concat(p, ", "), latency.mean, latency.max,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
