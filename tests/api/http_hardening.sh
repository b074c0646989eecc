#!/usr/bin/env bash
# The request path against hostile input: multipart parts without a name, JSON bodies over the
# parameter limits (refused before their tree is built), large bodies only with a credential
# known from the URL, the query string or the session cookie, one canonical path decoding for
# routing and the access log (webhook secrets masked in every spelling), RFC 9112 framing
# (duplicate Content-Length, Content-Length with Transfer-Encoding, Host), escaped access-log
# fields, the per-address connection limit, and the deadline for headers and TLS handshakes.
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

RAW=$(dirname "$0")/http_raw.py
JSON=(-H 'Content-Type: application/json')
MP=(-H 'Content-Type: multipart/form-data; boundary=xx')

kazi_start || { not_ok "kazi starts"; t_finish; exit 1; }
H=$HTTP_URL
PORT=${H##*:}
echo 'correct horse battery' >"$T_DIR/pw"
"$KAZI_BIN" user add --data "$T_DIR/data" --email admin@example.com --name Ada \
    --password-file "$T_DIR/pw" --admin >/dev/null 2>>"$T_DIR/cli.err"
HOOK=$(hook_path 1 crm,user)
SECRET=$(cut -d/ -f4 <<<"$HOOK")
check "a webhook was created" test -n "$SECRET"

# multipart BODY: POSTs a multipart body (printf format) to server.time; prints "STATUS BODY"
multipart() {
    # shellcheck disable=SC2059 # the body is a printf format on purpose (\r\n)
    printf -- "$1" >"$T_DIR/mp"
    req POST "$H/rest/server.time" "${MP[@]}" --data-binary @"$T_DIR/mp"
}
alive() { expect_match "$1: server still answers" "$(req GET "$H/healthz")" '^200 '; }
# revive SECTION: starts kazi again when an earlier section took it down, so each section is
# judged on its own
revive() {
    kill -0 "$KAZI_PID" 2>/dev/null && return 0
    not_ok "kazi was still running before $1"
    KAZI_PID=
    kazi_start || { not_ok "kazi starts again"; t_finish; exit 1; }
    H=$HTTP_URL
    PORT=${H##*:}
}

# ---------------------------------------------------------------- multipart parts without a name
out=$(multipart '--xx\r\n\r\nv\r\n--xx--\r\n')
expect_match "multipart: part without headers is a 400" "$out" \
    '^400 \{"error":"INVALID_REQUEST","error_description":"multipart part without a name"'
alive "part without headers"
out=$(multipart '--xx\r\nContent-Type: text/plain\r\n\r\nv\r\n--xx--\r\n')
expect_match "multipart: part without Content-Disposition is a 400" "$out" '^400 \{"error":"INVALID_REQUEST"'
alive "part without Content-Disposition"
out=$(multipart '--xx\r\nContent-Disposition: form-data; name=""\r\n\r\nv\r\n--xx--\r\n')
expect_match "multipart: empty name is a 400" "$out" '^400 \{"error":"INVALID_REQUEST"'
out=$(multipart '--xx\r\nContent-Disposition: form-data; filename="a.txt"\r\n\r\nv\r\n--xx--\r\n')
expect_match "multipart: file without a name is a 400" "$out" '^400 \{"error":"INVALID_REQUEST"'
alive "file without a name"
out=$(multipart '--xx\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--xx\r\n\r\nw\r\n--xx--\r\n')
expect_match "multipart: a nameless part after a good one is a 400" "$out" '^400 \{"error":"INVALID_REQUEST"'
out=$(multipart '--xx\r\nContent-Disposition: form-data; name="a"\r\nContent-Type: multipart/mixed; boundary=yy\r\n\r\n--yy\r\nContent-Disposition: file; filename="f.txt"\r\n\r\nhello\r\n--yy--\r\n--xx--\r\n')
expect_match "multipart: nested multipart/mixed gets an answer" "$out" '^(200|400) '
alive "nested multipart"
out=$(multipart '--xx\r\nContent-Disposition: form-data; name="a"\r\n\r\nv\r\n--xx--\r\n')
expect_match "multipart: a named part still works" "$out" '^200 \{"result":'
python3 -c '
import sys
parts = "".join("--xx\r\nContent-Disposition: form-data; name=\"k%d\"\r\n\r\nv\r\n" % i for i in range(10001))
sys.stdout.write(parts + "--xx--\r\n")' >"$T_DIR/many"
out=$(req POST "$H$HOOK/server.time" "${MP[@]}" --data-binary @"$T_DIR/many")
expect_match "multipart: 10,001 parts are a 413" "$out" '^413 \{"error":"REQUEST_TOO_LARGE"'

# ---------------------------------------------------------------- bounded JSON parse
revive "bounded JSON parse"
python3 -c '
n = 32 * 1024 * 1024
open("'"$T_DIR"'/big.json", "w").write("{\"a\":[" + "0," * ((n - 10) // 2) + "0]}")'
out=$(req POST "$H/rest/server.time" "${JSON[@]}" --data-binary @"$T_DIR/big.json")
expect_match "32 MiB JSON without credentials: 413 before the body is read" "$out" \
    '^413 \{"error":"REQUEST_BODY_TOO_LARGE","error_description":"request body is larger than the limit of 262144 bytes for a request without credentials'
start=$(date +%s%N)
out=$(req POST "$H$HOOK/server.time" "${JSON[@]}" --data-binary @"$T_DIR/big.json")
ms=$((($(date +%s%N) - start) / 1000000))
expect_match "32 MiB JSON of 16 M values with a webhook: 413 at the value limit" "$out" \
    '^413 \{"error":"REQUEST_TOO_LARGE","error_description":"too many values in json body \(limit 10000\)"'
check "... refused by the pre-scan in under 5 s ($ms ms)" test "$ms" -lt 5000
python3 -c '
open("'"$T_DIR"'/deep.json", "w").write("{\"a\":" + "[" * 40 + "]" * 40 + "}")'
out=$(req POST "$H/rest/server.time" "${JSON[@]}" --data-binary @"$T_DIR/deep.json")
expect_match "JSON nested 40 deep is a 413" "$out" '^413 \{"error":"REQUEST_TOO_LARGE","error_description":"too deeply nested'
python3 -c '
open("'"$T_DIR"'/key.json", "w").write("{\"" + "k" * 2000 + "\":1}")'
out=$(req POST "$H/rest/server.time" "${JSON[@]}" --data-binary @"$T_DIR/key.json")
expect_match "JSON key of 2,000 bytes is a 413" "$out" '^413 \{"error":"REQUEST_TOO_LARGE","error_description":"too long json key'
out=$(req POST "$H/rest/server.time" "${JSON[@]}" --data '{"a":"x\"y:","b":[1,{"c":"\u00e9"}],"d":true}')
expect_match "JSON with escapes, colons in strings and literals still parses" "$out" '^200 \{"result":'

# ---------------------------------------------------------------- credentials before large bodies
revive "credentials before large bodies"
python3 -c '
open("'"$T_DIR"'/300k.json", "w").write("{\"v\":\"" + "x" * 300000 + "\"}")
open("'"$T_DIR"'/200k.json", "w").write("{\"v\":\"" + "x" * 200000 + "\"}")'
# A refusal comes before the body is read. A client that sends the body without waiting can see
# the connection reset under the reply while it is still writing (an HTTP/1.1 race), so the
# refusal checks ask first, as large uploads should: with "Expect: 100-continue" kazi must answer
# 413 instead of "100 Continue", which also shows it read none of the body.
ASK=(-H 'Expect: 100-continue')
out=$(req POST "$H/rest/server.time" "${JSON[@]}" --data-binary @"$T_DIR/200k.json")
expect_match "200 KB body without credentials is read" "$out" '^200 \{"result":'
out=$(req POST "$H/rest/server.time" "${JSON[@]}" "${ASK[@]}" --data-binary @"$T_DIR/300k.json")
expect_match "300 KB body without credentials: 413" "$out" '^413 \{"error":"REQUEST_BODY_TOO_LARGE"'
out=$(req POST "$H$HOOK/server.time" "${JSON[@]}" --data-binary @"$T_DIR/300k.json")
expect_match "300 KB body with a webhook URL is read" "$out" '^200 \{"result":'
out=$(req POST "$H/rest/1/wrongwrongwrong1/server.time" "${JSON[@]}" "${ASK[@]}" --data-binary @"$T_DIR/300k.json")
expect_match "300 KB body with a wrong webhook secret: 413" "$out" '^413 \{"error":"REQUEST_BODY_TOO_LARGE"'
out=$(req POST "$H$(hook_path 1 admin,user)/token.add" "${JSON[@]}" --data '{"SCOPES":["basic","user"],"TITLE":"big"}')
TOKEN=$(sed -n 's/.*"TOKEN":"\([^"]*\)".*/\1/p' <<<"$out")
check "an application token was created" test -n "$TOKEN"
out=$(req POST "$H/rest/server.time?auth=$TOKEN" "${JSON[@]}" --data-binary @"$T_DIR/300k.json")
expect_match "300 KB body with 'auth' in the query string is read" "$out" '^200 \{"result":'
out=$(req POST "$H/rest/server.time?auth=nosuchtoken" "${JSON[@]}" "${ASK[@]}" --data-binary @"$T_DIR/300k.json")
expect_match "300 KB body with an unknown 'auth': 413" "$out" '^413 \{"error":"REQUEST_BODY_TOO_LARGE"'
out=$(req POST "$H/rest/server.time" "${JSON[@]}" --data "{\"auth\":\"$TOKEN\"}")
expect_match "'auth' in a small body still works" "$out" '^200 \{"result":'
out=$(req POST "$H/api/auth/login" "${JSON[@]}" -D "$T_DIR/hdr" \
    --data '{"email":"admin@example.com","password":"correct horse battery"}')
COOKIE=$(sed -n 's/^Set-Cookie: kazi_session=\([^;]*\);.*/\1/p' "$T_DIR/hdr" | tr -d '\r')
CSRF=$(sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p' <<<"$out")
out=$(req POST "$H/rest/server.time" "${JSON[@]}" -H "Cookie: kazi_session=$COOKIE" \
    -H "X-CSRF-Token: $CSRF" --data-binary @"$T_DIR/300k.json")
expect_match "300 KB body with a session cookie and CSRF header is read" "$out" '^200 \{"result":'
out=$(req POST "$H/rest/server.time" "${JSON[@]}" "${ASK[@]}" -H "Cookie: kazi_session=$COOKIE" \
    --data-binary @"$T_DIR/300k.json")
expect_match "300 KB body with a session cookie but no CSRF header: 413" "$out" '^413 '
out=$(req POST "$H/rest/server.time" "${JSON[@]}" -H 'Transfer-Encoding: chunked' \
    --data-binary @"$T_DIR/300k.json")
check "300 KB chunked body without credentials is cut off (status ${out:0:3})" test "${out:0:3}" != 200
out=$(req POST "$H$HOOK/server.time" "${JSON[@]}" -H 'Transfer-Encoding: chunked' \
    --data-binary @"$T_DIR/300k.json")
expect_match "300 KB chunked body with a webhook URL is read" "$out" '^200 \{"result":'
alive "large bodies"

# ---------------------------------------------------------------- one canonical path
revive "one canonical path"
for path in "/rest/%31/$SECRET/server.time" "/r%65st/1/$SECRET/server.time" \
    "//rest/1/$SECRET/server.time" "/rest//1//$SECRET//server.time"; do
    out=$(req GET "$H$path" --path-as-is)
    expect_match "path '${path//$SECRET/SECRET}' is routed as the canonical webhook URL" "$out" '^200 \{"result":'
done
out=$(req GET "$H/REST/1/$SECRET/server.time")
expect_match "path '/REST/1/SECRET/...' is not found" "$out" '^404 '
for path in "/rest/1/$SECRET/../server.time" "/rest/1/$SECRET/%2e%2e/server.time" \
    "/rest/1/$SECRET/./server.time" "/rest/1/$SECRET/a%00b" "/rest/1/$SECRET/a%0ab"; do
    out=$(req GET "$H$path" --path-as-is)
    expect_match "path '${path//$SECRET/SECRET}' is a 400" "$out" '^400 \{"error":"INVALID_REQUEST"'
done
out=$(req GET "$H/rest/%ff")
expect_match "a path that is not UTF-8 gets a JSON error naming it" "$out" \
    "^400 \\{\"error\":\"INVALID_REQUEST\",\"error_description\":\"path '/rest/\\?' is not"
out=$(req GET "$H/x%ff%fe")
expect_match "... on any route" "$out" "^404 \\{\"error\":\"NOT_FOUND\",\"error_description\":\"path '/x\\?\\?' is not found\"\\}$"
req GET "$H/healthz?auth=$SECRET" >/dev/null
sleep 0.5
check "the webhook secret is in no access-log line" bash -c "! grep -q -- '$SECRET' '$T_DIR/stderr'"
expect_match "the access log shows the canonical path, masked" "$(grep -c '"GET /rest/1/\*\{16\}/server.time" 200' "$T_DIR/stderr")" '^[4-9]$'

# ---------------------------------------------------------------- framing (RFC 9112)
revive "framing"
# raw NAME EXPECTED REQUEST: sends REQUEST (printf format) on its own connection
raw() {
    local out
    # shellcheck disable=SC2059 # the request is a printf format on purpose (\r\n)
    out=$(printf -- "$3" | python3 "$RAW" "$PORT" 2 | tr '\n' ' ')
    expect_match "$1" "$out" "$2"
}
raw "two different Content-Length headers: 400 and closed" '^HTTP/1.1 400 [^ ]+ [^ ]+ closed $' \
    'POST /rest/server.time HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}'
raw "two equal Content-Length headers: 400 and closed" '^HTTP/1.1 400 [^ ]+ [^ ]+ closed $' \
    'POST /rest/server.time HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}'
raw "Content-Length with chunked: one 400, closed, nothing smuggled" '^HTTP/1.1 400 [^ ]+ [^ ]+ closed $' \
    'POST /rest/server.time HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'
raw "Transfer-Encoding other than chunked: 400 and closed" '^HTTP/1.1 400 [^ ]+ [^ ]+ closed $' \
    'POST /rest/server.time HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n'
raw "HTTP/1.1 without Host: 400 and closed" '^HTTP/1.1 400 [^ ]+ [^ ]+ closed $' \
    'GET /healthz HTTP/1.1\r\n\r\n'
raw "HTTP/1.1 with two Host headers: 400 and closed" '^HTTP/1.1 400 [^ ]+ [^ ]+ closed $' \
    'GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'
raw "HTTP/1.0 without Host is fine" '^HTTP/1.[01] 200 ' \
    'GET /healthz HTTP/1.0\r\n\r\n'
raw "two pipelined requests get two answers on an open connection" '^HTTP/1.1 200 OK HTTP/1.1 200 OK open $' \
    'GET /healthz HTTP/1.1\r\nHost: a\r\n\r\nGET /healthz HTTP/1.1\r\nHost: a\r\n\r\n'
raw "chunked body alone is fine" '^HTTP/1.1 200 OK open $' \
    'POST /rest/server.time HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n'
alive "framing"

# ---------------------------------------------------------------- access-log escaping
revive "access-log escaping"
printf 'GE"T /healthz HTTP/1.1\r\nHost: x\r\n\r\n' | python3 "$RAW" "$PORT" 1 >/dev/null
printf 'GET /he%%22al%%1b[31m\\th HTTP/1.1\r\nHost: x\r\n\r\n' | python3 "$RAW" "$PORT" 1 >/dev/null
sleep 0.5
check "a quote in the method is escaped in the log" grep -qF '"GE\x22T /healthz"' "$T_DIR/stderr"
check "no raw quote from the method reaches the log" bash -c "! grep -qF 'GE\"T' '$T_DIR/stderr'"
check "quote, escape and backslash in the path are escaped" grep -qF '"GET /he\x22al\x1b[31m\x5cth"' "$T_DIR/stderr"
check "no escape byte reaches the log" bash -c "! grep -q $'\x1b' '$T_DIR/stderr'"
kazi_stop

# ---------------------------------------------------------------- connection limits and deadlines
kazi_start --header-timeout 5 --max-connections-per-ip 8 --max-connections 16 --threads 2 ||
    { not_ok "kazi starts with connection limits"; t_finish; exit 1; }
PORT=${HTTP_URL##*:}
TLS_PORT=${HTTPS_URL##*:}
python3 - "$PORT" "$TLS_PORT" >"$T_DIR/limits" <<'EOF'
import socket, sys, time
port, tls_port = int(sys.argv[1]), int(sys.argv[2])

def conn(src, p=port):
    s = socket.socket()
    s.bind((src, 0))
    s.connect(("127.0.0.1", p))
    s.settimeout(0.5)
    return s

def closed(s, wait=0.05):
    s.settimeout(wait)
    try:
        return s.recv(1) == b""
    except socket.timeout:
        return False
    except OSError:
        return True

# per address: 8 held from 127.0.0.1, the 9th closed at once; 127.0.0.2 still gets in
held = [conn("127.0.0.1") for _ in range(8)]
for s in held:
    s.send(b"GET /healthz HTTP/1.1\r\n")
time.sleep(0.2)
print("first 8 open:", sum(not closed(s) for s in held))
ninth = conn("127.0.0.1")
print("9th from the same address closed:", closed(ninth))
other = [conn("127.0.0.2") for _ in range(8)]
time.sleep(0.3)
print("8 from another address open:", sum(not closed(s) for s in other))
# total: with 16 held, a 17th client waits in the listen queue until a slot frees
third = conn("127.0.0.3")
third.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
third.settimeout(1)
try:
    early = third.recv(100)
except socket.timeout:
    early = b""
print("17th answered while 16 are held:", early.startswith(b"HTTP/1.1 200"))
other.pop().close()
third.settimeout(5)
try:
    late = early or third.recv(100)
except socket.timeout:
    late = b""
print("17th answered once one closed:", late.startswith(b"HTTP/1.1 200"))
# deadline: trickling headers does not keep a connection past header_timeout (5 s)
t0 = time.monotonic()
gone = None
while time.monotonic() - t0 < 12 and gone is None:
    try:
        held[0].send(b"X-Slow: 1\r\n")
    except OSError:
        pass
    if closed(held[0], 0.5):
        gone = time.monotonic() - t0
print("trickling connection closed within 8 s:", gone is not None and gone <= 8)
for s in held + other + [ninth, third]:
    s.close()
time.sleep(0.5)
# TLS: a bare TCP connection that never starts the handshake is closed at the deadline too
t = conn("127.0.0.4", tls_port)
t0 = time.monotonic()
gone = None
while time.monotonic() - t0 < 12 and gone is None:
    if closed(t, 0.5):
        gone = time.monotonic() - t0
print("TLS connection without a handshake closed within 5-8 s:", gone is not None and 4 <= gone <= 8)
t.close()
EOF
expect_match "per-address limit: 8 connections held" "$(cat "$T_DIR/limits")" 'first 8 open: 8'
expect_match "per-address limit: the 9th from the same address is closed" "$(cat "$T_DIR/limits")" '9th from the same address closed: True'
expect_match "per-address limit: another address still gets in" "$(cat "$T_DIR/limits")" '8 from another address open: 8'
expect_match "total limit: a 17th client waits while 16 are held" "$(cat "$T_DIR/limits")" '17th answered while 16 are held: False'
expect_match "total limit: ... and is served once one closes" "$(cat "$T_DIR/limits")" '17th answered once one closed: True'
expect_match "header deadline: a trickling connection is closed" "$(cat "$T_DIR/limits")" 'trickling connection closed within 8 s: True'
expect_match "handshake deadline: a silent TLS connection is closed" "$(cat "$T_DIR/limits")" 'TLS connection without a handshake closed within 5-8 s: True'
expect_match "the server answers after the limits were hit" "$(req GET "$HTTP_URL/healthz")" '^200 '
out=$(curl -s -o /dev/null -w '%{http_code} %{num_connects}\n' "$HTTP_URL/healthz" -o /dev/null --next -s -o /dev/null -w '%{http_code} %{num_connects}\n' "$HTTP_URL/healthz" | tr '\n' ' ')
expect_match "a kept-alive connection still serves a second request" "$out" '^200 1 200 0 $'

t_finish
