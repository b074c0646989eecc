#!/usr/bin/env bash
# kazi behind a reverse proxy, with the sample configurations in contrib/ run for real: nginx
# (contrib/nginx/kazi.conf) and Caddy (contrib/caddy/Caddyfile) terminate TLS and forward to
# kazi's plain-HTTP listener. From a proxy in trusted_proxies kazi takes the client's address
# from X-Forwarded-For (so the sign-in throttle counts each client, not the proxy) and marks
# session cookies Secure on X-Forwarded-Proto: https; the live channel's WebSocket works
# through the proxy. From any other peer both headers are ignored, so a client cannot choose
# its address. Loopback addresses stand for machines: the proxy reaches kazi from 127.0.0.2
# (nginx's proxy_bind), clients come from 127.0.0.3 and up.
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JSON=(-H 'Content-Type: application/json')
NGINX_PID=
CADDY_PID=
stop_proxies() {
    local p
    for p in $NGINX_PID $CADDY_PID; do
        kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
    done
    NGINX_PID= CADDY_PID=
}
trap 'stop_proxies; [ -n "$KAZI_PID" ] && kill -9 "$KAZI_PID" 2>/dev/null; rm -rf "$T_DIR"' EXIT

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# last_access_addr PATH: the client address of the newest access-log line for PATH
last_access_addr() {
    grep "\"[A-Z]* $1\"" "$T_DIR/stderr" | tail -1 | awk '{print $2}'
}
# wait_port PORT: waits until something accepts on 127.0.0.1:PORT
wait_port() {
    local i
    for i in $(seq 1 200); do
        (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
        sleep 0.05
    done
    return 1
}

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
    -subj '/CN=crm.example.com' -addext 'subjectAltName=DNS:crm.example.com' \
    -keyout "$T_DIR/proxy.key" -out "$T_DIR/proxy.crt" 2>/dev/null

# --- without trusted_proxies: forwarded headers are not believed ---------------------------
kazi_start --https off || { not_ok "kazi starts"; t_finish; exit 1; }
out=$(req POST "$HTTP_URL/api/auth/setup" "${JSON[@]}" \
    --data '{"email":"owner@example.com","password":"correct horse","company":"Acme"}')
expect_match "setup" "$out" '^200 '
hdr=$(curl -s -D - -o /dev/null --interface 127.0.0.3 "${JSON[@]}" \
    -H 'X-Forwarded-For: 198.51.100.9' -H 'X-Forwarded-Proto: https' \
    --data '{"email":"owner@example.com","password":"correct horse"}' "$HTTP_URL/api/auth/login")
expect_match "without trusted proxies a client's X-Forwarded-Proto does not mark the cookie Secure" \
    "$(grep -i '^set-cookie: kazi_session=' <<<"$hdr")" '^[^;]*; Path=/; HttpOnly; SameSite=Lax'$'\r''?$'
curl -s -o /dev/null --interface 127.0.0.3 -H 'X-Forwarded-For: 198.51.100.9' "$HTTP_URL/healthz"
expect_eq "without trusted proxies the access log shows the socket's address, not X-Forwarded-For" \
    "$(last_access_addr /healthz)" 127.0.0.3
kazi_stop
out=$("$KAZI_BIN" serve --data "$T_DIR/data" --trusted-proxies 10.0.0.1/8 2>&1)
expect_match "a block with host bits set is refused, naming the entry" "$out" \
    "trusted_proxies entry '10.0.0.1/8' is not"
out=$("$KAZI_BIN" serve --data "$T_DIR/data" --trusted-proxies 'proxy.example.com' 2>&1)
expect_match "a host name is refused" "$out" "trusted_proxies entry 'proxy.example.com' is not"

# --- nginx, with the sample configuration --------------------------------------------------
kazi_start --https off --trusted-proxies '127.0.0.2, ::1' --live-ping 1 ||
    { not_ok "kazi starts with trusted proxies"; t_finish; exit 1; }
kport=${HTTP_URL##*:}
p80=$(free_port)
p443=$(free_port)
mkdir -p "$T_DIR/nginx"
sed -e "s#server 127.0.0.1:8080;#server 127.0.0.1:$kport;#" \
    -e "s#^\( *\)listen 80;#\1listen 127.0.0.1:$p80;#" \
    -e "s#^\( *\)listen 443 ssl http2;#\1listen 127.0.0.1:$p443 ssl http2;#" \
    -e '/listen \[::\]/d' \
    -e "s#ssl_certificate /etc/.*;#ssl_certificate $T_DIR/proxy.crt;#" \
    -e "s#ssl_certificate_key /etc/.*;#ssl_certificate_key $T_DIR/proxy.key;#" \
    -e "s#proxy_pass http://kazi;#proxy_pass http://kazi; proxy_bind 127.0.0.2;#" \
    "$ROOT/contrib/nginx/kazi.conf" >"$T_DIR/nginx/site.conf"
cat >"$T_DIR/nginx/nginx.conf" <<EOF
daemon off;
user root root;
worker_processes 1;
pid $T_DIR/nginx/nginx.pid;
error_log $T_DIR/nginx/error.log;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $T_DIR/nginx/body;
    proxy_temp_path $T_DIR/nginx/proxy;
    fastcgi_temp_path $T_DIR/nginx/fastcgi;
    uwsgi_temp_path $T_DIR/nginx/uwsgi;
    scgi_temp_path $T_DIR/nginx/scgi;
    include $T_DIR/nginx/site.conf;
}
EOF
nginx -p "$T_DIR/nginx" -c "$T_DIR/nginx/nginx.conf" 2>>"$T_DIR/nginx/error.log" &
NGINX_PID=$!
if ! wait_port "$p443"; then
    not_ok "nginx starts with contrib/nginx/kazi.conf"
    sed 's/^/# /' "$T_DIR/nginx/error.log"
    t_finish
    exit 1
fi
ok "nginx starts with contrib/nginx/kazi.conf"
NG=https://crm.example.com:$p443
RESOLVE=(--resolve "crm.example.com:$p443:127.0.0.1" --cacert "$T_DIR/proxy.crt")

out=$(curl -s "${RESOLVE[@]}" "$NG/healthz")
expect_match "/healthz answers through nginx over TLS" "$out" '"status":"ok"'
code=$(curl -s -o /dev/null -w '%{http_code} %{redirect_url}' --resolve "crm.example.com:$p80:127.0.0.1" \
    "http://crm.example.com:$p80/app")
expect_match "plain HTTP at the proxy redirects to HTTPS" "$code" '^301 https://crm.example.com'

hdr=$(curl -s -D - -o /dev/null "${RESOLVE[@]}" --interface 127.0.0.3 "${JSON[@]}" \
    --data '{"email":"owner@example.com","password":"correct horse"}' "$NG/api/auth/login")
expect_match "signed in through the proxy: the session cookie is Secure" \
    "$(grep -i '^set-cookie: kazi_session=' <<<"$hdr")" '; Secure'
cookie=$(grep -i '^set-cookie: kazi_session=' <<<"$hdr" | sed 's/^[^=]*=\([^;]*\);.*/\1/')

curl -s -o /dev/null "${RESOLVE[@]}" --interface 127.0.0.3 -H 'X-Forwarded-For: 198.51.100.9' \
    "$NG/healthz"
expect_eq "the client's address comes from the proxy's X-Forwarded-For, not from a client's own" \
    "$(last_access_addr '/healthz')" 127.0.0.3

curl -s -o /dev/null --interface 127.0.0.3 -H 'X-Forwarded-For: 198.51.100.9' "$HTTP_URL/healthz"
expect_eq "a peer that is not a trusted proxy cannot set its address" \
    "$(last_access_addr '/healthz')" 127.0.0.3
hdr=$(curl -s -D - -o /dev/null --interface 127.0.0.3 "${JSON[@]}" -H 'X-Forwarded-Proto: https' \
    --data '{"email":"owner@example.com","password":"correct horse"}' "$HTTP_URL/api/auth/login")
expect_match "nor mark its own plain-HTTP connection secure" \
    "$(grep -i '^set-cookie: kazi_session=' <<<"$hdr")" '^[^;]*; Path=/; HttpOnly; SameSite=Lax'$'\r''?$'

# the sign-in throttle counts clients, not the proxy: 20 failures from one client address
# (each for an unknown e-mail, so no account is locked) stop that client only
for i in $(seq 1 20); do
    curl -s -o /dev/null "${RESOLVE[@]}" --interface 127.0.0.4 "${JSON[@]}" \
        --data "{\"email\":\"nobody-$i@example.net\",\"password\":\"guess\"}" "$NG/api/auth/login"
done
out=$(curl -s -w ' %{http_code}' "${RESOLVE[@]}" --interface 127.0.0.4 "${JSON[@]}" \
    --data '{"email":"owner@example.com","password":"correct horse"}' "$NG/api/auth/login")
expect_match "twenty failures from one client behind the proxy throttle that client" "$out" \
    'TOO_MANY_ATTEMPTS.* 429$'
out=$(curl -s -o /dev/null -w '%{http_code}' "${RESOLVE[@]}" --interface 127.0.0.5 "${JSON[@]}" \
    --data '{"email":"owner@example.com","password":"correct horse"}' "$NG/api/auth/login")
expect_eq "another client behind the same proxy still signs in" "$out" 200

# the live channel's WebSocket through nginx over TLS: the upgrade, then kazi's pings
out=$(python3 - "$p443" "$cookie" "$T_DIR/proxy.crt" <<'EOF'
import base64, os, socket, ssl, sys, time
port, cookie, ca = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ctx = ssl.create_default_context(cafile=ca)
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port), timeout=20),
                    server_hostname="crm.example.com")
