#!/usr/bin/env bash
# kazi serve as a service: SIGHUP reloads the configuration and the certificate pair without
# dropping a connection or failing a request; changed certificate files are picked up without
# a signal; a bad configuration or certificate changes nothing; reloadable options take effect
# and restart-only ones are reported; the access log is reopened; and the service manager is
# told READY=1, RELOADING=1/READY=1, WATCHDOG=1 and STOPPING=1 through NOTIFY_SOCKET, with
# the keepalives held back while every worker thread of a listener is stuck in one request.
# The load and the TLS checks run in tests/api/reload_client.py.
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

CLIENT=(python3 "$(dirname "$0")/reload_client.py")
CONF=$T_DIR/kazi.conf
NOTIFY_PID=

cleanup() {
    [ -n "$KAZI_PID" ] && kill -9 "$KAZI_PID" 2>/dev/null && wait "$KAZI_PID" 2>/dev/null
    [ -n "$NOTIFY_PID" ] && kill "$NOTIFY_PID" 2>/dev/null
    rm -rf "$T_DIR"
}
trap cleanup EXIT

# make_pair DIR: a new self-signed ECDSA pair DIR/cert.pem and DIR/key.pem for 127.0.0.1
make_pair() {
    mkdir -p "$1"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 30 \
        -subj "/CN=kazi-test-$(basename "$1")" -addext subjectAltName=IP:127.0.0.1 \
        -keyout "$1/key.pem" -out "$1/cert.pem" 2>/dev/null
    chmod 600 "$1/key.pem"
}

# reloads: how many reloads the log reports as finished (applied or refused)
reloads() { grep -c 'reload: done\|reload: .*nothing was changed' "$T_DIR/stderr"; }

