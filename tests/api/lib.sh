# Helpers for API tests: start a kazi on a fresh data directory with ephemeral ports, make
# requests with curl, and record results as "ok - name" / "not ok - name".
# shellcheck shell=bash
set -u
KAZI_BIN=${KAZI_BIN:-$PWD/build/asan/kazi}
T_FAILED=0
T_DIR=$(mktemp -d /tmp/kazi-api-XXXXXX)
KAZI_PID=
HTTP_URL=
HTTPS_URL=

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; T_FAILED=$((T_FAILED + 1)); }

# check NAME COMMAND...: ok when the command succeeds
check() {
    local name=$1
    shift
    if "$@"; then ok "$name"; else not_ok "$name"; fi
}

# expect_eq NAME ACTUAL EXPECTED
expect_eq() {
    if [ "$2" == "$3" ]; then ok "$1"; else not_ok "$1 (got '$2', expected '$3')"; fi
}

# expect_match NAME ACTUAL REGEX
expect_match() {
    if [[ $2 =~ $3 ]]; then ok "$1"; else not_ok "$1 (got '${2:0:300}', expected /$3/)"; fi
}

# hook_path USER SCOPES: creates a webhook in the test's data directory ($DATA, default
# $T_DIR/data) and prints its path (/rest/ID/SECRET)
hook_path() {
    "$KAZI_BIN" webhook add --data "${DATA:-$T_DIR/data}" --user "$1" --scopes "$2" 2>>"$T_DIR/cli.err" |
        tail -1 | sed -e 's#^https\?://[^/]*##' -e 's#/$##'
}

# kazi_start [extra serve args...]: starts kazi on $T_DIR/data, sets HTTP_URL/HTTPS_URL
kazi_start() {
    local data=${KAZI_DATA_DIR:-$T_DIR/data} want=2 i
    [[ " $* " == *" --https off "* ]] && want=$((want - 1))
    [[ " $* " == *" --http off "* ]] && want=$((want - 1))
    : >"$T_DIR/stdout"
    "$KAZI_BIN" serve --data "$data" --http 127.0.0.1:0 --https 127.0.0.1:0 "$@" \
        >"$T_DIR/stdout" 2>>"$T_DIR/stderr" &
    KAZI_PID=$!
    for i in $(seq 1 400); do
        if [ "$(grep -c 'listening on' "$T_DIR/stdout")" -ge "$want" ]; then
            HTTP_URL=$(grep -o 'http://[^ ]*' "$T_DIR/stdout" | head -1)
            HTTPS_URL=$(grep -o 'https://[^ ]*' "$T_DIR/stdout" | head -1)
            return 0
        fi
        if ! kill -0 "$KAZI_PID" 2>/dev/null; then
            echo "# kazi exited during start-up:" && sed 's/^/# /' "$T_DIR/stderr"
            KAZI_PID=
            return 1
        fi
        sleep 0.05
    done
    echo "# kazi did not start in time"
    return 1
}

# kazi_stop: SIGTERM, wait, and report the exit status (sanitizer findings make it non-zero)
kazi_stop() {
    [ -n "$KAZI_PID" ] || return 0
    kill -TERM "$KAZI_PID" 2>/dev/null
    local status=0
    wait "$KAZI_PID" || status=$?
    KAZI_PID=
    if [ "$status" -ne 0 ] || grep -q 'ERROR: AddressSanitizer\|runtime error:\|LeakSanitizer' "$T_DIR/stderr"; then
        not_ok "kazi stopped cleanly (status $status)"
        grep -A30 'Sanitizer\|runtime error' "$T_DIR/stderr" | head -60 | sed 's/^/# /'
        return 1
    fi
    ok "kazi stopped cleanly"
}

# kazi_run [BIN] ARGS...: runs a kazi command (BIN when the first argument is an executable
# path, else $KAZI_BIN), sets RC and OUT (stdout and stderr) and reports sanitizer findings
kazi_run() {
    local bin=$KAZI_BIN
    if [[ $1 == */* && -x $1 ]]; then bin=$1 && shift; fi
    OUT=$("$bin" "$@" 2>&1)
    RC=$?
    if grep -q 'Sanitizer\|runtime error' <<<"$OUT"; then
        not_ok "kazi $*: no sanitizer findings"
        sed 's/^/# /' <<<"$OUT" | head -40
    fi
}

# req METHOD URL [curl args...]: prints "STATUS BODY"
req() {
    local method=$1 url=$2
    shift 2
    curl -sk -o "$T_DIR/body" -w '%{http_code}' -X "$method" "$url" "$@" >"$T_DIR/status" 2>/dev/null
    echo "$(cat "$T_DIR/status") $(cat "$T_DIR/body")"
}

t_finish() {
    [ -n "$KAZI_PID" ] && kazi_stop
    rm -rf "$T_DIR"
    [ "$T_FAILED" -eq 0 ]
}
trap '[ -n "$KAZI_PID" ] && kill -9 "$KAZI_PID" 2>/dev/null; rm -rf "$T_DIR"' EXIT
