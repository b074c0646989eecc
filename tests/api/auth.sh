#!/usr/bin/env bash
# Browser sign-in and credentials against the sanitizer build: first-run setup (once, also
# under concurrency), login and its failures, cookie attributes over HTTP and HTTPS, CSRF on
# cookie-authenticated REST calls, logout, application tokens and webhooks as `auth`, and the
# sign-in throttle (429 with Retry-After).
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

JSON=(-H 'Content-Type: application/json')

# post URL JSON [curl args...]: POST with a JSON body, headers in $T_DIR/hdr; prints "STATUS BODY"
post() {
    local url=$1 data=$2
    shift 2
    req POST "$url" "${JSON[@]}" --data "$data" -D "$T_DIR/hdr" "$@"
}
set_cookie() { grep -i '^Set-Cookie:' "$T_DIR/hdr" | tr -d '\r'; }
header() { grep -i "^$1:" "$T_DIR/hdr" | head -1 | tr -d '\r' | sed 's/^[^:]*: *//'; }
field() { sed -n "s/.*\"$1\":\"\\([^\"]*\\)\".*/\\1/p" <<<"$2"; }
cookie_of() { sed -n 's/.*kazi_session=\([^;]*\);.*/\1/p' <<<"$(set_cookie)"; }

kazi_start || { not_ok "kazi starts"; t_finish; exit 1; }
H=$HTTP_URL
S=$HTTPS_URL

# ---------------------------------------------------------------- first run
out=$(req GET "$H/api/auth/state")
expect_match "state before setup: setup required" "$out" '^200 .*"setup_required":true'
expect_match "state before setup: nobody signed in" "$out" '"user":null'

out=$(req POST "$H/api/auth/setup" --data '{"email":"a@example.com","password":"x"}')
expect_match "setup needs a JSON content type" "$out" '^415 \{"error":"UNSUPPORTED_MEDIA_TYPE"'
out=$(post "$H/api/auth/setup" '{"email":"admin@example.com"}')
expect_match "setup without password is refused" "$out" '^400 \{"error":"BX_EMPTY_REQUIRED"'
out=$(post "$H/api/auth/setup" '{"email":"admin@example.com","password":"short"}')
expect_match "setup with a short password is refused" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(post "$H/api/auth/setup" '{"email":"admin@example.com",')
expect_match "malformed JSON is a 400" "$out" '^400 \{"error":"INVALID_REQUEST"'
big=$(head -c 20000 /dev/zero | tr '\0' a)
out=$(post "$H/api/auth/setup" "{\"email\":\"$big\"}")
expect_match "20 KB body is a 413" "$out" '^413 \{"error":"REQUEST_BODY_TOO_LARGE"'
out=$(req GET "$H/api/auth/state")
expect_match "refused setups created nobody" "$out" '"setup_required":true'

out=$(post "$H/api/auth/setup" '{"email":"admin@example.com","name":"Ada","last_name":"Admin",
      "password":"correct horse","company":"Acme Ltd"}')
expect_match "setup creates the administrator" "$out" \
    '^200 \{"user":\{"id":1,"email":"admin@example.com","name":"Ada","last_name":"Admin","is_admin":true\},"csrf":"[A-Za-z0-9_-]{43}"\}$'
CSRF=$(field csrf "$out")
COOKIE=$(cookie_of)
expect_match "setup signs in (cookie)" "$(set_cookie)" \
    '^Set-Cookie: kazi_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax$'
expect_eq "auth replies are not cached" "$(header Cache-Control)" "no-store"

out=$(post "$H/api/auth/setup" '{"email":"other@example.com","password":"correct horse"}')
expect_match "second setup is refused" "$out" '^409 \{"error":"ALREADY_SET_UP"'

out=$(req GET "$H/api/auth/state" -H "Cookie: kazi_session=$COOKIE")
expect_match "state signed in: user" "$out" '"user":\{"id":1,"email":"admin@example.com"'
expect_match "state signed in: company and csrf" "$out" \
    "\"setup_required\":false.*\"company\":\"Acme Ltd\".*\"csrf\":\"$CSRF\""
