#!/usr/bin/env bash
# kazi-test: serial
# The Debian package end to end: builds it (scripts/build-deb, as `make deb`), runs lintian,
# installs it with apt into a clean Debian 12 root made by mmdebstrap (dependencies from the
# mirror), checks what it installed, runs the service inside the root as its unit would (the
# unit's ExecStart, User, Group, UMask and Environment; NOTIFY_SOCKET on a datagram listener),
# reloads it with SIGHUP under load, stops it, runs the backup unit's command, upgrades, and
# purges with and without KAZI_PURGE_DATA=yes. Then the same root, with systemd added, boots
# in a container (systemd-nspawn, its own network) and the units run for real: the hardened
# service starts (READY=1 through the whole sandbox), reloads under load with `systemctl
# reload`, is restarted by the watchdog when it hangs, the backup unit runs, and
# `systemd-analyze security` scores the running unit.
#   KAZI_DEB=path/kazi_V_A.deb   test that package instead of building one
# The clean root is cached as build/package-test/debian12-KEY.tar, KEY a hash of how it is
# made; it needs root (chroot, mount namespaces) and the Debian mirror.
source "$(dirname "$0")/lib.sh"
REPO=$(cd "$(dirname "$0")/../.." && pwd)
HELPERS=$REPO/tests/api/package_helpers.py
CACHE=$REPO/${BUILD_DIR:-build}/package-test
MIRROR=http://deb.debian.org/debian
SUITE=bookworm
ROOT=$T_DIR/root
NOTIFY_PID=
LOAD_PID=
NSPAWN_PID=
# on exit: the load and notify helpers, and every process this suite started inside the root
# (found by their root directory), are stopped before the root is removed
cleanup() {
    local p
    if [ -n "$NSPAWN_PID" ]; then
        kill -TERM "$NSPAWN_PID" 2>/dev/null
        for _ in $(seq 200); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$NSPAWN_PID" 2>/dev/null
    fi
    [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null
    [ -n "$NOTIFY_PID" ] && kill "$NOTIFY_PID" 2>/dev/null
    for p in /proc/[0-9]*; do
        [ "$(readlink "$p/root" 2>/dev/null)" == "$ROOT" ] && kill -9 "${p#/proc/}" 2>/dev/null
    done
    rm -rf --one-file-system "$T_DIR"
}
trap cleanup EXIT

if [ "$(id -u)" -ne 0 ]; then
    echo "skip - the package suite needs root (chroot and mount namespaces)"
    t_finish
    exit 0
fi
for cmd in dpkg-buildpackage lintian mmdebstrap unshare chroot python3 curl systemd-analyze man; do
    command -v "$cmd" >/dev/null || {
        not_ok "$cmd is installed (scripts/install-deps)"
        t_finish
        exit 1
    }
done

# in_root CMD...: runs CMD as root inside the root, with its own /proc in a mount namespace of
# its own (nothing is mounted where the host sees it) and a clean environment
in_root() {
    unshare -m -- /bin/sh -c 'mount -t proc proc "$0/proc" && exec chroot "$0" /usr/bin/env -i \
        PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"' \
        "$ROOT" "$@"
}

# unit_value FILE KEY: the last KEY= of a unit file
unit_value() { sed -n "s/^$2=//p" "$1" | tail -1; }

# mode_owner PATH: "0700 kazi:kazi" as the root's own user names see it
mode_owner() { in_root stat -c '%a %U:%G' "$1" 2>/dev/null | sed 's/^/0/'; }

# unit_command UNIT: sets UNIT_CMD to the unit's ExecStart as the unit runs it — its User,
# Group and Environment=, and for Type=notify NOTIFY_SOCKET (and WATCHDOG_USEC, WATCHDOG_PID) —
# inside the root, and exec_start, user and umask_ from the unit. Run it as
# ( umask "$umask_"; exec "${UNIT_CMD[@]}" ): every step execs the next, so the process
# started is kazi itself.
unit_command() {
    local group type watchdog unit_env argv socket= usec= uid gid home shell
    exec_start=$(unit_value "$1" ExecStart)
    user=$(unit_value "$1" User)
    group=$(unit_value "$1" Group)
    umask_=$(unit_value "$1" UMask)
    type=$(unit_value "$1" Type)
    watchdog=$(unit_value "$1" WatchdogSec)
    read -r -a unit_env <<<"$(sed -n 's/^Environment=//p' "$1" | tr '\n' ' ')"
    read -r -a argv <<<"$exec_start"
    IFS=: read -r _ _ uid _ _ home shell <<<"$(grep "^$user:" "$ROOT/etc/passwd")"
    gid=$(grep "^${group:-$user}:" "$ROOT/etc/group" | cut -d: -f3)
    if [ "$type" == notify ]; then
        socket=/run/kazi-notify/notify
        [ "${watchdog:-0}" -gt 0 ] && usec=$((watchdog * 1000000))
    fi
    UNIT_CMD=(unshare -m -- /bin/sh -c 'r=$0 u=$1 g=$2 h=$3 n=$4 s=$5 ns=$6 w=$7
        shift 7
        mount -t proc proc "$r/proc" &&
        exec chroot --userspec="$u:$g" --groups="$g" "$r" /usr/bin/env -i \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin HOME="$h" USER="$n" \
            LOGNAME="$n" SHELL="$s" ${ns:+NOTIFY_SOCKET=$ns} \
            ${w:+WATCHDOG_USEC=$w WATCHDOG_PID=$$} "$@"'
        "$ROOT" "$uid" "$gid" "$home" "$user" "$shell" "$socket" "$usec"
        "${unit_env[@]}" "${argv[@]}")
}

# --- build and lint
VERSION=$(cat "$REPO/VERSION")
ARCH=$(dpkg-architecture -qDEB_HOST_ARCH)
if [ -n "${KAZI_DEB:-}" ]; then
    DEB=$(readlink -f "$KAZI_DEB")
else
    DEB=$REPO/${BUILD_DIR:-build}/deb/kazi_${VERSION}_$ARCH.deb
    rm -f "$DEB"
    timeout 900 "$REPO/scripts/build-deb" "$(dirname "$DEB")" >"$T_DIR/build.log" 2>&1
fi
if [ -f "$DEB" ]; then
    ok "the package is built: $(basename "$DEB")"
else
    not_ok "the package is built"
    tail -30 "$T_DIR/build.log" | sed 's/^/# /'
    t_finish
    exit 1
fi
lintian --info "$DEB" >"$T_DIR/lintian.out" 2>/dev/null
sed 's/^/# lintian: /' "$T_DIR/lintian.out"
check "lintian reports no error and no warning" bash -c "! grep -q '^[EW]:' '$T_DIR/lintian.out'"
echo "# .deb size: $(stat -c %s "$DEB") bytes"

# --- a clean Debian 12 root, from the cache when it was made the same way
mmdebstrap_opts=(--variant=minbase --mode=root)
sources=("deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main"
    "deb http://deb.debian.org/debian-security $SUITE-security main")
key=$(printf '%s\n' "${mmdebstrap_opts[@]}" "$SUITE" "${sources[@]}" "$(mmdebstrap --version)" |
    sha256sum | cut -c1-16)
tarball=$CACHE/debian12-$key.tar
if [ ! -s "$tarball" ]; then
    mkdir -p "$CACHE"
    rm -f "$CACHE"/debian12-*.tar
    timeout 900 mmdebstrap "${mmdebstrap_opts[@]}" "$SUITE" "$CACHE/new-$$.tar" "${sources[@]}" \
        >"$T_DIR/mmdebstrap.log" 2>&1 &&
        mv "$CACHE/new-$$.tar" "$tarball"
    rm -f "$CACHE/new-$$.tar"
fi
mkdir -p "$ROOT"
if [ -s "$tarball" ] && tar -C "$ROOT" -xf "$tarball" && [ -x "$ROOT/usr/bin/apt-get" ]; then
    ok "a clean Debian 12 root ($(basename "$tarball"))"
else
    not_ok "a clean Debian 12 root"
    tail -20 "$T_DIR/mmdebstrap.log" 2>/dev/null | sed 's/^/# /'
    t_finish
    exit 1
fi
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"

# --- install with apt, dependencies from the mirror
cp "$DEB" "$ROOT/tmp/kazi.deb"
if in_root timeout 600 apt-get -q update >"$T_DIR/apt.log" 2>&1 &&
    in_root timeout 600 apt-get -q -y --no-install-recommends install /tmp/kazi.deb \
        >>"$T_DIR/apt.log" 2>&1; then
    ok "apt installs the package and its dependencies"
else
    not_ok "apt installs the package and its dependencies"
    tail -30 "$T_DIR/apt.log" | sed 's/^/# /'
    t_finish
    exit 1
fi
installed_kib=$(in_root dpkg -L kazi | while read -r p; do
    [ -f "$ROOT$p" ] && [ ! -L "$ROOT$p" ] && echo "$ROOT$p"
done | xargs du -ck | tail -1 | cut -f1)
echo "# installed size: ${installed_kib} KiB (du of the package's files)"

# --- what the package installed
pw=$(grep '^kazi:' "$ROOT/etc/passwd")
IFS=: read -r _ _ kazi_uid kazi_gid _ kazi_home kazi_shell <<<"$pw"
check "a kazi system user" test -n "$pw" -a "${kazi_uid:-1000}" -lt 1000
expect_eq "the kazi user's home and shell" "$kazi_home $kazi_shell" "/var/lib/kazi /usr/sbin/nologin"
expect_eq "the kazi group is the user's group" "$(grep '^kazi:' "$ROOT/etc/group" | cut -d: -f3)" \
    "$kazi_gid"
expect_eq "kazi --version in the root" "$(in_root kazi --version)" "kazi $VERSION"
expect_eq "/var/lib/kazi is 0700 kazi:kazi" "$(mode_owner /var/lib/kazi)" "0700 kazi:kazi"
expect_eq "/var/lib/kazi/backups is 0700 kazi:kazi" "$(mode_owner /var/lib/kazi/backups)" \
    "0700 kazi:kazi"
conf=$ROOT/etc/kazi/kazi.conf
check "kazi.conf is a conffile" grep -qx /etc/kazi/kazi.conf "$ROOT/var/lib/dpkg/info/kazi.conffiles"
expect_eq "kazi.conf is 0640 root:kazi" "$(mode_owner /etc/kazi/kazi.conf)" "0640 root:kazi"
expect_eq "kazi.conf sets only data = /var/lib/kazi" \
    "$(grep -v '^#' "$conf" | grep -v '^[[:space:]]*$')" "data = /var/lib/kazi"
keys=$(in_root kazi --help | sed -n 's/^  --\([a-z-]*\) .*/\1/p' | tr - _ | grep -vx config_file)
missing=$(for k in $keys; do grep -q "^# $k =" "$conf" || [ "$k" == data ] || echo "$k"; done)
expect_eq "kazi.conf lists every option commented out (of $(echo "$keys" | wc -w))" "$missing" ""
check "kazi.conf gives each option its help text" grep -q '^# most simultaneous client connections' "$conf"

man8=$ROOT/usr/share/man/man8/kazi.8.gz
man5=$ROOT/usr/share/man/man5/kazi.conf.5.gz
check "kazi(8) and kazi.conf(5) are installed" test -f "$man8" -a -f "$man5"
warnings=$(for m in "$man8" "$man5"; do
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 "$m" 2>&1 >/dev/null
done)
expect_eq "the manual pages render without warnings" "$warnings" ""
page=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$man8" 2>/dev/null | col -b)
commands=$(in_root kazi --help | sed -n 's/^  kazi \([a-z]*\) .*/\1/p')
missing=$(for c in $commands; do grep -q "^ *kazi $c" <<<"$page" || echo "$c"; done)
expect_eq "kazi(8) describes every command of kazi --help ($(echo "$commands" | wc -w))" "$missing" ""
check "kazi(8) lists the options" grep -q -- '--max-connections N, KAZI_MAX_CONNECTIONS' <<<"$page"
check "kazi.conf(5) lists the keys" bash -c "LC_ALL=C.UTF-8 man -l '$man5' 2>/dev/null | col -b |
    grep -q 'max_connections = N'"

comp=$ROOT/usr/share/bash-completion/completions/kazi
complete_words() { # WORD... -> what the completion offers for the last one
    bash -c 'source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _kazi; echo "${COMPREPLY[*]}"' \
        "$comp" "$@"
}
expect_eq "bash completion: commands" "$(complete_words kazi se)" "serve"
expect_eq "bash completion: options" "$(complete_words kazi serve --max-conn)" \
    "--max-connections --max-connections-per-ip"
expect_eq "bash completion: choices" "$(complete_words kazi serve --log-level w)" "warn"

units=$ROOT/lib/systemd/system
[ -d "$units" ] || units=$ROOT/usr/lib/systemd/system
check "kazi.service, kazi-backup.service and kazi-backup.timer are installed" \
    test -f "$units/kazi.service" -a -f "$units/kazi-backup.service" -a -f "$units/kazi-backup.timer"
mkdir -p "$T_DIR/units"
for u in kazi.service kazi-backup.service kazi-backup.timer; do
    sed "s#/usr/bin/kazi#$ROOT/usr/bin/kazi#" "$units/$u" >"$T_DIR/units/$u"
done
expect_eq "systemd-analyze verify accepts the units" \
    "$(cd "$T_DIR/units" && systemd-analyze verify --man=no ./kazi.service ./kazi-backup.service \
        ./kazi-backup.timer 2>&1)" ""
for u in kazi.service kazi-backup.service; do
    score=$(systemd-analyze security --offline=true --root="$ROOT" "$u" 2>/dev/null |
        sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
    echo "# systemd-analyze security --offline=true $u: ${score:-?}"
    check "$u exposure ${score:-?} is at most 2.0" awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }'
done
wants=$ROOT/etc/systemd/system
check "kazi.service and kazi-backup.timer are enabled" \
    test -L "$wants/multi-user.target.wants/kazi.service" -a -L "$wants/timers.target.wants/kazi-backup.timer"
running=$(for p in /proc/[0-9]*; do
    [ "$(readlink "$p/root" 2>/dev/null)" == "$ROOT" ] && echo "${p#/proc/}"
done)
expect_eq "nothing is started in a chroot" "$running" ""

# --- the service, as its unit runs it
unit_command "$units/kazi.service"
expect_eq "the unit runs kazi serve --config /etc/kazi/kazi.conf as kazi" "$exec_start $user" \
    "/usr/bin/kazi serve --config /etc/kazi/kazi.conf kazi"
printf '\n# test: ephemeral loopback ports\nhttp = 127.0.0.1:0\nhttps = 127.0.0.1:0\n' >>"$conf"

mkdir -p "$ROOT/run/kazi-notify"
python3 "$HELPERS" notify "$ROOT/run/kazi-notify/notify" "$T_DIR/notify.log" 300 &
NOTIFY_PID=$!
for _ in $(seq 100); do [ -S "$ROOT/run/kazi-notify/notify" ] && break; sleep 0.05; done

: >"$T_DIR/serve.out"
(
    umask "$umask_"
    exec "${UNIT_CMD[@]}"
) >"$T_DIR/serve.out" 2>"$T_DIR/serve.err" &
KAZI_PID=$!
for _ in $(seq 1200); do
    [ "$(grep -c 'listening on' "$T_DIR/serve.out")" -ge 2 ] && break
    kill -0 "$KAZI_PID" 2>/dev/null || break
    sleep 0.05
done
HTTP_URL=$(grep -o 'http://[^ ]*' "$T_DIR/serve.out" | head -1)
HTTPS_URL=$(grep -o 'https://[^ ]*' "$T_DIR/serve.out" | head -1)
if [ -z "$HTTP_URL" ] || [ -z "$HTTPS_URL" ]; then
    not_ok "the service starts"
    sed 's/^/# /' "$T_DIR/serve.err" | tail -20
    t_finish
    exit 1
fi
ok "the service starts: $HTTP_URL $HTTPS_URL"
for _ in $(seq 300); do grep -qx READY=1 "$T_DIR/notify.log" && break; sleep 0.05; done
check "the service sends READY=1 to NOTIFY_SOCKET" grep -qx READY=1 "$T_DIR/notify.log"
expect_match "GET /healthz over HTTP" "$(req GET "$HTTP_URL/healthz")" '^200 \{"status":"ok"\}'
expect_match "GET /healthz over HTTPS" "$(req GET "$HTTPS_URL/healthz")" '^200 \{"status":"ok"\}'
expect_match "the setup page" "$(req GET "$HTTP_URL/setup")" '^200 .*<script[^>]*/assets/app\.'

python3 "$HELPERS" load "$HTTP_URL/healthz" 5 5000 >"$T_DIR/load.out" 2>&1 &
LOAD_PID=$!
for _ in 1 2 3; do
    sleep 1
    kill -HUP "$KAZI_PID" 2>/dev/null
done
wait "$LOAD_PID"
LOAD_PID=
sed -n 's/^# /# load: /p' "$T_DIR/load.out"
expect_match "SIGHUP three times under load: no request failed" "$(head -1 "$T_DIR/load.out")" \
    '^requests [1-9][0-9]* failed 0 in [4-9]'
check "the service is still running after SIGHUP" kill -0 "$KAZI_PID"
check "the service sends RELOADING=1 on SIGHUP" grep -qx RELOADING=1 "$T_DIR/notify.log"

kill -TERM "$KAZI_PID" 2>/dev/null
for _ in $(seq 1200); do kill -0 "$KAZI_PID" 2>/dev/null || break; sleep 0.05; done
status=0
wait "$KAZI_PID" || status=$?
KAZI_PID=
expect_eq "SIGTERM stops the service cleanly" "$status" 0
check "the service sends STOPPING=1 on SIGTERM" grep -qx STOPPING=1 "$T_DIR/notify.log"
sed 's/^/# notify: /' "$T_DIR/notify.log"
expect_eq "kazi.db is 0600 kazi:kazi" "$(mode_owner /var/lib/kazi/kazi.db)" "0600 kazi:kazi"
expect_eq "the generated TLS directory is 0700 kazi:kazi" "$(mode_owner /var/lib/kazi/tls)" \
    "0700 kazi:kazi"

# --- the backup unit's command, as its unit runs it
unit_command "$units/kazi-backup.service"
status=0
(
    umask "$umask_"
    exec "${UNIT_CMD[@]}"
) >"$T_DIR/backup.out" 2>"$T_DIR/backup.err" || status=$?
expect_eq "kazi-backup.service's command succeeds" "$status" 0
[ "$status" -eq 0 ] || sed 's/^/# /' "$T_DIR/backup.err" | tail -5
backup=$(find "$ROOT/var/lib/kazi/backups" -name 'kazi-*.db' | head -1)
expect_eq "a backup in /var/lib/kazi/backups, 0600 kazi:kazi" \
    "$(mode_owner "${backup#"$ROOT"}")" "0600 kazi:kazi"

# --- upgrade to a newer version: the edited conffile and the data stay
mkdir -p "$T_DIR/repack"
dpkg-deb -R "$DEB" "$T_DIR/repack/kazi"
sed -i "s/^Version: .*/Version: $VERSION+1/" "$T_DIR/repack/kazi/DEBIAN/control"
dpkg-deb --root-owner-group -b "$T_DIR/repack/kazi" "$ROOT/tmp/kazi-next.deb" >/dev/null
if in_root dpkg -i /tmp/kazi-next.deb >"$T_DIR/upgrade.log" 2>&1; then
    ok "dpkg upgrades to $VERSION+1"
else
    not_ok "dpkg upgrades to $VERSION+1"
    sed 's/^/# /' "$T_DIR/upgrade.log" | tail -20
fi
check "the upgrade keeps the edited kazi.conf" grep -q '^http = 127.0.0.1:0' "$conf"
expect_eq "the upgrade keeps kazi.conf 0640 root:kazi" "$(mode_owner /etc/kazi/kazi.conf)" \
    "0640 root:kazi"
expect_eq "the upgrade keeps the database" "$(mode_owner /var/lib/kazi/kazi.db)" "0600 kazi:kazi"

# --- purge: the package's files go, the data directory stays unless asked for
in_root dpkg --purge kazi >"$T_DIR/purge.log" 2>&1
sed 's/^/# purge: /' "$T_DIR/purge.log"
left=$(for p in /usr/bin/kazi /etc/kazi /usr/share/man/man8/kazi.8.gz /usr/share/man/man5/kazi.conf.5.gz \
    /usr/share/bash-completion/completions/kazi "${units#"$ROOT"}/kazi.service" \
    "${units#"$ROOT"}/kazi-backup.service" "${units#"$ROOT"}/kazi-backup.timer" \
    /etc/systemd/system/multi-user.target.wants/kazi.service \
    /etc/systemd/system/timers.target.wants/kazi-backup.timer; do
    [ -e "$ROOT$p" ] || [ -L "$ROOT$p" ] && echo "$p"
done)
expect_eq "purge removes the package's files, kazi.conf and /etc/kazi" "$left" ""
expect_eq "purge drops the statoverride on kazi.conf" "$(in_root dpkg-statoverride --list)" ""
check "purge keeps /var/lib/kazi and the database" test -f "$ROOT/var/lib/kazi/kazi.db"
check "purge says where the data was kept" grep -q 'kept the data directory /var/lib/kazi' \
    "$T_DIR/purge.log"
check "the kazi user stays with the data" grep -q '^kazi:' "$ROOT/etc/passwd"

in_root timeout 600 apt-get -q -y --no-install-recommends install /tmp/kazi.deb >"$T_DIR/apt2.log" 2>&1
expect_eq "a reinstall finds the kept database" "$(mode_owner /var/lib/kazi/kazi.db)" "0600 kazi:kazi"
in_root env KAZI_PURGE_DATA=yes dpkg --purge kazi >"$T_DIR/purge2.log" 2>&1
sed 's/^/# purge: /' "$T_DIR/purge2.log"
check "KAZI_PURGE_DATA=yes purge removes /var/lib/kazi" test ! -e "$ROOT/var/lib/kazi"
check "KAZI_PURGE_DATA=yes purge removes the kazi user and group" \
    bash -c "! grep -q '^kazi:' '$ROOT/etc/passwd' '$ROOT/etc/group'"
check "nothing of the package is left in /etc" test ! -e "$ROOT/etc/kazi"

# --- under systemd: the same root with systemd added, booted in a container
if ! command -v systemd-nspawn >/dev/null || ! command -v nsenter >/dev/null; then
    not_ok "systemd-nspawn is installed (systemd-container, scripts/install-deps)"
    t_finish
    exit 1
fi
if in_root timeout 600 apt-get -q -y --no-install-recommends install systemd systemd-sysv dbus \
    curl /tmp/kazi.deb >"$T_DIR/apt3.log" 2>&1; then
    ok "apt installs systemd and the package again"
else
    not_ok "apt installs systemd and the package again"
    tail -20 "$T_DIR/apt3.log" | sed 's/^/# /'
    t_finish
    exit 1
fi
systemd-nspawn -q -D "$ROOT" -b --private-network --register=no --keep-unit \
    --machine="kazi-test-$$" </dev/null >"$T_DIR/boot.log" 2>&1 &
NSPAWN_PID=$!
CT=
for _ in $(seq 300); do
    CT=$(pgrep -P "$NSPAWN_PID" | head -1)
    [ -n "$CT" ] && break
    sleep 0.1
done
# in_ct CMD...: runs CMD inside the booted container (all its namespaces)
in_ct() { nsenter -t "$CT" -a /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }
# systemctl answers once systemd's own socket is up; then --wait waits for the boot to end
state=
for _ in $(seq 600); do
    state=$(in_ct systemctl is-system-running 2>/dev/null)
    [ -n "$state" ] && [ "$state" != offline ] && break
    sleep 0.2
done
state=$(in_ct timeout 180 systemctl is-system-running --wait 2>/dev/null)
echo "# container: systemd $(in_ct systemctl --version | head -1 | cut -d' ' -f2), system $state"
state=$(in_ct systemctl is-active kazi.service)
expect_eq "systemd starts kazi.service (Type=notify: READY=1 from inside the sandbox)" "$state" active
[ "$state" == active ] || in_ct journalctl -u kazi --no-pager -n 30 | sed 's/^/# /'
expect_match "GET /healthz inside the container" \
    "$(in_ct curl -s http://127.0.0.1:8080/healthz)" '"status":"ok"'
expect_match "the setup page over HTTPS" \
    "$(in_ct curl -sk https://127.0.0.1:8443/setup)" '<script[^>]*/assets/app\.'
check "kazi-backup.timer is waiting" bash -c "nsenter -t $CT -a systemctl list-timers --all \
    --no-pager | grep -q kazi-backup.timer"
score=$(in_ct systemd-analyze security kazi.service --no-pager 2>/dev/null |
    sed -n 's/.*Overall exposure level for .*: \([0-9.]*\) .*/\1/p')
echo "# systemd-analyze security kazi.service (running): ${score:-?}"
check "the running unit's exposure ${score:-?} is at most 2.0" \
    awk -v s="${score:-99}" 'BEGIN { exit !(s <= 2.0) }'

# systemctl reload three times while a client sends requests on new connections
pid0=$(in_ct systemctl show -P MainPID kazi.service)
in_ct bash -c 'ok=0 bad=0; end=$((SECONDS + 6)); while [ $SECONDS -lt $end ]; do
    c=$(curl -s -o /dev/null -w "%{http_code}" http://127.0.0.1:8080/healthz)
    if [ "$c" = 200 ]; then ok=$((ok + 1)); else bad=$((bad + 1)); fi; done
    echo "requests $ok failed $bad"' >"$T_DIR/ct-load.out" 2>&1 &
LOAD_PID=$!
reloads=0
for _ in 1 2 3; do
    sleep 1.5
    in_ct systemctl reload kazi.service && reloads=$((reloads + 1))
done
wait "$LOAD_PID"
LOAD_PID=
echo "# load during the reloads: $(cat "$T_DIR/ct-load.out")"
expect_eq "systemctl reload succeeds three times" "$reloads" 3
expect_match "no request failed during the reloads" "$(cat "$T_DIR/ct-load.out")" \
    '^requests [1-9][0-9]* failed 0$'
expect_eq "the same process serves after the reloads" \
    "$(in_ct systemctl show -P MainPID kazi.service)" "$pid0"
check "the journal has kazi's reload messages" bash -c "nsenter -t $CT -a journalctl -u kazi \
    --no-pager | grep -qi reload"

# the backup unit, started by hand as the timer would
if in_ct systemctl start kazi-backup.service; then ok "kazi-backup.service runs"; else
    not_ok "kazi-backup.service runs"
    in_ct journalctl -u kazi-backup --no-pager -n 20 | sed 's/^/# /'
fi
check "... and leaves a backup in /var/lib/kazi/backups" \
    bash -c "ls '$ROOT/var/lib/kazi/backups' | grep -q '^kazi-.*\.db$'"

# the watchdog: with WatchdogSec=3 a healthy kazi keeps pinging; a hung one is restarted
mkdir -p "$ROOT/etc/systemd/system/kazi.service.d"
printf '[Service]\nWatchdogSec=3\nRestartSec=1\n' >"$ROOT/etc/systemd/system/kazi.service.d/test.conf"
in_ct systemctl daemon-reload
in_ct systemctl restart kazi.service
sleep 8
expect_eq "with WatchdogSec=3 a healthy kazi stays up (8 s, no restart)" \
    "$(in_ct systemctl show -P NRestarts kazi.service) $(in_ct systemctl is-active kazi.service)" \
    "0 active"
pid1=$(in_ct systemctl show -P MainPID kazi.service)
in_ct kill -STOP "$pid1"
restarted=
for _ in $(seq 60); do
    sleep 0.5
    p=$(in_ct systemctl show -P MainPID kazi.service)
    if [ -n "$p" ] && [ "$p" != 0 ] && [ "$p" != "$pid1" ] &&
        [ "$(in_ct systemctl is-active kazi.service)" == active ]; then
        restarted=yes
        break
    fi
done
expect_eq "a hung kazi is killed by the watchdog and started again" "$restarted" yes
check "... the journal says it was the watchdog" bash -c "nsenter -t $CT -a journalctl -u kazi \
    --no-pager | grep -q 'Watchdog timeout'"

in_ct systemctl stop kazi.service
expect_eq "systemctl stop: kazi exits 0" "$(in_ct systemctl show -P ExecMainStatus kazi.service)" 0
check "... after stopping cleanly" bash -c "nsenter -t $CT -a journalctl -u kazi --no-pager |
    grep -q 'stopped cleanly'"
in_ct systemctl poweroff >/dev/null 2>&1
for _ in $(seq 300); do kill -0 "$NSPAWN_PID" 2>/dev/null || break; sleep 0.1; done
kill -0 "$NSPAWN_PID" 2>/dev/null && kill -TERM "$NSPAWN_PID"
wait "$NSPAWN_PID" 2>/dev/null
NSPAWN_PID=

t_finish
