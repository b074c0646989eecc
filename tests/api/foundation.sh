#!/usr/bin/env bash
# The server foundation against the sanitizer build: health and metrics on HTTP and HTTPS,
# error shapes, header/URL/body limits, malformed and slow clients, clean shutdown,
# configuration errors, and the operator commands (user, webhook, backup, migrate, routes).
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

port_of() { echo "${1##*:}"; }

# raw PORT FILE: sends FILE's bytes on a new connection, prints the answer (at most 3 s)
raw() {
    local fd
    exec {fd}<>"/dev/tcp/127.0.0.1/$1" || return 1
    cat "$2" 1>&"$fd" 2>/dev/null
    timeout 3 cat <&"$fd" 2>/dev/null
    exec {fd}>&-
}

healthy() { [ "$(req GET "$HTTP_URL/healthz")" == '200 {"status":"ok"}' ]; }

# ---------------------------------------------------------------- serving
kazi_start --access-log "$T_DIR/access.log" || { not_ok "kazi starts"; t_finish; exit 1; }
ok "kazi starts"

expect_eq "GET /healthz over HTTP" "$(req GET "$HTTP_URL/healthz")" '200 {"status":"ok"}'
expect_eq "GET /healthz over HTTPS" "$(req GET "$HTTPS_URL/healthz")" '200 {"status":"ok"}'
ctype=$(curl -s -o /dev/null -w '%{content_type}' "$HTTP_URL/healthz")
expect_match "/healthz is JSON" "$ctype" '^application/json'

metrics=$(curl -s "$HTTP_URL/metrics")
for name in 'kazi_http_requests_total\{code="200"\} [0-9]+' \
    'kazi_http_request_duration_seconds_bucket\{le="\+Inf"\} [0-9]+' \
    'kazi_http_request_duration_seconds_count [0-9]+' 'kazi_db_seconds_total\{kind="read"\} [0-9.]+' \
    'process_resident_memory_bytes [1-9][0-9]*'; do
    expect_match "/metrics has ${name%%[\\ ]*}" "$metrics" "$name"
done

out=$(req GET "$HTTP_URL/no/such/path")
expect_match "unknown path is a 404 JSON error" "$out" '^404 \{"error":"NOT_FOUND","error_description":"[^"]+"\}$'
# messages quote the path: bytes that are not UTF-8, or a message cut inside a character,
# still make a JSON envelope (the reply body was empty)
out=$(req GET "$HTTP_URL/rest/%DEhz")
expect_match "a REST error quoting a non-UTF-8 path is a JSON error" "$out" \
    '^400 \{"error":"INVALID_REQUEST","error_description":"path .\/rest\/\?hz. [^"]+"\}$'
out=$(req GET "$HTTP_URL/rest/$(for i in $(seq 1 300); do printf '%%C3%%A9'; done)")
expect_match "a REST error cut inside a UTF-8 character is a JSON error" "$out" \
    '^400 \{"error":"INVALID_REQUEST","error_description":"path [^"]+"\}$'

curl -s -D "$T_DIR/hdr" -o "$T_DIR/body" -X POST "$HTTP_URL/healthz"
expect_match "POST /healthz is 405" "$(head -1 "$T_DIR/hdr")" '^HTTP/1.1 405'
expect_match "405 names the allowed methods" "$(grep -i '^Allow:' "$T_DIR/hdr")" '^Allow: GET, HEAD'
expect_match "405 body is a JSON error" "$(cat "$T_DIR/body")" '"error":"METHOD_NOT_ALLOWED"'
expect_eq "HEAD /healthz" "$(curl -s -o /dev/null -w '%{http_code}' -I "$HTTP_URL/healthz")" 200

# ---------------------------------------------------------------- CORS
# the preflight names methods and headers; calls (errors too) carry the origin only
curl -s -D "$T_DIR/hdr" -o /dev/null -X OPTIONS "$HTTP_URL/rest/methods" \
    -H 'Origin: https://app.example' -H 'Access-Control-Request-Method: POST'
