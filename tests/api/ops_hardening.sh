#!/usr/bin/env bash
# Operations hardening: HTTPS refuses TLS 1.0/1.1 (tls_min_version, tls_priorities) and sends
# Strict-Transport-Security (hsts_max_age); the data directory and every file kazi writes are
# owner-only, and an older, more open install is tightened on start; who may read /metrics
# (metrics = off | loopback | token | public); and a full disk: writes answer 507
# INSUFFICIENT_STORAGE with nothing written, /healthz reports degraded, and both recover by
# themselves once space is freed. The disk is a small tmpfs mounted for the test (root only).
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

DATA=$T_DIR/data
FULL=$T_DIR/full # tmpfs mount point of the disk-full section
MOUNTED=
JSON=(-H 'Content-Type: application/json')

cleanup() {
    [ -n "$KAZI_PID" ] && kill -9 "$KAZI_PID" 2>/dev/null && wait "$KAZI_PID" 2>/dev/null
    [ -n "$MOUNTED" ] && umount "$FULL" 2>/dev/null
    rm -rf "$T_DIR"
}
trap cleanup EXIT

port_of() { echo "${1##*:}"; }
mode_of() { stat -c %a "$1" 2>/dev/null || echo missing; }

# tls_proto PORT FLAG: the protocol version the server agrees to when the client offers only
# FLAG (-tls1, -tls1_1, ...), or "refused". SECLEVEL=0 lets Debian's OpenSSL offer the old
# versions at all, so a refusal is the server's.
tls_proto() {
    local out
    out=$(timeout 20 openssl s_client -connect "127.0.0.1:$1" "$2" -cipher 'DEFAULT@SECLEVEL=0' \
        </dev/null 2>&1)
    if [[ $out =~ New,\ (TLSv1(\.[0-3])?),\ Cipher\ is\ ([A-Z0-9_-]+) ]] &&
        [ "${BASH_REMATCH[3]}" != NONE ]; then
        echo "${BASH_REMATCH[1]}"
    else
        echo refused
    fi
}

# header URL NAME [curl args...]: the value of response header NAME of a HEAD request, or "-"
header() {
    local url=$1 name=$2 v
    shift 2
    v=$(curl -sk -o /dev/null -D - "$url" "$@" | tr -d '\r' | grep -i "^$name:" | head -1)
    echo "${v:-"-"}"
}

# ---------------------------------------------------------------- TLS versions and HSTS
umask 022 # the shell's usual umask: kazi must not depend on it
kazi_start --access-log "$T_DIR/access.log" || { not_ok "kazi starts"; t_finish; exit 1; }
ok "kazi starts"
HTTPS_PORT=$(port_of "$HTTPS_URL")

if ! openssl s_client -help 2>&1 | grep -q -- '-tls1_1 '; then
    ok "TLS 1.0 and 1.1 are refused # SKIP this openssl has no -tls1/-tls1_1 client"
else
    expect_eq "TLS 1.0 is refused" "$(tls_proto "$HTTPS_PORT" -tls1)" refused
    expect_eq "TLS 1.1 is refused" "$(tls_proto "$HTTPS_PORT" -tls1_1)" refused
fi
expect_eq "TLS 1.2 is accepted" "$(tls_proto "$HTTPS_PORT" -tls1_2)" TLSv1.2
expect_eq "TLS 1.3 is accepted" "$(tls_proto "$HTTPS_PORT" -tls1_3)" TLSv1.3

expect_eq "an HTTPS reply carries HSTS for a year" "$(header "$HTTPS_URL/healthz" Strict-Transport-Security)" \
    "Strict-Transport-Security: max-age=31536000"
expect_eq "an HTTPS error reply carries HSTS too" "$(header "$HTTPS_URL/no/such/path" Strict-Transport-Security)" \
    "Strict-Transport-Security: max-age=31536000"
expect_eq "a plain-HTTP reply carries no HSTS" "$(header "$HTTP_URL/healthz" Strict-Transport-Security)" "-"

