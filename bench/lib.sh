# Shared helpers for bench/run and bench/startup (sourced, not run): free loopback ports,
# process start/stop by PID, readiness polling over bash's /dev/tcp (no fork per probe, so the
# timings stay honest), medians and the markdown report. Only loopback addresses are used.
# shellcheck shell=bash disable=SC2034

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_ROOT=$(cd "$BENCH_DIR/.." && pwd)
BENCH_OUT=$BENCH_DIR/out
BENCH_MD=$BENCH_OUT/latest.md
BENCH_HOST=127.0.0.1
BENCH_PIDS=()
BENCH_PORTS_GIVEN=" "
BENCH_SLEEP_FD=
BENCH_STATUS=

# Sets BENCH_TMP to a new private temporary directory and a fifo used for millisecond sleeps.
bench_tmp_init() {
    BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/kazi-bench.XXXXXX")
    mkfifo "$BENCH_TMP/.sleep"
    exec {BENCH_SLEEP_FD}<>"$BENCH_TMP/.sleep"
}

# Kills the processes this script started (by PID, never by name) and removes BENCH_TMP.
bench_cleanup() {
    local pid
    for pid in "${BENCH_PIDS[@]}"; do
        bench_stop "$pid" 2>/dev/null || true
    done
    BENCH_PIDS=()
    if [[ -n ${BENCH_TMP:-} && -d $BENCH_TMP ]]; then
        rm -rf "$BENCH_TMP"
    fi
}

# Sleeps about $1 milliseconds without forking.
bench_sleep_ms() {
    local s
    printf -v s '%d.%03d' $(($1 / 1000)) $(($1 % 1000))
    read -r -t "$s" -u "$BENCH_SLEEP_FD" _ || true
}

# Sets the variable named $1 to a loopback TCP port that nothing uses and that this script has
# not handed out yet. Picks below the kernel's usual ephemeral range so clients do not take it.
bench_free_port() {
    # private names, so that printf -v reaches the caller's variable whatever it is called
    local -A _bfp_used=()
    local _bfp_addr _bfp_port _bfp_try
    while read -r _ _bfp_addr _; do
        _bfp_used[$((16#${_bfp_addr##*:}))]=1
    done < <(tail -q -n +2 /proc/net/tcp /proc/net/tcp6 2>/dev/null)
    for ((_bfp_try = 0; _bfp_try < 1000; _bfp_try++)); do
        _bfp_port=$((20000 + RANDOM % 12000))
        [[ -n ${_bfp_used[$_bfp_port]:-} || $BENCH_PORTS_GIVEN == *" $_bfp_port "* ]] && continue
        BENCH_PORTS_GIVEN+="$_bfp_port "
        printf -v "$1" '%s' "$_bfp_port"
        return 0
    done
    echo "bench: no free loopback port found" >&2
    return 1
}

# Sets BENCH_STATUS to the HTTP status of GET $3 on $1:$2, or to "" when nothing answers.
bench_http_status() {
    local fd line
    BENCH_STATUS=
    { exec {fd}<>"/dev/tcp/$1/$2"; } 2>/dev/null || return 0
    {
        printf 'GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$3" "$1" "$2" \
            1>&"$fd"
    } 2>/dev/null || true
    IFS= read -r -t 2 -u "$fd" line || line=
    exec {fd}>&-
    line=${line#HTTP/1.? }
    BENCH_STATUS=${line%% *}
}

# Waits until PID $1 answers 200 on GET $4 at $2:$3, polling every millisecond, for at most $5 ms.
# Returns 0 when ready, 1 when the process died or the time ran out.
bench_wait_ready() {
    local pid=$1 host=$2 port=$3 path=$4 limit_us=$(($5 * 1000)) start now
    start=${EPOCHREALTIME/[.,]/}
    while :; do
        bench_http_status "$host" "$port" "$path"
        [[ $BENCH_STATUS == 200 ]] && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        now=${EPOCHREALTIME/[.,]/}
        ((now - start > limit_us)) && return 1
        bench_sleep_ms 1
    done
}

# Starts "$@" in the background with stdout and stderr to file $BENCH_LOG, records its PID in
# BENCH_PIDS and in BENCH_PID.
bench_start() {
    "$@" >"$BENCH_LOG" 2>&1 &
    BENCH_PID=$!
    BENCH_PIDS+=("$BENCH_PID")
}

# Stops PID $1 (a child of this shell): SIGTERM, then SIGKILL after 5 s. Sets BENCH_STOP_MS to
# the milliseconds the stop took and BENCH_STOP_RC to its exit status (143: died of SIGTERM).
# Must not run in a subshell: only the parent can reap the child.
bench_stop() {
    local pid=$1 start now i
    start=${EPOCHREALTIME/[.,]/}
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 5000; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        bench_sleep_ms 1
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
    BENCH_STOP_RC=0
    wait "$pid" 2>/dev/null || BENCH_STOP_RC=$?
    now=${EPOCHREALTIME/[.,]/}
    bench_forget "$pid"
    BENCH_STOP_MS=$(((now - start) / 1000))
}

# Removes PID $1 from BENCH_PIDS (it has exited and been waited for).
bench_forget() {
    local p keep=()
    for p in "${BENCH_PIDS[@]}"; do
        [[ $p != "$1" ]] && keep+=("$p")
    done
    BENCH_PIDS=("${keep[@]}")
}

# Prints the resident set size of PID $1 in kB (from /proc, VmRSS; $2=VmHWM for the peak,
# RssAnon for the process's own memory without mapped files such as the database), or 0 when
# the process is gone.
bench_rss_kb() {
    local key val _unit
    [[ -r /proc/$1/status ]] || {
        echo 0
        return 0
    }
    while read -r key val _unit; do
        if [[ $key == "${2:-VmRSS}:" ]]; then
            echo "$val"
            return 0
        fi
    done <"/proc/$1/status"
    echo 0
}

# Prints the median of the numbers given as arguments (the lower middle one for an even count).
bench_median() {
    printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# Appends its arguments, one line each, to the markdown report.
bench_md() {
    mkdir -p "$BENCH_OUT"
    printf '%s\n' "$@" >>"$BENCH_MD"
}

# Prints the kazi binary to measure ($KAZI_BIN or build/release/kazi) as an absolute path, or
# returns 1 with a message when it is missing.
bench_kazi_bin() {
    local bin=${KAZI_BIN:-$BENCH_ROOT/build/release/kazi}
    [[ $bin == /* ]] || bin=$BENCH_ROOT/$bin
    if [[ ! -x $bin ]]; then
        echo "bench: kazi binary '$bin' not found (build it with 'make release')" >&2
        return 1
    fi
    echo "$bin"
}
