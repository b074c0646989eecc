-- wrk `done` hook appended to every scenario script by bench/run: prints one machine-readable
-- line with throughput and latency percentiles (microseconds), so nothing parses wrk's human
-- output. It does not shape requests; a scenario's own script does that.

done = function(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "BENCH_RESULT requests=%d seconds=%.3f rps=%.1f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
    "socket_errors=%d http_errors=%d\n",
    summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    e.connect + e.read + e.write + e.timeout, e.status))
end