# ---------------------------------------------------------------- /metrics, default: loopback
out=$(req GET "$HTTP_URL/metrics")
expect_match "metrics are readable from 127.0.0.1 by default" "$out" '^200 # HELP kazi_http_requests_total'
out=$(req GET "$HTTPS_URL/metrics")
expect_match "... over HTTPS too" "$out" '^200 # HELP'
out=$(curl -s -o /dev/null -w '%{http_code}' --interface 127.0.0.2 "$HTTP_URL/metrics")
expect_eq "... and from 127.0.0.2: all of 127.0.0.0/8 is loopback" "$out" 200
out=$(req GET "$HTTP_URL/metrics" -H 'X-Forwarded-For: 203.0.113.9')
expect_match "a request relayed by a proxy (X-Forwarded-For) is refused" "$out" \
    '^403 \{"error":"ACCESS_DENIED","error_description":"[^"]+"\}$'
out=$(req GET "$HTTP_URL/metrics" -H 'Forwarded: for=203.0.113.9')
expect_match "... and with Forwarded" "$out" '^403 \{"error":"ACCESS_DENIED"'
out=$(req GET "$HTTP_URL/metrics" -H 'X-Real-IP: 203.0.113.9')
expect_match "... and with X-Real-IP" "$out" '^403 \{"error":"ACCESS_DENIED"'
expect_eq "/healthz relayed by a proxy still answers" "$(req GET "$HTTP_URL/healthz" -H 'X-Forwarded-For: 203.0.113.9')" \
    '200 {"status":"ok"}'

# ---------------------------------------------------------------- file modes, fresh install
expect_eq "a new data directory is 0700" "$(mode_of "$DATA")" 700
expect_eq "kazi.db is 0600" "$(mode_of "$DATA/kazi.db")" 600
expect_eq "kazi.db-wal is 0600" "$(mode_of "$DATA/kazi.db-wal")" 600
expect_eq "kazi.db-shm is 0600" "$(mode_of "$DATA/kazi.db-shm")" 600
expect_eq "data/tls is 0700" "$(mode_of "$DATA/tls")" 700
expect_eq "the generated key is 0600" "$(mode_of "$DATA/tls/key.pem")" 600
expect_eq "the generated certificate is 0600" "$(mode_of "$DATA/tls/cert.pem")" 600
expect_eq "a new access log is 0600" "$(mode_of "$T_DIR/access.log")" 600
"$KAZI_BIN" backup --data "$DATA" "$T_DIR/backup.db" >/dev/null 2>>"$T_DIR/cli.err"
expect_eq "a backup is 0600" "$(mode_of "$T_DIR/backup.db")" 600
"$KAZI_BIN" backup --data "$DATA" "$T_DIR/backup.db" >/dev/null 2>>"$T_DIR/cli.err"
expect_eq "a backup never overwrites a file" "$?/$(mode_of "$T_DIR/backup.db")" "1/600"
kazi_stop

# the sub-commands that create a database on their own
for cmd in migrate user webhook; do
    d=$T_DIR/fresh-$cmd
    case $cmd in
    migrate) "$KAZI_BIN" migrate --data "$d" >/dev/null 2>>"$T_DIR/cli.err" ;;
    user)
        echo 'a long password 123' >"$T_DIR/pw"
        "$KAZI_BIN" user add --data "$d" --email a@example.com --name A --password-file "$T_DIR/pw" \
            >/dev/null 2>>"$T_DIR/cli.err"
        ;;
    webhook) "$KAZI_BIN" webhook add --data "$d" --user 1 --scopes crm >/dev/null 2>>"$T_DIR/cli.err" ;;
    esac
    open=$(find "$d" \( -type f ! -perm 0600 \) -o \( -type d ! -perm 0700 \) | head -3)
    expect_eq "kazi $cmd on a new data directory leaves owner-only files" "$(mode_of "$d/kazi.db")/${open:-none}" \
        "600/none"
done

# ---------------------------------------------------------------- file modes, older install
chmod 0755 "$DATA" "$DATA/tls"
chmod 0644 "$DATA/kazi.db" "$DATA/tls/key.pem" "$DATA/tls/cert.pem"
: >"$T_DIR/stderr"
"$KAZI_BIN" migrate --data "$DATA" >/dev/null 2>"$T_DIR/migrate.err"
expect_eq "kazi migrate tightens an open data directory to 0700" "$(mode_of "$DATA")" 700
expect_eq "... and kazi.db to 0600" "$(mode_of "$DATA/kazi.db")" 600
expect_match "... and says so" "$(cat "$T_DIR/migrate.err")" \
    "data directory '$DATA' was mode 0755, open to other users: now 0700"
