#!/usr/bin/env bash
# GET /metrics for an administrator: after traffic of every kind (REST calls of several method
# families, a failed and a rate-limited call, failed sign-ins, a WebSocket and an SSE
# connection, a failed TLS handshake, requests and connections refused by limits) every family
# parses, is documented in docs/metrics.md (and every documented one exists), counters rise,
# gauges are plausible and histograms consistent; the contrib/ alert rules, dashboard and
# scrape configuration name only exposed metrics and pass promtool when it is installed. The
# checks are in metrics_checks.py; who may read /metrics is tested in ops_hardening.sh.
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=$T_DIR/data
printf '%s' 'correct horse battery' >"$T_DIR/pw"
"$KAZI_BIN" user add --data "$DATA" --email admin@example.com --name Ada --last-name Test \
    --password-file "$T_DIR/pw" --admin >/dev/null 2>>"$T_DIR/cli.err"
HOOK=$(hook_path 1 crm,user,task,department,admin)
FLOOD=$(hook_path 1 crm)
check "user and webhooks created" test -n "$HOOK" -a -n "$FLOOD"

# small limits so that the checks can reach them: a rate limit bucket of 20 calls refilled at
# one per 10 s, 16 connections per address, headers due within 2 s
kazi_start --rate-limit-burst 20 --rate-limit-rate 0.1 --max-connections-per-ip 16 \
    --header-timeout 2 || {
    not_ok "kazi starts"
    t_finish
    exit 1
}
VERSION=$("$KAZI_BIN" --version | awk '{ print $2 }')

# the system python has prometheus_client (Debian's python3-prometheus-client) when installed
PY=python3
for p in python3 /usr/bin/python3; do
    if command -v "$p" >/dev/null && "$p" -c 'import prometheus_client, yaml' 2>/dev/null; then
        PY=$p
        break
    fi
done
"$PY" "$(dirname "$0")/metrics_checks.py" "$HTTP_URL" "$HTTPS_URL" "$HOOK" "$FLOOD" \
    admin@example.com 'correct horse battery' "$VERSION" "$ROOT"
T_FAILED=$((T_FAILED + $?))

# the alert rules and their unit tests, and the example configuration, with Prometheus's own
# checker (Debian's prometheus package; skipped when it is not installed)
if command -v promtool >/dev/null; then
    out=$(promtool check rules "$ROOT/contrib/prometheus/kazi-alerts.yml" 2>&1)
    expect_match "promtool check rules kazi-alerts.yml" "$out" 'SUCCESS: [0-9]+ rules found'
    out=$(cd "$ROOT/contrib/prometheus" && promtool test rules kazi-alerts.test.yml 2>&1)
    expect_match "promtool test rules kazi-alerts.test.yml (KaziDown, KaziHigh5xxRatio)" "$out" \
        'SUCCESS'
    out=$(promtool check config "$ROOT/contrib/prometheus/scrape.yml" 2>&1)
    expect_match "promtool check config scrape.yml" "$out" 'is valid prometheus config'
else
    ok "promtool is not installed # skip"
fi

kazi_stop
t_finish
