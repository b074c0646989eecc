-- user.get by id as a POST with a JSON body, the way SDK clients call it; the id comes from
-- the setup hook (KAZI_BENCH_USER_ID). Shapes the request only; bench/report.lua reports.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = string.format('{"ID":%d}', tonumber(os.getenv("KAZI_BENCH_USER_ID") or "1"))