kazi_start || not_ok "kazi starts on the older install"
expect_eq "kazi serve tightens data/tls to 0700" "$(mode_of "$DATA/tls")" 700
expect_eq "... the key to 0600" "$(mode_of "$DATA/tls/key.pem")" 600
expect_eq "... and the certificate to 0600" "$(mode_of "$DATA/tls/cert.pem")" 600
expect_match "... and logs the key it tightened" "$(cat "$T_DIR/stderr")" \
    "tls key '$DATA/tls/key.pem' was mode 0644, open to other users: now 0600"
expect_eq "HTTPS still works with the tightened key" "$(req GET "$HTTPS_URL/healthz")" '200 {"status":"ok"}'
kazi_stop

# ---------------------------------------------------------------- TLS 1.3 only, HSTS 0, metrics by token
TOKEN=metrics-token-$RANDOM-$RANDOM-0123456789
KAZI_METRICS_TOKEN=$TOKEN kazi_start --metrics token --tls-min-version 1.3 --hsts-max-age 0 \
    --access-log "$T_DIR/access2.log" || not_ok "kazi starts with metrics = token"
HTTPS_PORT=$(port_of "$HTTPS_URL")
expect_eq "tls_min_version 1.3 refuses TLS 1.2" "$(tls_proto "$HTTPS_PORT" -tls1_2)" refused
expect_eq "... and accepts TLS 1.3" "$(tls_proto "$HTTPS_PORT" -tls1_3)" TLSv1.3
expect_eq "hsts_max_age 0 sends max-age=0" "$(header "$HTTPS_URL/healthz" Strict-Transport-Security)" \
    "Strict-Transport-Security: max-age=0"
out=$(req GET "$HTTP_URL/metrics")
expect_match "metrics = token: no token is 401" "$out" '^401 \{"error":"NO_AUTH_FOUND"'
expect_match "... with a Bearer challenge" "$(header "$HTTP_URL/metrics" WWW-Authenticate)" \
    '^WWW-Authenticate: Bearer realm="kazi metrics"'
out=$(req GET "$HTTP_URL/metrics" -H "Authorization: Bearer ${TOKEN}x")
expect_match "... a wrong token is 401" "$out" '^401 \{"error":"invalid_token"'
out=$(req GET "$HTTP_URL/metrics" -H "Authorization: Bearer ${TOKEN:0:20}")
expect_match "... a prefix of the token is 401" "$out" '^401 \{"error":"invalid_token"'
out=$(req GET "$HTTP_URL/metrics" -H "Authorization: Basic $TOKEN")
expect_match "... another scheme is 401" "$out" '^401 \{"error":"NO_AUTH_FOUND"'
out=$(req GET "$HTTP_URL/metrics" -H "Authorization: Bearer $TOKEN")
expect_match "... the token reads them" "$out" '^200 # HELP'
out=$(req GET "$HTTP_URL/metrics" -H "Authorization: Bearer $TOKEN" -H 'X-Forwarded-For: 203.0.113.9')
expect_match "... also through a proxy" "$out" '^200 # HELP'
kazi_stop
check "the metrics token is never logged" bash -c "! grep -rqF -- '$TOKEN' '$T_DIR/stderr' '$T_DIR/stdout' '$T_DIR/access2.log'"

kazi_start --metrics off --https off || not_ok "kazi starts with metrics = off"
out=$(req GET "$HTTP_URL/metrics")
expect_match "metrics = off: 404 for everyone" "$out" '^404 \{"error":"NOT_FOUND"'
kazi_stop
kazi_start --metrics public --https off || not_ok "kazi starts with metrics = public"
out=$(req GET "$HTTP_URL/metrics" -H 'X-Forwarded-For: 203.0.113.9')
expect_match "metrics = public: readable through a proxy" "$out" '^200 # HELP'
kazi_stop

# start-up refuses settings it cannot honour
"$KAZI_BIN" serve --data "$DATA" --http 127.0.0.1:0 --https 127.0.0.1:0 --metrics token \
    --metrics-token short >/dev/null 2>"$T_DIR/bad.err"
expect_match "a short metrics token stops start-up" "$?:$(cat "$T_DIR/bad.err")" \
    "^1:.*'metrics_token' must have at least 16 characters"
check "... without printing it" bash -c "! grep -q short '$T_DIR/bad.err'"
"$KAZI_BIN" serve --data "$DATA" --http 127.0.0.1:0 --https 127.0.0.1:0 \
    --tls-priorities 'NORMAL:+VERS-TLS9.9' >/dev/null 2>"$T_DIR/bad.err"
