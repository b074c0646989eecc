#!/usr/bin/env bash
# Denial of service without credentials, bounded in time (about a minute): 4,100 slow
# connections from 127.0.0.1 (more than the 4,096 connection slots) trickling header lines, and
# as many bare TCP connections to the HTTPS listener, while /healthz from 127.0.0.2 must answer
# within 1 s each time; then 50 concurrent unauthenticated 32 MiB bodies (half with
# Content-Length, half chunked) must leave kazi's own memory (RssAnon) under 100 MB during the
# attack and near its idle figure after.
# kazi-test: serial (it measures response times under load)
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

ATTACK=$(dirname "$0")/dos_attack.py
SLOW=4100

rss_anon() { awk '/^RssAnon:/ { print $2 }' "/proc/$KAZI_PID/status" 2>/dev/null || echo 0; }

hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=65536
[ "$hard" -gt 65536 ] && hard=65536
ulimit -n "$hard" 2>/dev/null
if [ "$(ulimit -n)" -lt $((SLOW + 512)) ]; then
    ok "# skip: the open-file limit $(ulimit -n) is too low for $SLOW connections"
    t_finish
    exit 0
fi

kazi_start || { not_ok "kazi starts"; t_finish; exit 1; }
HTTP_PORT=${HTTP_URL##*:}
TLS_PORT=${HTTPS_URL##*:}

# probe NAME URL SECONDS: /healthz from 127.0.0.2 every 2 s while an attack runs; each answer
# must be a 200 within 1 s
probe() {
    local name=$1 url=$2 until=$((SECONDS + $3)) out worst=0 bad=0 n=0
    while [ "$SECONDS" -lt "$until" ]; do
        out=$(curl -sk -o /dev/null --interface 127.0.0.2 --max-time 5 \
            -w '%{http_code} %{time_total}' "$url/healthz")
        n=$((n + 1))
        awk -v o="$out" 'BEGIN { split(o, a, " "); exit !(a[1] == 200 && a[2] < 1.0) }' || bad=$((bad + 1))
        worst=$(awk -v o="$out" -v w="$worst" 'BEGIN { split(o, a, " "); print (a[2] > w ? a[2] : w) }')
        sleep 2
    done
    echo "# $name: $n probes, slowest ${worst} s"
    check "$name: every /healthz from another address answered 200 within 1 s ($bad of $n not)" \
        test "$bad" -eq 0 -a "$n" -ge 5
}

# ---------------------------------------------------------------- slowloris over HTTP
python3 "$ATTACK" slow "$HTTP_PORT" "$SLOW" 26 >"$T_DIR/slow.out" 2>&1 &
attacker=$!
sleep 4 # the connections are open and trickling
probe "$SLOW slow HTTP connections" "$HTTP_URL" 18
wait "$attacker"
echo "# attacker: $(cat "$T_DIR/slow.out")"

# ---------------------------------------------------------------- bare TCP to HTTPS
python3 "$ATTACK" slow "$TLS_PORT" "$SLOW" 22 bare >"$T_DIR/bare.out" 2>&1 &
attacker=$!
sleep 4
probe "$SLOW bare TCP connections to HTTPS" "$HTTPS_URL" 14
wait "$attacker"
echo "# attacker: $(cat "$T_DIR/bare.out")"
expect_match "the server answers after the connection floods" "$(req GET "$HTTP_URL/healthz")" '^200 '

# ---------------------------------------------------------------- 50 x 32 MiB bodies
sleep 2
idle=$(rss_anon)
python3 "$ATTACK" bodies "$HTTP_PORT" 50 32 "$KAZI_PID" 409600 >"$T_DIR/bodies.out" 2>&1
peak=$(sed -n 's/.*max_rss_kb=\([0-9]*\).*/\1/p' "$T_DIR/bodies.out")
statuses=$(sed -n 's/.*statuses=//p' "$T_DIR/bodies.out")
sleep 2
after=$(rss_anon)
echo "# RssAnon: idle ${idle} kB, peak during ${peak:-?} kB, 2 s after ${after} kB"
check "50 x 32 MiB bodies: RssAnon stays under 100 MB (peak ${peak:-?} kB)" test "${peak:-999999}" -lt 102400
check "... and is back within 32 MB of idle after (${after} kB, idle ${idle} kB)" \
    test "$after" -lt $((idle + 32768))
n413=$(tr ',' '\n' <<<"$statuses" | grep -c '^413$')
n200=$(tr ',' '\n' <<<"$statuses" | grep -c '^200$')
check "every declared 32 MiB body got a 413 ($n413 of 25)" test "$n413" -ge 25
check "no unauthenticated 32 MiB body was accepted ($n200 were)" test "$n200" -eq 0
expect_match "the server answers after the bodies" "$(req GET "$HTTP_URL/healthz")" '^200 '

t_finish
