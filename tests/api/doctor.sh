#!/usr/bin/env bash
# kazi doctor against real installs: a healthy one (while kazi serves and after it stopped) is
# "healthy" with exit 0 and is left byte-for-byte as it was; each broken copy names its problem
# and its fix and exits 1: an open data directory and database, another owner, an expired or
# mismatched certificate (one expiring in 10 days is a warning), a full disk (a small tmpfs
# mounted for the test, root only), a damaged database, a database from a newer kazi, a bad
# configuration, a port held by another program. Usage errors exit 2.
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

DATA=$T_DIR/data
FULL=$T_DIR/full # tmpfs mount point of the full-disk case
MOUNTED=
ME=$(id -un)
LISTENER_PID=

cleanup() {
    [ -n "$KAZI_PID" ] && kill -9 "$KAZI_PID" 2>/dev/null && wait "$KAZI_PID" 2>/dev/null
    [ -n "$LISTENER_PID" ] && kill "$LISTENER_PID" 2>/dev/null
    [ -n "$MOUNTED" ] && umount "$FULL" 2>/dev/null
    rm -rf "$T_DIR"
}
trap cleanup EXIT

# doctor ARGS...: runs kazi doctor, output in $OUT, exit status in $RC (sanitizer findings
# are reported by kazi_run)
doctor() { kazi_run doctor "$@"; }

# snapshot DIR: every file's name, mode, owner and checksum
snapshot() {
    (cd "$1" && find . -print0 | sort -z | xargs -0 stat -c '%n %a %U %s' &&
        find . -type f -print0 | sort -z | xargs -0 sha256sum)
}

# copy_of NAME: a copy of the stopped healthy data directory, printed
copy_of() {
    cp -a "$DATA" "$T_DIR/$1"
    echo "$T_DIR/$1"
}

# line_for OUT REGEX: the first line of OUT matching REGEX
line_for() { grep -m1 -E "$2" <<<"$1"; }

port_of() { echo "${1##*:}"; }