expect_match "an invalid tls_priorities stops start-up" "$?:$(cat "$T_DIR/bad.err")" \
    "^1:.*tls priority string 'NORMAL:\+VERS-TLS9.9' is not valid at '\+VERS-TLS9.9'"
"$KAZI_BIN" serve --data "$DATA" --tls-min-version 1.1 >/dev/null 2>"$T_DIR/bad.err"
expect_match "tls_min_version 1.1 is not accepted" "$?:$(cat "$T_DIR/bad.err")" \
    "^2:.*'tls_min_version' .* must be one of 1\.2[|]1\.3"

# ---------------------------------------------------------------- a full disk
mkdir -p "$FULL"
if ! mount_err=$(mount -t tmpfs -o size=8m,mode=0700 tmpfs "$FULL" 2>&1); then
    ok "disk full: 507, degraded health, recovery # SKIP cannot mount a tmpfs: ${mount_err:-not permitted}"
    t_finish
    exit
fi
MOUNTED=1
FDATA=$FULL/data
"$KAZI_BIN" user add --data "$FDATA" --email a@example.com --name A --password-file "$T_DIR/pw" --admin \
    >/dev/null 2>>"$T_DIR/cli.err"
HOOK=$(DATA=$FDATA hook_path 1 crm)
KAZI_DATA_DIR=$FDATA kazi_start --https off || not_ok "kazi starts on the small disk"
W=$HTTP_URL$HOOK
lead() { # TITLE: adds a lead with a 60 KB comment, prints "STATUS BODY"
    python3 -c 'import json,sys; print(json.dumps({"fields":{"TITLE":sys.argv[1],"COMMENTS":"x"*60000}}))' "$1" \
        >"$T_DIR/lead.json"
    req POST "$W/crm.lead.add" "${JSON[@]}" --data-binary @"$T_DIR/lead.json"
}
count() { # TITLE: how many leads have this title
    req POST "$W/crm.lead.list" "${JSON[@]}" --data "{\"filter\":{\"=TITLE\":\"$1\"},\"select\":[\"ID\"]}" |
        sed -n 's/.*"total":\([0-9]*\).*/\1/p'
}
expect_match "a write succeeds before the disk fills" "$(lead before)" '^200 \{"result":[0-9]+'

dd if=/dev/zero of="$FULL/filler" bs=64k 2>/dev/null # until the disk is full
expect_eq "the disk is full" "$(df --output=avail -B1 "$FULL" | tail -1 | tr -d ' ')" 0
out= n_ok=0
for i in $(seq 1 40); do # the WAL may take a few writes in space it already has
    out=$(lead "full-$i")
    [[ $out == 200* ]] || break
    n_ok=$((n_ok + 1))
done
expect_match "a write on the full disk is 507 INSUFFICIENT_STORAGE" "$out" \
    '^507 \{"error":"INSUFFICIENT_STORAGE","error_description":"disk is full: nothing was written"\}$'
expect_eq "... and nothing of it was written" "$(count "full-$((n_ok + 1))")" 0
expect_match "a second write is 507 as well" "$(lead full-again)" '^507 \{"error":"INSUFFICIENT_STORAGE"'
out=$(req POST "$HTTP_URL/api/auth/login" "${JSON[@]}" --data '{"email":"a@example.com","password":"a long password 123"}')
expect_match "a sign-in, which stores a session, is 507 too" "$out" '^507 \{"error":"INSUFFICIENT_STORAGE"'
out=$(req GET "$HTTP_URL/healthz")
expect_match "/healthz is 503 degraded while the disk is full" "$out" \
    '^503 \{"status":"degraded","error":"INSUFFICIENT_STORAGE","error_description":"[^"]+"\}$'
expect_eq "reads still work" "$(count before)" 1
check "kazi is still running" kill -0 "$KAZI_PID"
expect_match "the log names the full disk" "$(cat "$T_DIR/stderr")" 'error disk is full: database writes fail'

rm -f "$FULL/filler"
expect_eq "/healthz is 200 again once space is freed" "$(req GET "$HTTP_URL/healthz")" '200 {"status":"ok"}'
expect_match "writes succeed again without a restart" "$(lead after)" '^200 \{"result":[0-9]+'
expect_eq "the new record is there" "$(count after)" 1
expect_eq "the refused ones are not" "$(count full-again)" 0
kazi_stop
umount "$FULL" && MOUNTED=

t_finish