# hup_and_wait: SIGHUP, then wait (up to 30 s) until the log reports that reload finished
hup_and_wait() {
    local before i
    before=$(reloads)
    kill -HUP "$KAZI_PID" 2>/dev/null || return 1
    for i in $(seq 1 300); do
        [ "$(reloads)" -gt "$before" ] && return 0
        kill -0 "$KAZI_PID" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

# wait_for FILE REGEX [SECONDS]: until a line of FILE matches
wait_for() {
    local i
    for i in $(seq 1 $((${3:-20} * 10))); do
        grep -q "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

make_pair "$T_DIR/a"
make_pair "$T_DIR/b"
make_pair "$T_DIR/c"
mkdir -p "$T_DIR/live"
CERT=$T_DIR/live/cert.pem
KEY=$T_DIR/live/key.pem
cp "$T_DIR/a/cert.pem" "$CERT"
cp "$T_DIR/a/key.pem" "$KEY"
FP_A=$("${CLIENT[@]}" fpfile "$T_DIR/a/cert.pem")
FP_B=$("${CLIENT[@]}" fpfile "$T_DIR/b/cert.pem")
FP_C=$("${CLIENT[@]}" fpfile "$T_DIR/c/cert.pem")

# ------------------------------------------------ SIGHUP under load, certificates swapped
KAZI_TLS_RELOAD_CHECK=2 kazi_start --tls-cert "$CERT" --tls-key "$KEY" --access-log off \
    --threads 2 || exit 1
PID0=$KAZI_PID
expect_eq "a new connection gets the configured certificate" "$("${CLIENT[@]}" fp "$HTTPS_URL")" "$FP_A"
out=$("${CLIENT[@]}" load --pid "$KAZI_PID" --http "$HTTP_URL" --https "$HTTPS_URL" --hups 6 \
    --swap "$T_DIR/b" "$T_DIR/a" "$CERT" "$KEY")
echo "$out" | sed 's/^/# load: /'
requests=$(echo "$out" | sed -n 's/^requests=//p')
check "requests were made during the reloads ($requests)" test "${requests:-0}" -gt 100
expect_eq "no request failed across 6 SIGHUPs over HTTP and HTTPS" \
    "$(echo "$out" | sed -n 's/^failed=//p')" 0
expect_eq "kazi is still running with the same PID" "$(kill -0 "$PID0" 2>/dev/null && echo "$PID0")" \
    "$KAZI_PID"
for i in $(seq 1 100); do [ "$(reloads)" -ge 6 ] && break; sleep 0.1; done
expect_eq "every SIGHUP was a reload" "$(reloads)" 6

# ------------------------------------------------ a new pair + SIGHUP; a kept connection goes on
cp "$T_DIR/a/cert.pem" "$CERT" && cp "$T_DIR/a/key.pem" "$KEY" && hup_and_wait
expect_eq "pair A is back in use" "$("${CLIENT[@]}" fp "$HTTPS_URL")" "$FP_A"
out=$("${CLIENT[@]}" keepalive --pid "$KAZI_PID" --url "$HTTPS_URL" --new-dir "$T_DIR/b" \
    --cert "$CERT" --key "$KEY")
expect_eq "the kept-alive connection started with certificate A" \
    "$(echo "$out" | sed -n 's/^before=//p')" "$FP_A"
expect_eq "after SIGHUP a new connection gets certificate B" \
    "$(echo "$out" | sed -n 's/^new_connection=//p')" "$FP_B"
expect_eq "the connection opened before the reload still works" \
    "$(echo "$out" | sed -n 's/^kept_request=//p')" ok
expect_eq "and still has certificate A" "$(echo "$out" | sed -n 's/^kept_fp=//p')" "$FP_A"
expect_match "the log names the new certificate" "$(cat "$T_DIR/stderr")" \
    "tls: new connections get certificate '$CERT' \(sha256 $FP_B\)"

# ------------------------------------------------ changed files without a signal
hups_before=$(reloads)
cp "$T_DIR/c/key.pem" "$KEY.new" && mv "$KEY.new" "$KEY"
cp "$T_DIR/c/cert.pem" "$CERT.new" && mv "$CERT.new" "$CERT"
t0=$(date +%s%N)
seen=
for i in $(seq 1 300); do
    seen=$("${CLIENT[@]}" fp "$HTTPS_URL")
    [ "$seen" == "$FP_C" ] && break
    kill -0 "$KAZI_PID" 2>/dev/null || break
    sleep 0.1
done
elapsed_ms=$((($(date +%s%N) - t0) / 1000000))
echo "# changed files picked up after ${elapsed_ms} ms (tls_reload_check 2)"
expect_eq "changed files are used without a signal" "$seen" "$FP_C"
check "within the check interval plus slack (${elapsed_ms} ms <= 10 s), no reload needed" \
    test "$seen" == "$FP_C" -a "$elapsed_ms" -le 10000 -a "$(reloads)" -eq "$hups_before"
kazi_stop

# ------------------------------------------------ bad configuration, reloadable and restart-only
cp "$T_DIR/a/cert.pem" "$CERT" && cp "$T_DIR/a/key.pem" "$KEY"
printf 'metrics = off\nhsts_max_age = 100\n' >"$CONF"
KAZI_TLS_RELOAD_CHECK=0 kazi_start --config "$CONF" --tls-cert "$CERT" --tls-key "$KEY" \
    --access-log "$T_DIR/access.log" || exit 1
hsts() { curl -sk -D - -o /dev/null "$HTTPS_URL/healthz" | tr -d '\r' | sed -n 's/^Strict-Transport-Security: //Ip'; }
expect_eq "/metrics is off at start" "$(req GET "$HTTP_URL/metrics" | head -c 3)" 404
expect_eq "hsts_max_age from the file" "$(hsts)" "max-age=100"

printf 'metrics = public\nhsts_max_age = 200\nlog_level = info\nmax_body = 2048\n' >"$CONF"
check "SIGHUP reload finishes" hup_and_wait
expect_eq "metrics = public is applied by the reload" "$(req GET "$HTTP_URL/metrics" | head -c 3)" 200
expect_eq "hsts_max_age is applied by the reload" "$(hsts)" "max-age=200"
expect_match "the log names the applied option" "$(cat "$T_DIR/stderr")" \
    "reload: 'metrics' changed and is applied"
expect_match "a restart-only option is reported" "$(cat "$T_DIR/stderr")" \
    "reload: 'max_body' changed but needs a restart; the running value is kept"
body=$(head -c 4096 /dev/zero | tr '\0' a)
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST --data "x=$body" "$HTTP_URL/rest/server.time")
check "and not applied: a 4 KiB body is not refused as larger than 2048 ($code)" \
    test "$code" != 413 -a "$code" != 000

printf 'metrics = public\nhsts_max_age = 200\nlog_level = loud\n' >"$CONF"
check "SIGHUP with a bad file finishes" hup_and_wait
expect_match "the error names the key and the file" "$(grep 'nothing was changed' "$T_DIR/stderr" | tail -1)" \
    "error reload: config: 'log_level' in $CONF:3 must be one of debug\|info\|warn\|error\|off, not 'loud'; nothing was changed"
expect_eq "the old values are kept (metrics)" "$(req GET "$HTTP_URL/metrics" | head -c 3)" 200
expect_eq "the old values are kept (hsts)" "$(hsts)" "max-age=200"
expect_eq "still serving" "$(req GET "$HTTP_URL/healthz")" '200 {"status":"ok"}'

printf 'metrics = off\nhsts_max_age = 300\n' >"$CONF"
echo "not a certificate" >"$CERT"
check "SIGHUP with a bad certificate finishes" hup_and_wait
expect_match "the bad certificate is logged" "$(grep 'nothing was changed' "$T_DIR/stderr" | tail -1)" \
    "tls certificate '$CERT' is not a valid pem certificate"
expect_eq "the old certificate is kept" "$("${CLIENT[@]}" fp "$HTTPS_URL")" "$FP_A"
expect_eq "and nothing else changed with it (metrics)" "$(req GET "$HTTP_URL/metrics" | head -c 3)" 200
cp "$T_DIR/b/cert.pem" "$CERT"
check "SIGHUP with a certificate that does not match the key finishes" hup_and_wait
expect_match "the mismatch is logged" "$(grep 'nothing was changed' "$T_DIR/stderr" | tail -1)" \
    "tls key '$KEY' does not match certificate '$CERT'"
expect_eq "the old certificate is still in use" "$("${CLIENT[@]}" fp "$HTTPS_URL")" "$FP_A"

# ------------------------------------------------ the access log is reopened
cp "$T_DIR/a/cert.pem" "$CERT"
curl -s -o /dev/null "$HTTP_URL/healthz?before-rotation"
mv "$T_DIR/access.log" "$T_DIR/access.log.1"
check "SIGHUP after the log was renamed finishes" hup_and_wait
curl -s -o /dev/null "$HTTP_URL/healthz?after-rotation"
curl -s -o /dev/null "$HTTP_URL/after-rotation"
check "a new access log file is created" test -f "$T_DIR/access.log"
check "and written to" wait_for "$T_DIR/access.log" '"GET /after-rotation" 404' 10
check "the renamed file has the earlier requests and not the later ones" \
    test "$(grep -c '"GET /healthz" 200' "$T_DIR/access.log.1")" -ge 1 -a \
    "$(grep -c 'after-rotation' "$T_DIR/access.log.1" "$T_DIR/access.log" | tr '\n' ' ')" == \
    "$T_DIR/access.log.1:0 $T_DIR/access.log:1 "
kazi_stop

# ------------------------------------------------ the service manager's notify socket
SOCK=$T_DIR/notify.sock
"${CLIENT[@]}" notify "$SOCK" "$T_DIR/notify.log" 60 &
NOTIFY_PID=$!
for i in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
NOTIFY_SOCKET=$SOCK WATCHDOG_USEC=300000 kazi_start || exit 1
check "READY=1 once listening" wait_for "$T_DIR/notify.log" 'READY=1'
expect_match "with the URLs in STATUS=" "$(head -1 "$T_DIR/notify.log")" \
    "READY=1 \| STATUS=serving on $HTTP_URL and $HTTPS_URL"
check "SIGHUP reload finishes" hup_and_wait
check "RELOADING=1 with MONOTONIC_USEC= on SIGHUP" wait_for "$T_DIR/notify.log" \
    '^RELOADING=1 | MONOTONIC_USEC=[0-9][0-9]*'
check "then READY=1 again" wait_for "$T_DIR/notify.log" 'READY=1 | STATUS=configuration reloaded'
order=$(grep -n 'RELOADING=1\|READY=1' "$T_DIR/notify.log" | cut -d: -f2- | cut -c1-11 | tr '\n' ' ')
expect_eq "in that order" "$order" "READY=1 | S RELOADING=1 READY=1 | S "
sleep 1.5
n=$(grep -c '^WATCHDOG=1$' "$T_DIR/notify.log")
check "WATCHDOG=1 repeatedly with WATCHDOG_USEC=300000 ($n in about 2 s)" test "$n" -ge 4
kazi_stop
check "STOPPING=1 on SIGTERM" wait_for "$T_DIR/notify.log" 'STOPPING=1' 10
wait "$NOTIFY_PID" 2>/dev/null
NOTIFY_PID=

# ------------------------------------------------ the watchdog's liveness check
# One worker thread per listener; another process holds the database's write lock, so a write
# request waits for it (busy timeout 5 s) while holding kazi's writer lock, and a second one
# waits for kazi's writer lock and then for the database: its worker is inside one request for
# about 10 s, longer than the check allows (5 s at least), and the keepalives stop until it ends.
printf 'pw-reload-test-1\n' >"$T_DIR/pw"
"$KAZI_BIN" user add --data "$T_DIR/data" --email a@example.com --name A \
    --password-file "$T_DIR/pw" --admin >/dev/null 2>>"$T_DIR/cli.err"
HOOK=$(hook_path 1 crm)
"${CLIENT[@]}" notify "$SOCK" "$T_DIR/notify2.log" 90 &
NOTIFY_PID=$!
for i in $(seq 1 100); do [ -S "$SOCK" ] && break; sleep 0.05; done
NOTIFY_SOCKET=$SOCK WATCHDOG_USEC=1000000 kazi_start --threads 1 || exit 1
check "keepalives while healthy" wait_for "$T_DIR/notify2.log" '^WATCHDOG=1$' 10
(echo "BEGIN IMMEDIATE;" && sleep 16 && echo "COMMIT;") | sqlite3 "$T_DIR/data/kazi.db" &
LOCK_PID=$!
for i in $(seq 1 100); do # until the lock is held: a write without waiting fails
    sqlite3 "$T_DIR/data/kazi.db" 'PRAGMA busy_timeout=0; BEGIN IMMEDIATE; ROLLBACK;' \
        >/dev/null 2>&1 || break
    sleep 0.1
done
CURL_PIDS=()
for u in "$HTTP_URL" "$HTTPS_URL"; do
    curl -sk -m 60 -o /dev/null -X POST "$u$HOOK/crm.lead.add" -H 'Content-Type: application/json' \
        --data '{"fields":{"TITLE":"watchdog"}}' &
    CURL_PIDS+=($!)
done
check "no keepalive while every worker of a listener is stuck" \
    wait_for "$T_DIR/stderr" 'watchdog: no keepalive sent: every worker thread of a listener' 30
wait "$LOCK_PID" "${CURL_PIDS[@]}" 2>/dev/null
n_before=$(grep -c '^WATCHDOG=1$' "$T_DIR/notify2.log")
sleep 2
check "keepalives again once the requests are done" \
    test "$(grep -c '^WATCHDOG=1$' "$T_DIR/notify2.log")" -gt "$n_before"
expect_eq "still serving" "$(req GET "$HTTP_URL/healthz")" '200 {"status":"ok"}'
kazi_stop
wait "$NOTIFY_PID" 2>/dev/null
NOTIFY_PID=

# ------------------------------------------------ without NOTIFY_SOCKET nothing is sent
WATCHDOG_USEC=300000 kazi_start || exit 1
check "SIGHUP without a notify socket reloads as well" hup_and_wait
kazi_stop

t_finish