out=$(req GET "$H/api/auth/state" -H "Cookie: theme=dark; kazi_session=$COOKIE; lang=en")
expect_match "session cookie found among others" "$out" '"user":\{"id":1'
out=$(req GET "$H/api/auth/state" -H "Cookie: kazi_session=stale; kazi_session=$COOKIE")
expect_match "a stale duplicate cookie does not hide the live one" "$out" '"user":\{"id":1'
out=$(req GET "$H/api/auth/state")
expect_match "state without cookie" "$out" '^200 \{"setup_required":false,"user":null,"company":"Acme Ltd"\}$'
req GET "$H/api/auth/state" -H "Cookie: kazi_session=forged" -D "$T_DIR/hdr" >/dev/null
expect_match "an unknown session cookie is cleared" "$(set_cookie)" 'kazi_session=; Path=/; Max-Age=0'

# ---------------------------------------------------------------- login
out=$(post "$H/api/auth/login" '{"email":"ADMIN@example.com","password":"correct horse"}')
expect_match "login (e-mail case ignored)" "$out" '^200 \{"user":\{"id":1,.*"csrf":"[A-Za-z0-9_-]{43}"\}$'
expect_match "login cookie over HTTP: no Max-Age, no Secure" "$(set_cookie)" \
    '^Set-Cookie: kazi_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax$'
out=$(post "$S/api/auth/login" '{"email":"admin@example.com","password":"correct horse","remember":true}')
expect_match "remember-me login over HTTPS" "$out" '^200 '
expect_match "remember-me cookie: Max-Age 30 days, Secure" "$(set_cookie)" \
    '^Set-Cookie: kazi_session=[A-Za-z0-9_-]{43}; Path=/; Max-Age=2592000; HttpOnly; SameSite=Lax; Secure$'
out=$(post "$S/api/auth/login" '{"email":"admin@example.com","password":"correct horse","remember":false}')
expect_match "browser-session cookie over HTTPS: Secure, no Max-Age" "$(set_cookie)" \
    '^Set-Cookie: kazi_session=[A-Za-z0-9_-]{43}; Path=/; HttpOnly; SameSite=Lax; Secure$'

t0=$(date +%s%N)
wrong=$(post "$H/api/auth/login" '{"email":"admin@example.com","password":"wrong horse"}')
t1=$(date +%s%N)
unknown=$(post "$H/api/auth/login" '{"email":"nobody@example.com","password":"wrong horse"}')
t2=$(date +%s%N)
expect_match "wrong password is a 401" "$wrong" '^401 \{"error":"INVALID_CREDENTIALS"'
expect_eq "unknown e-mail gets the same answer" "$unknown" "$wrong"
check "unknown e-mail costs a password check too" test $(((t2 - t1) * 3)) -gt $((t1 - t0))
out=$(post "$H/api/auth/login" '{"email":"admin@example.com"}')
expect_match "login without password is a 400" "$out" '^400 \{"error":"BX_EMPTY_REQUIRED"'

# a second, non-administrator user, and an inactive one (operator commands on the live data)
printf 'second password\n' >"$T_DIR/pw"
"$KAZI_BIN" user add --data "$T_DIR/data" --email bob@example.com --name Bob \
    --password-file "$T_DIR/pw" >/dev/null 2>>"$T_DIR/stderr"
"$KAZI_BIN" user add --data "$T_DIR/data" --email gone@example.com --name Gone \
    --password-file "$T_DIR/pw" >/dev/null 2>>"$T_DIR/stderr"
sqlite3 "$T_DIR/data/kazi.db" "UPDATE core_user SET active = 0 WHERE email = 'gone@example.com'" \
    2>/dev/null || not_ok "deactivate a user with sqlite3"