expect_match "REST preflight is 204" "$(head -1 "$T_DIR/hdr")" '^HTTP/1.1 204'
expect_match "preflight allows any origin" "$(grep -i '^Access-Control-Allow-Origin:' "$T_DIR/hdr")" '\*'
expect_match "preflight allows POST" "$(grep -i '^Access-Control-Allow-Methods:' "$T_DIR/hdr")" 'POST'
expect_match "preflight allows the CSRF header" \
    "$(grep -i '^Access-Control-Allow-Headers:' "$T_DIR/hdr")" 'X-CSRF-Token'
curl -s -D "$T_DIR/hdr" -o /dev/null "$HTTP_URL/rest/methods" -H 'Origin: https://app.example'
expect_match "a REST answer allows any origin" \
    "$(grep -i '^Access-Control-Allow-Origin:' "$T_DIR/hdr")" '\*'
expect_eq "a REST answer carries no preflight headers" \
    "$(grep -ci '^Access-Control-Allow-Methods:' "$T_DIR/hdr")" 0

# ---------------------------------------------------------------- header and URL limits
{ printf 'X-Big: '; head -c 40000 /dev/zero | tr '\0' a; echo; } >"$T_DIR/big-header"
out=$(req GET "$HTTP_URL/healthz" -H "@$T_DIR/big-header")
expect_match "40 KB header is a 431 JSON error" "$out" '^431 \{"error":"REQUEST_HEADERS_TOO_LARGE"'

# beyond the HTTP library's own memory limit: it answers 431 itself and closes
{
    printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: '
    head -c 300000 /dev/zero | tr '\0' a
    printf '\r\n\r\n'
} >"$T_DIR/huge.req"
out=$(raw "$(port_of "$HTTP_URL")" "$T_DIR/huge.req" | head -1 | tr -d '\r')
expect_match "300 KB header is refused with 431" "$out" '^HTTP/1.1 431'
check "server serves after a huge header" healthy

u=$(head -c 16384 /dev/zero | tr '\0' b)
expect_eq "16 KB URL is accepted (404, not 414)" "$(req GET "$HTTP_URL/$u" | cut -c1-3)" 404
expect_eq "16 KB query string is accepted" "$(req GET "$HTTP_URL/healthz?x=$u" | cut -c1-3)" 200
# just under max_header (32 KiB) the library's per-connection memory must still hold it all
u=$(head -c 31000 /dev/zero | tr '\0' b)
expect_eq "31 KB query string is accepted" "$(req GET "$HTTP_URL/healthz?x=$u" | cut -c1-3)" 200
{ printf 'X-Big: '; head -c 31000 /dev/zero | tr '\0' a; echo; } >"$T_DIR/near-limit-header"
expect_eq "31 KB header is accepted" \
    "$(req GET "$HTTP_URL/healthz" -H "@$T_DIR/near-limit-header" | cut -c1-3)" 200
{ printf 'GET /'; head -c 300000 /dev/zero | tr '\0' c; printf ' HTTP/1.1\r\nHost: x\r\n\r\n'; } >"$T_DIR/long-url.req"
out=$(raw "$(port_of "$HTTP_URL")" "$T_DIR/long-url.req" | head -1 | tr -d '\r')
expect_match "300 KB URL is refused with 414" "$out" '^HTTP/1.1 414'
# thousands of query arguments overflow the library's per-connection memory and it gives up on
# the request; the server must neither leak (checked at stop) nor stop serving
q=$(for i in $(seq 1 6000); do printf 'f%d=1&' "$i"; done)
curl -gs -m 2 -o /dev/null "$HTTP_URL/healthz?$q"
check "server serves after a URL with 6000 arguments" healthy