# two ports free right now, so a server someone runs on 8080/8443 does not change the verdicts
read -r P1 P2 < <(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
LISTEN=(--http "127.0.0.1:$P1" --https "127.0.0.1:$P2")

echo 'correct horse battery staple' >"$T_DIR/pw"
"$KAZI_BIN" user add --data "$DATA" --email admin@example.com --name Admin \
    --password-file "$T_DIR/pw" --admin >/dev/null 2>>"$T_DIR/cli.err"

# ---------------------------------------------------------------- healthy, while serving
kazi_start || exit 1
HP=$(port_of "$HTTP_URL")
SP=$(port_of "$HTTPS_URL")
before=$(ls "$DATA")
doctor --data "$DATA" --user "$ME" --http "127.0.0.1:$HP" --https "127.0.0.1:$SP"
expect_eq "serving: doctor exits 0" "$RC" 0
expect_match "serving: last line says healthy" "$(tail -1 <<<"$OUT")" '^kazi doctor: healthy'
expect_eq "serving: no FAIL line" "$(grep -c '^FAIL' <<<"$OUT")" 0
expect_match "serving: the ports are held by this kazi" "$(line_for "$OUT" "listen: http ")" \
    "^ok   listen: http '127\.0\.0\.1:$HP' is held by kazi \(pid $KAZI_PID\)"
expect_match "serving: the database is read through the running kazi's WAL" \
    "$(line_for "$OUT" '^ok   database:')" 'passes the integrity check; journal mode wal; open in a running kazi'
expect_match "serving: the generated certificate is checked" "$(line_for "$OUT" ' tls:')" \
    "^ok   tls: certificate '.*/tls/cert\.pem' matches its key and is valid until "
expect_match "time: the kernel's clock state is reported (a warning at most)" \
    "$(line_for "$OUT" ' time:')" '^(ok   time: the kernel says the clock is synchronised|warn time: the clock is not synchronised.* - fix: )'
expect_eq "serving: no file added or removed" "$(ls "$DATA")" "$before"
kazi_stop

# ---------------------------------------------------------------- healthy, stopped
snap=$(snapshot "$DATA")
doctor "${LISTEN[@]}" --data "$DATA" --user "$ME"
expect_eq "stopped: doctor exits 0" "$RC" 0
expect_match "stopped: last line says healthy" "$(tail -1 <<<"$OUT")" '^kazi doctor: healthy \([0-9]+ checks ok, [01] warnings?\)$'
expect_match "stopped: files checked" "$(line_for "$OUT" ' files:')" \
    "^ok   files: data directory '$DATA' and the database files are owned by '$ME', private"
expect_match "stopped: disk checked" "$(line_for "$OUT" ' disk:')" "^ok   disk: '$DATA' has .* free of "
expect_match "stopped: database checked" "$(line_for "$OUT" ' database:')" \
    '^ok   database: .* passes the integrity check; journal mode wal; schema matches this kazi$'
expect_match "stopped: the ports are free" "$(line_for "$OUT" 'listen: https')" "^ok   listen: https '127\.0\.0\.1:$P2' is free"
expect_eq "stopped: the data directory is unchanged (names, modes, owners, checksums)" \
    "$(snapshot "$DATA")" "$snap"
expect_eq "stopped: no -wal or -shm file was created" "$(ls "$DATA")" "$(printf 'kazi.db\ntls')"

doctor "${LISTEN[@]}" --data "$DATA" --user "$ME" --json
expect_eq "json: exit 0" "$RC" 0
expect_eq "json: healthy, no problems, every finding has check/status/message/fix" "$(python3 -c '
import json, sys
d = json.loads(sys.argv[1])
ok = all(set(c) == {"check", "status", "message", "fix"} and c["status"] in ("ok", "warn", "fail")
         and (c["fix"] is None) == (c["status"] == "ok") for c in d["checks"])
print(d["healthy"], d["problems"], ok, len(d["checks"]) >= 8)' "$OUT" 2>&1)" "True 0 True True"

# ---------------------------------------------------------------- modes and owners
P=$(copy_of perms)
chmod 755 "$P"
chmod 644 "$P/kazi.db"
doctor "${LISTEN[@]}" --data "$P" --user "$ME"
expect_eq "open modes: exit 1" "$RC" 1
expect_eq "open modes: the data directory's mode and its fix" \
    "$(line_for "$OUT" 'data directory .* is mode')" \
    "FAIL files: data directory '$P' is mode 0755; other users can read the database - fix: chmod 700 $P"
expect_eq "open modes: the database's mode and its fix" "$(line_for "$OUT" 'kazi.db. is mode')" \
    "FAIL files: database file '$P/kazi.db' is mode 0644; other users can read it - fix: chmod 600 $P/kazi.db"
expect_match "open modes: the last line counts the problems" "$(tail -1 <<<"$OUT")" \
    '^kazi doctor: 2 problems found \(FAIL above\)'
expect_eq "open modes: doctor changed no mode" "$(stat -c '%a' "$P" "$P/kazi.db" | tr '\n' ' ')" "755 644 "
chmod 750 "$P"
chmod 600 "$P/kazi.db"
doctor "${LISTEN[@]}" --data "$P" --user "$ME"
expect_match "group-readable directory: names the group" "$(line_for "$OUT" 'data directory .* is mode')" \
    "^FAIL files: data directory '$P' is mode 0750; members of group '[^']+' can read the database - fix: chmod 700 $P$"

W=$(copy_of wrong-owner)
touch "$W/kazi.db-shm" && chmod 600 "$W/kazi.db-shm" && chown nobody "$W/kazi.db-shm"
doctor "${LISTEN[@]}" --data "$W" --user "$ME"
expect_eq "a -shm file of another user (SQLite run as it): exit 1, named, with the fix" \
    "$RC:$(line_for "$OUT" 'kazi.db-shm')" \
    "1:FAIL files: database file '$W/kazi.db-shm' is owned by 'nobody', but kazi runs as '$ME' - fix: chown $ME: $W/kazi.db-shm"

doctor "${LISTEN[@]}" --data "$DATA" --user nobody
expect_eq "another owner: exit 1" "$RC" 1
expect_eq "another owner: names both users and the fix" "$(line_for "$OUT" 'data directory .* is owned')" \
    "FAIL files: data directory '$DATA' is owned by '$ME', but kazi runs as 'nobody' - fix: chown -R nobody: $DATA"
expect_match "another owner: the user line says whose access is checked" "$(line_for "$OUT" ' user:')" \
    "^ok   user: checking access as 'nobody' \(uid [0-9]+\): --user$"

# ---------------------------------------------------------------- certificates
python3 - "$T_DIR" <<'EOF'
import datetime, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
out = sys.argv[1]
now = datetime.datetime.now(datetime.timezone.utc)
def make(name, start, end):
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(end).sign(key, hashes.SHA256()))
    with open(f"{out}/{name}.key", "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    with open(f"{out}/{name}.crt", "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
make("expired", datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc),
     datetime.datetime(2021, 1, 1, 12, tzinfo=datetime.timezone.utc))