out=$(post "$H/api/auth/login" '{"email":"gone@example.com","password":"second password"}')
expect_eq "inactive user gets the same 401" "$out" "$wrong"
out=$(post "$H/api/auth/login" '{"email":"bob@example.com","password":"second password"}')
expect_match "non-administrator signs in" "$out" '"is_admin":false'
BOB_CSRF=$(field csrf "$out")
BOB=$(cookie_of)

# ---------------------------------------------------------------- CSRF on REST calls
M=user.current
out=$(req POST "$H/rest/$M" -H "Cookie: kazi_session=$COOKIE" -H "X-CSRF-Token: $CSRF")
if [[ $out == *ERROR_METHOD_NOT_FOUND* ]]; then
    M=app.info
    out=$(req POST "$H/rest/$M" -H "Cookie: kazi_session=$COOKIE" -H "X-CSRF-Token: $CSRF")
fi
expect_match "cookie + CSRF header: REST call works" "$out" '^200 \{"result":'
out=$(req POST "$H/rest/$M" -H "Cookie: kazi_session=$COOKIE")
expect_match "cookie without CSRF header is refused" "$out" '^40[13] \{"error":"[A-Za-z_]+"'
out=$(req POST "$H/rest/$M" -H "Cookie: kazi_session=$COOKIE" -H "X-CSRF-Token: $BOB_CSRF")
expect_match "another session's CSRF token is refused" "$out" '^40[13] \{"error":"[A-Za-z_]+"'
out=$(req GET "$H/rest/$M" -H "Cookie: kazi_session=$COOKIE")
expect_match "GET with cookie needs the CSRF header too" "$out" '^40[13] '

# ---------------------------------------------------------------- tokens as `auth`
AS_ADMIN=(-H "Cookie: kazi_session=$COOKIE" -H "X-CSRF-Token: $CSRF")
out=$(req POST "$H/rest/token.add" "${AS_ADMIN[@]}" "${JSON[@]}" \
    --data '{"SCOPES":["basic","user"],"TITLE":"ci"}')
expect_match "token.add returns the token once" "$out" \
    '^200 \{"result":\{"ID":1,"TOKEN":"[A-Za-z0-9_-]{43}","EXPIRES_AT":null\}'
TOKEN=$(field TOKEN "$out")
out=$(req POST "$H/rest/app.info" --data-urlencode "auth=$TOKEN")
expect_match "valid token as auth" "$out" '^200 \{"result":'
out=$(req GET "$H/rest/app.info?auth=unknown-token-value")
expect_match "unknown token is a 401" "$out" '^401 \{"error":"(invalid_token|NO_AUTH_FOUND)"'
out=$(req POST "$H/rest/token.list" --data-urlencode "auth=$TOKEN")
expect_match "token without the admin scope cannot manage tokens" "$out" \
    '^403 \{"error":"insufficient_scope"'
out=$(req POST "$H/rest/token.add" "${AS_ADMIN[@]}" "${JSON[@]}" \
    --data '{"SCOPES":"basic","EXPIRES_IN":1}')
SHORT=$(field TOKEN "$out")
expect_match "token.add with EXPIRES_IN" "$out" '"EXPIRES_AT":"[0-9]{4}-'
out=$(req POST "$H/rest/token.add" "${AS_ADMIN[@]}" "${JSON[@]}" --data '{"SCOPES":"basic",
    "EXPIRES_IN":-5}')
expect_match "negative EXPIRES_IN is refused" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(req POST "$H/rest/token.add" "${AS_ADMIN[@]}" "${JSON[@]}" --data '{"TITLE":"x"}')
expect_match "token.add without scopes is refused" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(req POST "$H/rest/token.add" "${AS_ADMIN[@]}" "${JSON[@]}" \
    --data '{"SCOPES":["admin"],"USER_ID":999}')