# ---------------------------------------------------------------- malformed requests
for bad in 'GARBAGE\r\n\r\n' 'GET\r\n\r\n' '\x01\x02\x03\xff\r\n\r\n' 'GET / HTTP/9.9\r\nHost: x\r\n\r\n' \
    'GET /healthz HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n' \
    'POST /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n' \
    'POST /healthz HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'; do
    printf '%b' "$bad" >"$T_DIR/bad.req"
    out=$(raw "$(port_of "$HTTP_URL")" "$T_DIR/bad.req" | head -1 | tr -d '\r')
    if [ -z "$out" ] || [[ $out =~ ^HTTP/1.1\ (400|505) ]]; then
        ok "malformed request '${bad:0:20}' gets 400 or a closed connection"
    else
        not_ok "malformed request '${bad:0:20}' (got '$out')"
    fi
done
check "server serves after malformed requests" healthy

# ---------------------------------------------------------------- access log
secret=abcdefghij012345
req GET "$HTTP_URL/rest/1/$secret/profile.json?auth=x" >/dev/null
req GET "$HTTP_URL/rest/7/$secret" >/dev/null
sleep 0.2
n_before=$(wc -l <"$T_DIR/access.log")
for i in 1 2 3 4 5; do req GET "$HTTP_URL/healthz" >/dev/null; done
req POST "$HTTP_URL/healthz" >/dev/null
sleep 0.2
expect_eq "access log has one line per request" "$(($(wc -l <"$T_DIR/access.log") - n_before))" 6
check "access log never shows a webhook secret" bash -c "! grep -q '$secret' '$T_DIR/access.log'"
expect_match "access log masks the secret" "$(grep '/rest/1/' "$T_DIR/access.log")" '"GET /rest/1/\*{16}/profile.json" [0-9]{3} '
expect_match "access log masks a secret without a method" "$(grep '/rest/7/' "$T_DIR/access.log")" '"GET /rest/7/\*{16}" [0-9]{3} '
expect_match "access log line format" "$(tail -1 "$T_DIR/access.log")" \
    '^[0-9T:+-]+ 127\.0\.0\.1 "POST /healthz" 405 [0-9]+ [0-9.]+ms$'

# ---------------------------------------------------------------- operator commands
data=$T_DIR/data
echo 'correct horse battery' >"$T_DIR/pw"
out=$("$KAZI_BIN" user add --data "$data" --email admin@example.com --name Ada \
    --password-file "$T_DIR/pw" --admin 2>"$T_DIR/cli.err")
expect_match "user add prints the new id" "$out" '^[0-9]+$'
uid=$out
out=$("$KAZI_BIN" user add --data "$data" --email ADMIN@example.com --name Other 2>&1)
status=$?
expect_eq "second user add with the same e-mail fails" "$status" 1
expect_match "... with a clear message" "$out" "e-mail 'ADMIN@example.com' is already used"
out=$("$KAZI_BIN" user add --data "$data" --email bad --name X 2>&1)
expect_match "user add with a bad e-mail fails clearly" "$out" "not a valid address"
echo short >"$T_DIR/pw-short"
out=$("$KAZI_BIN" user add --data "$data" --email s@example.com --name S --password-file "$T_DIR/pw-short" 2>&1)
expect_match "user add with a short password fails clearly" "$out" "too short"

out=$("$KAZI_BIN" webhook add --data "$data" --user "$uid" --scopes crm,user 2>>"$T_DIR/cli.err")
expect_match "webhook add prints the URL last" "$(tail -1 <<<"$out")" "^https://[^/]+/rest/$uid/[a-z0-9]{16}/\$"
out=$("$KAZI_BIN" webhook add --data "$data" --user 999 --scopes crm 2>&1)
expect_match "webhook add for a missing user fails clearly" "$out" "user 999 does not exist"

