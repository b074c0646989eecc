#!/usr/bin/env bash
# The sign-in throttle under address churn: an account locked by five failures stays locked
# while failures for 2,120 other e-mails (more than the 2,048 keys a bounded table holds) come
# from 106 loopback addresses (127.77.x.y, 20 each, the per-address limit), so an attacker who
# rotates addresses and e-mails cannot reset a victim's count. kazi takes the client address
# from the socket (X-Forwarded-For only from a trusted proxy, none here), so the addresses are real source
# addresses on lo. Each failure costs one Argon2id hash: the churn takes a few minutes and is
# bounded by count and by a deadline.
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"
JSON=(-H 'Content-Type: application/json')
command -v python3 >/dev/null || { not_ok "python3 is installed"; t_finish; exit 1; }
# login FROM-ADDRESS EMAIL PASSWORD: prints "STATUS BODY"
login() {
    req POST "$HTTP_URL/api/auth/login" --interface "$1" "${JSON[@]}" \
        --data "{\"email\":\"$2\",\"password\":\"$3\"}"
}

kazi_start --https off || { not_ok "kazi starts"; t_finish; exit 1; }
out=$(req POST "$HTTP_URL/api/auth/setup" "${JSON[@]}" \
    --data '{"email":"victim@example.com","password":"correct horse","company":"Acme"}')
expect_match "setup creates the account under attack" "$out" '^200 '
out=$(login 127.0.0.2 victim@example.com "correct horse")
check "loopback source addresses other than 127.0.0.1 reach kazi" test "${out%% *}" = 200

for i in 1 2 3 4 5; do
    login 127.76.0.1 victim@example.com "guess $i" >/dev/null
done
out=$(login 127.76.0.2 victim@example.com "guess 6")
expect_match "five failures lock the account, from any address" "$out" '^429 \{"error":"TOO_MANY_ATTEMPTS"'

# 106 addresses x 20 failures, each for a different e-mail that matches no account
python3 - "$HTTP_URL" >"$T_DIR/churn" <<'EOF'
import http.client, json, sys, threading, time, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
deadline = time.monotonic() + 900
counts, lock = {}, threading.Lock()
jobs = [(f"127.77.{a // 200}.{a % 200 + 1}", a) for a in range(106)]

def worker():
    while True:
        with lock:
            if not jobs:
                return
            addr, a = jobs.pop()
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60,
                                          source_address=(addr, 0))
        for i in range(20):
            if time.monotonic() > deadline:
                return
            body = json.dumps({"email": f"churn-{a}-{i}@example.net", "password": "guess"})
            try:
                conn.request("POST", "/api/auth/login", body,
                             {"Content-Type": "application/json"})
                r = conn.getresponse()
                r.read()
                status = str(r.status)
            except OSError as e:
                status = type(e).__name__
                conn.close()
                conn = http.client.HTTPConnection(url.hostname, url.port, timeout=60,
                                                  source_address=(addr, 0))
            with lock:
                counts[status] = counts.get(status, 0) + 1
        conn.close()

threads = [threading.Thread(target=worker) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(" ".join(f"{k}:{v}" for k, v in sorted(counts.items())))
EOF
churn=$(cat "$T_DIR/churn")
echo "# churn answers: $churn"
expect_eq "2,120 failed sign-ins for other e-mails from 106 addresses, all refused with 401" \
    "$churn" "401:2120"

out=$(login 127.76.0.3 victim@example.com "guess 7")
expect_match "after the churn the account is still locked (wrong password)" "$out" \
    '^429 \{"error":"TOO_MANY_ATTEMPTS"'
out=$(login 127.76.0.4 victim@example.com "correct horse")
expect_match "after the churn the account is still locked (right password)" "$out" \
    '^429 \{"error":"TOO_MANY_ATTEMPTS"'
out=$(login 127.77.0.1 churn-105-0@example.net guess)
expect_match "a churning address is at its limit" "$out" '^429 \{"error":"TOO_MANY_ATTEMPTS"'
check "kazi is still running" kill -0 "$KAZI_PID"
kazi_stop
t_finish