key = base64.b64encode(os.urandom(16)).decode()
s.sendall((f"GET /live HTTP/1.1\r\nHost: crm.example.com:{port}\r\nUpgrade: websocket\r\n"
           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
           f"Origin: https://crm.example.com:{port}\r\nCookie: kazi_session={cookie}\r\n\r\n").encode())
buf = b""
while b"\r\n\r\n" not in buf:
    chunk = s.recv(4096)
    if not chunk:
        break
    buf += chunk
head, _, rest = buf.partition(b"\r\n\r\n")
status = head.split(b"\r\n")[0].decode()
pings = 0
deadline = time.time() + 10
while pings < 1 and time.time() < deadline:
    while len(rest) >= 2:
        n = rest[1] & 0x7F
        hl = 2 + (2 if n == 126 else 8 if n == 127 else 0)
        if len(rest) < hl:
            break
        if n >= 126:
            n = int.from_bytes(rest[2:hl], "big")
        if len(rest) < hl + n:
            break
        if rest[0] & 0x0F == 0x9:
            pings += 1
        rest = rest[hl + n:]
    if pings:
        break
    try:
        chunk = s.recv(4096)
    except socket.timeout:
        break
    if not chunk:
        break
    rest += chunk
print(status, "pings", pings)
EOF
)
expect_match "the live channel's WebSocket upgrades through nginx and kazi's pings arrive" "$out" \
    '^HTTP/1.1 101 .* pings [1-9]'