expect_match "token.add for an unknown user" "$out" '^400 \{"error":"NOT_FOUND"'
out=$(req POST "$H/rest/token.list" "${AS_ADMIN[@]}")
expect_match "token.list lists without secrets" "$out" '^200 \{"result":\[\{"ID":1,"USER_ID":1,"TITLE":"ci","SCOPES":\["basic","user"\]'
[[ $out == *"$TOKEN"* ]] && not_ok "token.list shows a secret" || ok "token.list shows no secret"
expect_match "token.list has a total" "$out" '"total":2'
sleep 2
out=$(req GET "$H/rest/app.info?auth=$SHORT")
expect_match "expired token is a 401 expired_token" "$out" '^401 \{"error":"expired_token"'
out=$(req POST "$H/rest/token.revoke" "${AS_ADMIN[@]}" --data 'ID=1')
expect_match "token.revoke" "$out" '^200 \{"result":true'
out=$(req GET "$H/rest/app.info?auth=$TOKEN")
expect_match "revoked token is a 401" "$out" '^401 \{"error":"(invalid_token|NO_AUTH_FOUND)"'
out=$(req POST "$H/rest/token.revoke" "${AS_ADMIN[@]}" --data 'ID=1')
expect_match "revoking twice is NOT_FOUND" "$out" '^400 \{"error":"NOT_FOUND"'
out=$(req GET "$H/rest/app.info?auth=$COOKIE")
expect_match "a session's token works as auth without CSRF" "$out" '^200 \{"result":'
out=$(req POST "$H/rest/token.add" -H "Cookie: kazi_session=$BOB" -H "X-CSRF-Token: $BOB_CSRF" \
    --data 'SCOPES=basic')
expect_match "non-administrators cannot add tokens" "$out" '^403 \{"error":"ACCESS_DENIED"'

# ---------------------------------------------------------------- webhooks
out=$(req POST "$H/rest/webhook.add" "${AS_ADMIN[@]}" "${JSON[@]}" \
    --data '{"USER_ID":2,"SCOPES":"basic,user","TITLE":"bob hook"}')
expect_match "webhook.add returns ID and URL" "$out" \
    '^200 \{"result":\{"ID":[0-9]+,"URL":"[^"]*/rest/2/[a-z0-9]{16}/"\}'