rm -f "$T_DIR/backup.db"
"$KAZI_BIN" backup --data "$data" "$T_DIR/backup.db" >/dev/null 2>>"$T_DIR/cli.err"
expect_eq "backup while serving exits 0" "$?" 0
expect_eq "backup passes the integrity check" "$(sqlite3 "$T_DIR/backup.db" 'PRAGMA integrity_check' 2>&1)" ok
expect_eq "backup holds the user" "$(sqlite3 "$T_DIR/backup.db" "SELECT email FROM core_user WHERE id = $uid" 2>&1)" admin@example.com
"$KAZI_BIN" backup --data "$data" "$T_DIR/backup.db" >/dev/null 2>&1
expect_eq "backup refuses to overwrite a file" "$?" 1
out=$("$KAZI_BIN" backup --data "$T_DIR/no-such-data" "$T_DIR/backup-empty.db" 2>&1)
expect_match "backup of a missing data directory fails clearly" "$out" "does not exist"
check "... and creates nothing" test ! -e "$T_DIR/no-such-data" -a ! -e "$T_DIR/backup-empty.db"

rows() { sqlite3 "$T_DIR/backup2.db" 'SELECT COUNT(*) FROM core_migration'; }
"$KAZI_BIN" migrate --data "$data" >/dev/null 2>>"$T_DIR/cli.err"
s1=$?
"$KAZI_BIN" migrate --data "$data" >"$T_DIR/migrate.out" 2>>"$T_DIR/cli.err"
s2=$?
expect_eq "kazi migrate twice exits 0 twice" "$s1 $s2" "0 0"
expect_match "second migrate applies nothing" "$(cat "$T_DIR/migrate.out")" '\(0 migrations applied now\)'
"$KAZI_BIN" backup --data "$data" "$T_DIR/backup2.db" >/dev/null 2>&1
expect_eq "migrate adds no rows" "$(rows)" "$(sqlite3 "$T_DIR/backup.db" 'SELECT COUNT(*) FROM core_migration')"

routes=$("$KAZI_BIN" routes 2>&1)
expect_match "kazi routes lists /healthz" "$routes" 'GET +/healthz +core'
expect_match "kazi routes lists /metrics" "$routes" 'GET +/metrics +core'
check "operator commands printed no sanitizer report" bash -c "! grep -q 'Sanitizer\|runtime error' '$T_DIR/cli.err'"
check "server still healthy after the commands" healthy

# ---------------------------------------------------------------- shutdown
# a client that sent half its headers must not hold up a clean stop for the grace period
exec {half}<>"/dev/tcp/127.0.0.1/$(port_of "$HTTP_URL")"
printf 'GET /healthz HTTP/1.1\r\nHo' >&$half
t0=$(date +%s%N)
kazi_stop
elapsed=$((($(date +%s%N) - t0) / 1000000))
exec {half}>&-
check "stop does not wait for half-sent requests (${elapsed} ms)" test "$elapsed" -lt 5000
check "log says stopped cleanly" grep -q 'stopped cleanly' "$T_DIR/stderr"

# ---------------------------------------------------------------- body limit
kazi_start --max-body 4096 --https off || not_ok "kazi starts with --max-body 4096"
head -c 10000 /dev/zero | tr '\0' x >"$T_DIR/10k"
head -c 4000 /dev/zero | tr '\0' x >"$T_DIR/4k"
out=$(req POST "$HTTP_URL/healthz" --data-binary "@$T_DIR/10k")
expect_match "Content-Length 10000 is a 413 JSON error" "$out" '^413 \{"error":"REQUEST_BODY_TOO_LARGE"'
out=$(req POST "$HTTP_URL/healthz" -H 'Transfer-Encoding: chunked' --data-binary "@$T_DIR/10k")
expect_match "chunked 10000 bytes is a 413 JSON error" "$out" '^413 \{"error":"REQUEST_BODY_TOO_LARGE"'
out=$(req POST "$HTTP_URL/healthz" -H 'Transfer-Encoding: chunked' --data-binary "@$T_DIR/4k")
expect_eq "chunked 4000 bytes is within the limit" "${out:0:3}" 405
out=$(req POST "$HTTP_URL/healthz" --data-binary "@$T_DIR/4k")
expect_eq "4000 bytes is within the limit" "${out:0:3}" 405
check "server serves after oversized bodies" healthy
kazi_stop