make("soon", now - datetime.timedelta(days=80), now + datetime.timedelta(days=10))
make("good", now - datetime.timedelta(days=1), now + datetime.timedelta(days=200))
EOF
chmod 600 "$T_DIR"/*.key
doctor "${LISTEN[@]}" --data "$DATA" --user "$ME" --tls-cert "$T_DIR/expired.crt" --tls-key "$T_DIR/expired.key"
expect_eq "expired certificate: exit 1" "$RC" 1
expect_eq "expired certificate: the date and the fix" "$(line_for "$OUT" ' tls:')" \
    "FAIL tls: certificate '$T_DIR/expired.crt' expired on 2021-01-01T12:00:00+00:00 - fix: renew it (certbot renew, or your CA) and restart kazi"
doctor "${LISTEN[@]}" --data "$DATA" --user "$ME" --tls-cert "$T_DIR/soon.crt" --tls-key "$T_DIR/soon.key"
expect_eq "certificate expiring in 10 days: a warning, exit 0" "$RC" 0
expect_match "certificate expiring in 10 days: the date, the days and the fix" "$(line_for "$OUT" ' tls:')" \
    "^warn tls: certificate '$T_DIR/soon\.crt' expires on 20[0-9-]+T[0-9:]+\+00:00, in (9|10) days - fix: renew it "
doctor "${LISTEN[@]}" --data "$DATA" --user "$ME" --tls-cert "$T_DIR/good.crt" --tls-key "$T_DIR/soon.key"
expect_eq "mismatched key: exit 1" "$RC" 1
expect_match "mismatched key: named, with the fix" "$(line_for "$OUT" ' tls:')" \
    "^FAIL tls: tls key '$T_DIR/soon\.key' does not match certificate '$T_DIR/good\.crt' - fix: configure the certificate and the unencrypted key that belong together"
chmod 644 "$T_DIR/good.key"
doctor "${LISTEN[@]}" --data "$DATA" --user "$ME" --tls-cert "$T_DIR/good.crt" --tls-key "$T_DIR/good.key"
expect_eq "world-readable configured key: exit 1, with the fix" "$RC:$(line_for "$OUT" 'good.key')" \
    "1:FAIL files: tls key '$T_DIR/good.key' is mode 0644; other users can read the secret in it - fix: chmod o-rwx $T_DIR/good.key"
doctor --data "$DATA" --user "$ME" --https off
expect_match "https off: certificates are not checked, and it says so" "$(line_for "$OUT" ' tls:')" \
    '^ok   tls: https is off: no certificate to check$'

# ---------------------------------------------------------------- a damaged database
C=$(copy_of corrupt)
python3 - "$C/kazi.db" <<'EOF'
import sys
path = sys.argv[1]
with open(path, "r+b") as f:
    data = f.read()
    page = int.from_bytes(data[16:18], "big") or 65536
    pages = len(data) // page
    for p in range(pages // 3, pages // 3 + 8):  # a run of pages in the middle: b-tree pages
        f.seek(p * page)
        f.write(bytes((p * 7 + i) % 251 for i in range(page)))
EOF
snap=$(snapshot "$C")
doctor "${LISTEN[@]}" --data "$C" --user "$ME"
expect_eq "damaged database: exit 1" "$RC" 1
expect_match "damaged database: the integrity check's findings and the fix" \
    "$(line_for "$OUT" '^FAIL database:')" \
    "^FAIL database: database '$C/kazi\.db' fails the integrity check: Page [0-9]+: .+ - fix: stop kazi, keep a copy of the damaged file, and restore the latest backup: kazi restore --data $C FILE$"
expect_eq "damaged database: left exactly as it was" "$(snapshot "$C")" "$snap"

printf 'this is not a database at all, just some text that is long enough to be read %.0s' {1..3} \
    >"$T_DIR/notdb.txt"
N=$(copy_of notdb)
cp "$T_DIR/notdb.txt" "$N/kazi.db"
doctor "${LISTEN[@]}" --data "$N" --user "$ME"
expect_match "not a database: named, with the fix" "$RC:$(line_for "$OUT" '^FAIL database:')" \
    "^1:FAIL database: database '$N/kazi\.db' is damaged or not kazi's: file is not a database - fix: "

# ---------------------------------------------------------------- schema versions
V=$(copy_of newer)
sqlite3 "$V/kazi.db" "INSERT INTO core_migration (module, version, name, applied_at) VALUES ('core', 99, '099_future.sql', 0)"
doctor "${LISTEN[@]}" --data "$V" --user "$ME"
expect_eq "newer database: exit 1" "$RC" 1
expect_match "newer database: this kazi is older, with the fix" "$(line_for "$OUT" '^FAIL database:')" \
    "^FAIL database: schema of module 'core' is at version 99 but this kazi knows only [0-9]+: this kazi is older than the database - fix: run the kazi version that wrote it"
O=$(copy_of older)
sqlite3 "$O/kazi.db" "DELETE FROM core_migration WHERE module = 'core' AND version = (SELECT MAX(version) FROM core_migration WHERE module = 'core')"
doctor "${LISTEN[@]}" --data "$O" --user "$ME"
expect_eq "older database: a warning only, exit 0" "$RC" 0
expect_match "older database: kazi serve will migrate it" "$(line_for "$OUT" '^warn database:')" \
    "^warn database: schema is older than this kazi \(core [0-9]+ < [0-9]+\): kazi serve will migrate it at start"

# ---------------------------------------------------------------- configuration
B=$(copy_of badconf)
printf '# site settings\nhttps = 0.0.0.0:8443\nthreads = lots\n' >"$B/kazi.conf"
doctor --data "$B" --user "$ME"
expect_eq "bad value in kazi.conf: exit 1" "$RC" 1
expect_match "bad value in kazi.conf: key, file and line named, with the fix" "$(line_for "$OUT" '^FAIL config:')" \
    "^FAIL config: 'threads' in $B/kazi\.conf:3 is not an integer: 'lots' - fix: correct that value"
expect_match "bad value in kazi.conf: the last line counts it" "$(tail -1 <<<"$OUT")" '^kazi doctor: 1 problem found'
printf 'http = off\nhttps = off\nmetrics = token\n' >"$B/kazi.conf"
doctor --data "$B" --user "$ME"
expect_eq "both listeners off: named, with the fix" "$RC:$(line_for "$OUT" 'both')" \
    "1:FAIL config: both 'http' and 'https' are off: kazi serve has nothing to listen on - fix: set https = ADDR:PORT (or http) in the configuration"
expect_match "metrics = token without a token: named, with the fix" "$(line_for "$OUT" 'metrics_token')" \
    "^FAIL config: 'metrics_token' must have at least 16 characters when 'metrics' is token - fix: "
printf 'https = 0.0.0.0:0\npublic_url = crm.example.com\n' >"$B/kazi.conf"
doctor --data "$B" --user "$ME"
expect_match "public_url without a scheme: named, with the fix" "$RC:$(line_for "$OUT" 'public_url')" \
    "^1:FAIL config: 'public_url' is 'crm\.example\.com', not an http:// or https:// URL .* - fix: set it to "
KAZI_THREADS=many "$KAZI_BIN" doctor --data "$DATA" --user "$ME" >"$T_DIR/env.out" 2>&1
expect_match "bad environment variable: named" "$?:$(grep -m1 '^FAIL' "$T_DIR/env.out")" \
    "^1:FAIL config: 'threads' in environment variable KAZI_THREADS is not an integer: 'many'"
doctor --data "$DATA" --bogus
expect_match "unknown flag: usage error, exit 2" "$RC:$OUT" "^2:kazi: unknown option '--bogus'"
doctor --data "$DATA" --user no-such-user-here
expect_match "unknown --user: exit 2" "$RC:$OUT" "^2:.*user 'no-such-user-here' does not exist"

# ---------------------------------------------------------------- a port held by another program
python3 -c 'import socket,time
s=socket.socket(); s.bind(("127.0.0.1",0)); s.listen(); print(s.getsockname()[1], flush=True); time.sleep(120)' \
    >"$T_DIR/port" &
LISTENER_PID=$!
for _ in $(seq 1 100); do [ -s "$T_DIR/port" ] && break; sleep 0.05; done
BUSY=$(cat "$T_DIR/port")
COMM=$(cat "/proc/$LISTENER_PID/comm")
doctor --data "$DATA" --user "$ME" --http "127.0.0.1:$BUSY"
expect_match "port held by another program: named, exit 1" "$RC:$(line_for "$OUT" 'listen: http ')" \
    "^1:FAIL listen: http '127\.0\.0\.1:$BUSY' is held by '$COMM' \(pid $LISTENER_PID\), so kazi serve cannot listen there - fix: stop '$COMM' or give kazi another port"
kill "$LISTENER_PID" 2>/dev/null
wait "$LISTENER_PID" 2>/dev/null
LISTENER_PID=

# ---------------------------------------------------------------- a full disk
mkdir -p "$FULL"
if ! mount_err=$(mount -t tmpfs -o size=4m,mode=0700 tmpfs "$FULL" 2>&1); then
    ok "full disk # SKIP cannot mount a tmpfs: ${mount_err:-not permitted}"
    t_finish
    exit
fi
MOUNTED=1
cp -a "$DATA" "$FULL/data"
dd if=/dev/zero of="$FULL/filler" bs=64k 2>/dev/null # until the disk is full
doctor "${LISTEN[@]}" --data "$FULL/data" --user "$ME"
expect_eq "full disk: exit 1" "$RC" 1
expect_match "full disk: free space, size, database and the fix" "$(line_for "$OUT" ' disk:')" \
    "^FAIL disk: '$FULL/data' has 0 B free of 4\.0 MiB \(0\.0%\) and the database is [0-9.]+ KiB: a backup or VACUUM cannot complete, and writes may fail - fix: free space on it"
umount "$FULL" && MOUNTED=

t_finish