HOOK_ID=$(sed -n 's/.*"ID":\([0-9]*\).*/\1/p' <<<"$out")
HOOK_PATH=$(sed -n 's/.*"URL":"[^"]*\(\/rest\/2\/[a-z0-9]*\/\)".*/\1/p' <<<"$out" | sed 's/\\//g')
out=$(req GET "$H${HOOK_PATH}app.info")
expect_match "the new webhook works" "$out" '^200 \{"result":'
out=$(req POST "$H/rest/webhook.list" "${AS_ADMIN[@]}")
expect_match "webhook.list" "$out" '"TITLE":"bob hook","SCOPES":\["basic","user"\]'
secret=${HOOK_PATH#/rest/2/}
[[ $out == *"${secret%/}"* ]] && not_ok "webhook.list shows a secret" || ok "webhook.list shows no secret"
out=$(req POST "$H/rest/webhook.add" "${AS_ADMIN[@]}" --data 'SCOPES=bad scope!')
expect_match "webhook.add with bad scopes" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(req POST "$H/rest/webhook.revoke" "${AS_ADMIN[@]}" --data "ID=$HOOK_ID")
expect_match "webhook.revoke" "$out" '^200 \{"result":true'
out=$(req GET "$H${HOOK_PATH}app.info")
expect_match "revoked webhook is refused" "$out" '^401 '

# a narrow credential cannot mint a wider one
out=$(req POST "$H/rest/token.add" "${AS_ADMIN[@]}" --data 'SCOPES=admin,basic')
NARROW=$(field TOKEN "$out")
out=$(req POST "$H/rest/token.add" --data-urlencode "auth=$NARROW" --data 'SCOPES=crm')
expect_match "scopes beyond the caller's are refused" "$out" '^403 \{"error":"insufficient_scope"'
out=$(req POST "$H/rest/token.add" --data-urlencode "auth=$NARROW" --data 'SCOPES=basic')
expect_match "scopes within the caller's are granted" "$out" '^200 '

# ---------------------------------------------------------------- logout
out=$(req POST "$H/api/auth/logout" -H "Cookie: kazi_session=$COOKIE")
expect_match "logout without CSRF header is refused" "$out" '^403 \{"error":"INVALID_CSRF_TOKEN"'
out=$(req POST "$H/api/auth/logout" "${AS_ADMIN[@]}" -D "$T_DIR/hdr")
expect_match "logout" "$out" '^200 \{"result":true\}'
expect_match "logout expires the cookie" "$(set_cookie)" 'kazi_session=; Path=/; Max-Age=0; HttpOnly'
out=$(req GET "$H/api/auth/state" -H "Cookie: kazi_session=$COOKIE")
expect_match "the old cookie no longer signs in" "$out" '"user":null'
out=$(req POST "$H/rest/app.info" "${AS_ADMIN[@]}")
expect_match "the old cookie no longer calls REST" "$out" '^401 '

# ---------------------------------------------------------------- cookie jar round trip
rm -f "$T_DIR/jar"
out=$(post "$H/api/auth/login" '{"email":"bob@example.com","password":"second password"}' -c "$T_DIR/jar")
JAR_CSRF=$(field csrf "$out")
out=$(req POST "$H/rest/app.info" -b "$T_DIR/jar" -H "X-CSRF-Token: $JAR_CSRF")
expect_match "cookie jar session calls REST" "$out" '^200 '

# ---------------------------------------------------------------- throttling
# so far 3 failed sign-ins from this address; the account limit is 5 per 15 minutes
for i in 1 2 3 4 5; do
    post "$H/api/auth/login" '{"email":"Victim@example.com","password":"guess'$i'"}' >/dev/null
done
out=$(post "$H/api/auth/login" '{"email":"victim@example.com","password":"guess6"}')
expect_match "sixth failure for one account is a 429" "$out" '^429 \{"error":"TOO_MANY_ATTEMPTS"'
expect_match "429 carries Retry-After" "$(header Retry-After)" '^[0-9]+$'
check "Retry-After is within the window" test "$(header Retry-After)" -le 900
out=$(post "$H/api/auth/login" '{"email":"bob@example.com","password":"second password"}')
expect_match "another account still signs in" "$out" '^200 '
# 8 failures so far from this address; the address limit is 20
for i in $(seq 1 12); do
    post "$H/api/auth/login" '{"email":"user'$i'@example.com","password":"guess"}' >/dev/null
done
out=$(post "$H/api/auth/login" '{"email":"bob@example.com","password":"second password"}')
expect_match "after 20 failures the address is throttled" "$out" '^429 \{"error":"TOO_MANY_ATTEMPTS"'
kazi_stop

# ---------------------------------------------------------------- concurrent first runs
KAZI_DATA_DIR=$T_DIR/data2 kazi_start --https off || { not_ok "second kazi starts"; t_finish; exit 1; }
for i in 1 2 3 4 5 6; do
    curl -s -o /dev/null -w '%{http_code}\n' -X POST "$HTTP_URL/api/auth/setup" "${JSON[@]}" \
        --data '{"email":"admin'$i'@example.com","password":"correct horse"}' >"$T_DIR/setup$i" &
done
wait_for=$(jobs -p | grep -v "^$KAZI_PID$")
for p in $wait_for; do wait "$p"; done
expect_eq "only one of six concurrent setups succeeds" "$(cat "$T_DIR"/setup? | sort | tr '\n' ' ')" \
    "200 409 409 409 409 409 "
expect_eq "exactly one user exists" \
    "$(sqlite3 "$T_DIR/data2/kazi.db" 'SELECT COUNT(*) FROM core_user' 2>/dev/null)" 1
t_finish