# ---------------------------------------------------------------- slow clients
kazi_start --timeout 2 --https off || not_ok "kazi starts with --timeout 2"
exec {slow}<>"/dev/tcp/127.0.0.1/$(port_of "$HTTP_URL")"
printf 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ' >&$slow
served=0
for i in 1 2 3 4 5 6; do
    healthy && served=$((served + 1))
    sleep 0.5
done
expect_eq "other requests are served while a client is slow" "$served" 6
timeout 2 cat <&$slow >"$T_DIR/slow.out"
status=$?
exec {slow}>&-
expect_eq "slow client is disconnected after the timeout" "$status" 0
check "server serves after the slow client" healthy
kazi_stop

# ---------------------------------------------------------------- configuration errors
cfgdir=$T_DIR/cfg
mkdir -p "$cfgdir"
printf 'timeout = 5\n# comment\nbogus_key = 1\n' >"$cfgdir/kazi.conf"
"$KAZI_BIN" serve --data "$cfgdir" >/dev/null 2>"$T_DIR/err"
status=$?
check "unknown key in kazi.conf: exit status is non-zero ($status)" test "$status" -ne 0
expect_eq "... one line" "$(wc -l <"$T_DIR/err")" 1
expect_match "... naming the key and file:line" "$(cat "$T_DIR/err")" "'bogus_key'.*$cfgdir/kazi.conf:3"
rm "$cfgdir/kazi.conf"

"$KAZI_BIN" serve --data "$cfgdir" --http 127.0.0.1:99999 >/dev/null 2>"$T_DIR/err"
status=$?
check "bad port: exit status is non-zero ($status)" test "$status" -ne 0
expect_match "... naming 'http'" "$(cat "$T_DIR/err")" "'http'.*99999"

"$KAZI_BIN" serve --data "$cfgdir" --http 127.0.0.1:0 --https 127.0.0.1:0 \
    --tls-cert /nonexistent/cert.pem --tls-key /nonexistent/key.pem >/dev/null 2>"$T_DIR/err"
status=$?
check "missing TLS files: exit status is non-zero ($status)" test "$status" -ne 0
expect_match "... naming the file" "$(cat "$T_DIR/err")" "/nonexistent/(cert|key)\.pem"

KAZI_MODULES=nosuch "$KAZI_BIN" serve --data "$cfgdir" >/dev/null 2>"$T_DIR/err"
status=$?
check "unknown module: exit status is non-zero ($status)" test "$status" -ne 0
expect_match "... naming the module" "$(cat "$T_DIR/err")" "'nosuch'"

"$KAZI_BIN" serve --data "$cfgdir" --no-such-flag >/dev/null 2>"$T_DIR/err"
expect_match "unknown flag is named" "$(cat "$T_DIR/err")" "'--no-such-flag'"
check "config errors printed no sanitizer report" bash -c "! grep -q 'Sanitizer\|runtime error' '$T_DIR/err'"

# ---------------------------------------------------------------- version and help
expect_match "kazi --version" "$("$KAZI_BIN" --version)" '^kazi [0-9]+\.[0-9]+\.[0-9]+'
help=$("$KAZI_BIN" --help)
missing=
for opt in data config-file http https tls-cert tls-key modules log-level access-log db-sync \
    public-url threads max-body max-header max-body-anonymous timeout header-timeout \
    shutdown-timeout max-connections max-connections-per-ip rate-limit-burst rate-limit-rate; do
    grep -q -- "--$opt " <<<"$help" || missing="$missing $opt"
done
expect_eq "kazi --help lists every option" "$missing" ""
missing=
for cmd in serve migrate 'user add' 'webhook add' backup routes modules; do
    grep -q "kazi $cmd" <<<"$help" || missing="$missing $cmd"
done
expect_eq "kazi --help lists every command" "$missing" ""
"$KAZI_BIN" nosuch >/dev/null 2>&1
expect_eq "unknown command exits 2" "$?" 2

t_finish
