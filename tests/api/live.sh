#!/usr/bin/env bash
# The live channel (GET /live) on the wire: the handshake's refusals (401 without credentials,
# 403 for a foreign Origin), events delivered per user as REST would decide (a user whose role
# reads only their own deals gets nothing about another's deal), close 1009 for a frame over
# 64 KB and 1002 for garbage without harm to other connections, heartbeats and dropping a
# silent peer, replay by last_event_id and "resync" when replay is impossible, a consumer that
# stops reading getting "resync" and being closed, and the same over the Server-Sent Events
# fallback GET /live/sse (refusals, per-user delivery, heartbeat comments, Last-Event-ID).
# The checks are in live_checks.py.
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

DATA=$T_DIR/data
printf '%s' 'correct horse battery' >"$T_DIR/pw"
for u in "admin@example.com Ada --admin" "bob@example.com Bob" "cid@example.com Cid"; do
    set -- $u
    "$KAZI_BIN" user add --data "$DATA" --email "$1" --name "$2" --last-name Test \
        --password-file "$T_DIR/pw" ${3:-} >/dev/null 2>>"$T_DIR/cli.err"
done
PA=$(hook_path 1 crm,user,task,admin)
PB=$(hook_path 2 crm,task)
PC=$(hook_path 3 crm)
check "users and webhooks created" test -n "$PA" -a -n "$PB" -a -n "$PC"

# three connection threads (more than this machine may have cores): a user's connections and
# the users of one event land on different threads
kazi_start --https off --live-ping 1 --live-queue 16 --live-threads 3 || {
    not_ok "kazi starts"
    t_finish
    exit 1
}
FIRST=$HTTP_URL
# a second server on the same data for the slow consumer: heartbeats far apart, so only the
# queue bound can end its connection; one connection thread. The bound (200) is far below the
# 1,500 updates the test makes, and far enough above what a reading client on a busy machine
# falls behind between two turns of the connection thread.
SLOW_PID=
"$KAZI_BIN" serve --data "$DATA" --http 127.0.0.1:0 --https off --live-queue 200 \
    --live-ping 600 --live-threads 1 >"$T_DIR/slow.out" 2>>"$T_DIR/slow.err" &
SLOW_PID=$!
for _ in $(seq 1 400); do
    grep -q 'listening on' "$T_DIR/slow.out" && break
    sleep 0.05
done
SLOW=$(grep -o 'http://[^ ]*' "$T_DIR/slow.out" | head -1)
check "second server starts" test -n "$SLOW"

python3 "$(dirname "$0")/live_checks.py" "$FIRST" "$SLOW" "$PA" "$PB" "$PC" 'correct horse battery'
T_FAILED=$((T_FAILED + $?))

kill -TERM "$SLOW_PID" 2>/dev/null
wait "$SLOW_PID"
expect_eq "second server stopped cleanly" "$?" 0
check "second server: no sanitizer findings" \
    bash -c "! grep -q 'Sanitizer\|runtime error' '$T_DIR/slow.err'"
kazi_stop
t_finish