out=$(curl -s -o /dev/null -w '%{http_code}' "${RESOLVE[@]}" "$NG/metrics")
expect_eq "/metrics is not served through the proxy" "$out" 404
stop_proxies

# --- Caddy, with the sample Caddyfile ------------------------------------------------------
if ! command -v caddy >/dev/null; then
    not_ok "caddy is installed (scripts/install-deps installs it)"
else
    kazi_stop
    kazi_start --https off --trusted-proxies 127.0.0.1 ||
        { not_ok "kazi starts for Caddy"; t_finish; exit 1; }
    kport=${HTTP_URL##*:}
    c443=$(free_port)
    mkdir -p "$T_DIR/caddy"
    {
        printf '{\n    admin off\n    auto_https disable_redirects\n    storage file_system %s\n}\n' \
            "$T_DIR/caddy/storage"
        sed -e "s#^crm.example.com {#crm.example.com:$c443 {\n    tls $T_DIR/proxy.crt $T_DIR/proxy.key#" \
            -e "s#reverse_proxy 127.0.0.1:8080#reverse_proxy 127.0.0.1:$kport#" \
            "$ROOT/contrib/caddy/Caddyfile"
    } >"$T_DIR/caddy/Caddyfile"
    HOME=$T_DIR/caddy XDG_DATA_HOME=$T_DIR/caddy XDG_CONFIG_HOME=$T_DIR/caddy \
        caddy run --adapter caddyfile --config "$T_DIR/caddy/Caddyfile" >"$T_DIR/caddy/log" 2>&1 &
    CADDY_PID=$!
    if ! wait_port "$c443"; then
        not_ok "Caddy starts with contrib/caddy/Caddyfile"
        sed 's/^/# /' "$T_DIR/caddy/log" | tail -20
    else
        ok "Caddy starts with contrib/caddy/Caddyfile"
        CR=(--resolve "crm.example.com:$c443:127.0.0.1" --cacert "$T_DIR/proxy.crt")
        CU=https://crm.example.com:$c443
        out=$(curl -s "${CR[@]}" "$CU/healthz")
        expect_match "/healthz answers through Caddy" "$out" '"status":"ok"'
        hdr=$(curl -s -D - -o /dev/null "${CR[@]}" --interface 127.0.0.3 "${JSON[@]}" \
            -H 'X-Forwarded-For: 198.51.100.9' \
            --data '{"email":"owner@example.com","password":"correct horse"}' "$CU/api/auth/login")
        expect_match "signed in through Caddy: the session cookie is Secure" \
            "$(grep -i '^set-cookie: kazi_session=' <<<"$hdr")" '; Secure'
        expect_eq "through Caddy the client's address is its own, whatever it sends" \
            "$(last_access_addr /api/auth/login)" 127.0.0.3
        out=$(curl -s -o /dev/null -w '%{http_code}' "${CR[@]}" "$CU/metrics")
        expect_eq "/metrics is not served through Caddy" "$out" 404
    fi
    stop_proxies
fi
t_finish
