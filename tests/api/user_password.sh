#!/usr/bin/env bash
# user.password.set against the sanitizer build: an administrator gives a user created without
# a password one and the user signs in with it; a user changes their own only with the right
# OLD_PASSWORD; short, long or missing passwords and other users' passwords are refused with
# nothing changed; a change ends the user's other sessions but keeps the caller's; wrong old
# passwords are throttled; no password reaches the log.
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

DATA=$T_DIR/data
JSON=(-H 'Content-Type: application/json')

add_user() { # EMAIL NAME [PASSWORD] [--admin]
    local args=(--data "$DATA" --email "$1" --name "$2")
    if [ -n "${3:-}" ]; then
        printf '%s\n' "$3" >"$T_DIR/pw"
        args+=(--password-file "$T_DIR/pw")
    fi
    shift 3
    "$KAZI_BIN" user add "${args[@]}" "$@" >/dev/null 2>>"$T_DIR/cli.err"
}
post() { req POST "$1" "${JSON[@]}" --data "$2" -D "$T_DIR/hdr"; }
cookie_of() { tr -d '\r' <"$T_DIR/hdr" | sed -n 's/^Set-Cookie: kazi_session=\([^;]*\);.*/\1/p'; }
csrf_of() { sed -n 's/.*"csrf":"\([^"]*\)".*/\1/p' <<<"$1"; }
# login EMAIL PASSWORD: prints "STATUS BODY"; the session is in $T_DIR/hdr
login() { post "$H/api/auth/login" "{\"email\":\"$1\",\"password\":\"$2\"}"; }
# signed_in COOKIE: prints the user id the session belongs to, or "null"
signed_in() {
    req GET "$H/api/auth/state" -H "Cookie: kazi_session=$1" |
        sed -n 's/.*"user":\({"id":\([0-9]*\)\|null\).*/\2\1/p' | sed 's/{.*//'
}
# as_session COOKIE CSRF JSON: calls user.password.set with the session
as_session() {
    req POST "$H/rest/user.password.set" "${JSON[@]}" -H "Cookie: kazi_session=$1" \
        -H "X-CSRF-Token: $2" --data "$3"
}

add_user admin@example.com Ada 'admin password 1' --admin
add_user bob@example.com Bob 'bob password 1'
add_user carol@example.com Carol ''
PA=$(hook_path 1 user)
PB=$(hook_path 2 user)
PN=$(hook_path 1 department)
check "users and webhooks created" test -n "$PA" -a -n "$PB" -a -n "$PN"

kazi_start --https off || { not_ok "kazi starts"; t_finish; exit 1; }
H=$HTTP_URL
A=$H$PA
B=$H$PB

# ---------------------------------------------------------------- an administrator sets one
out=$(login carol@example.com 'anything at all')
expect_match "a user created without a password cannot sign in" "$out" '^401 \{"error":"INVALID_CREDENTIALS"'
out=$(post "$A/user.password.set" '{"ID":3,"PASSWORD":"carol first pw"}')
expect_match "administrator sets a user's password" "$out" '^200 \{"result":true,'
out=$(login carol@example.com 'carol first pw')
expect_match "the user signs in with the new password" "$out" '^200 \{"user":\{"id":3,"email":"carol@example.com"'
C1=$(cookie_of)
C1_CSRF=$(csrf_of "$out")
login carol@example.com 'carol first pw' >/dev/null
C2=$(cookie_of)
expect_eq "the user has two sessions" "$(signed_in "$C1") $(signed_in "$C2")" "3 3"

out=$(login admin@example.com 'admin password 1')
expect_match "administrator signs in" "$out" '^200 '
A1=$(cookie_of)
A1_CSRF=$(csrf_of "$out")
login admin@example.com 'admin password 1' >/dev/null
A2=$(cookie_of)

out=$(as_session "$A1" "$A1_CSRF" '{"ID":"3","PASSWORD":"carol second pw"}')
expect_match "administrator sets it again, signed in" "$out" '^200 \{"result":true,'
expect_eq "every session of the user ended" "$(signed_in "$C1") $(signed_in "$C2")" "null null"
expect_eq "the administrator's sessions stay" "$(signed_in "$A1") $(signed_in "$A2")" "1 1"
out=$(login carol@example.com 'carol first pw')
expect_match "the previous password no longer works" "$out" '^401 '
out=$(login carol@example.com 'carol second pw')
expect_match "the new one does" "$out" '^200 \{"user":\{"id":3'
C1=$(cookie_of)
C1_CSRF=$(csrf_of "$out")
login carol@example.com 'carol second pw' >/dev/null
C2=$(cookie_of)

# ---------------------------------------------------------------- refused, nothing changed
out=$(as_session "$C1" "$C1_CSRF" '{"PASSWORD":"carol third pw","OLD_PASSWORD":"not my password"}')
expect_match "own change with a wrong old password: 403" "$out" '^403 \{"error":"INVALID_OLD_PASSWORD"'
expect_match "the error names OLD_PASSWORD, not the passwords" "$out" "'OLD_PASSWORD'"
out=$(as_session "$C1" "$C1_CSRF" '{"PASSWORD":"carol third pw"}')
expect_match "own change without the old password: 400" "$out" '^400 \{"error":"BX_EMPTY_REQUIRED"'
out=$(as_session "$C1" "$C1_CSRF" '{"PASSWORD":"short","OLD_PASSWORD":"carol second pw"}')
expect_match "a short password: 400" "$out" '^400 \{"error":"INVALID_ARG_VALUE".*too short'
out=$(post "$A/user.password.set" '{"ID":3,"PASSWORD":"1234567"}')
expect_match "a short password from an administrator: 400" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
long=$(head -c 1025 /dev/zero | tr '\0' x)
out=$(post "$A/user.password.set" "{\"ID\":3,\"PASSWORD\":\"$long\"}")
expect_match "a password over 1024 bytes: 400" "$out" '^400 \{"error":"INVALID_ARG_VALUE".*too long'
out=$(post "$A/user.password.set" '{"ID":3,"PASSWORD":"abc\u0000defghij"}')
expect_match "a password with a NUL byte: 400" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(post "$A/user.password.set" '{"ID":3}')
expect_match "no password: 400" "$out" '^400 \{"error":"BX_EMPTY_REQUIRED"'
out=$(post "$A/user.password.set" '{"ID":999,"PASSWORD":"whatever pw"}')
expect_match "an unknown user: 400 NOT_FOUND" "$out" '^400 \{"error":"NOT_FOUND"'
out=$(post "$A/user.password.set" '{"ID":"abc","PASSWORD":"whatever pw"}')
expect_match "a bad ID: 400" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(as_session "$C1" "$C1_CSRF" '{"ID":2,"PASSWORD":"bob is locked out"}')
expect_match "a user cannot set another user's password: 403" "$out" '^403 \{"error":"ACCESS_DENIED"'
out=$(post "$B/user.password.set" '{"ID":1,"PASSWORD":"admin is locked out"}')
expect_match "nor through a webhook: 403" "$out" '^403 \{"error":"ACCESS_DENIED"'
out=$(post "$H$PN/user.password.set" '{"PASSWORD":"no scope for this"}')
expect_match "a credential without the user scope: 403" "$out" '^403 \{"error":"insufficient_scope"'
out=$(req POST "$H/rest/user.password.set" "${JSON[@]}" -H "Cookie: kazi_session=$C1" \
    --data '{"PASSWORD":"carol third pw","OLD_PASSWORD":"carol second pw"}')
expect_match "a signed-in call without the CSRF header: 403" "$out" '^403 \{"error":"INVALID_CSRF_TOKEN"'
expect_eq "after the refusals the sessions are still there" "$(signed_in "$C1") $(signed_in "$C2")" "3 3"
out=$(login carol@example.com 'carol second pw')
expect_match "after the refusals the password is unchanged" "$out" '^200 '
out=$(login bob@example.com 'bob password 1')
expect_match "bob's password is unchanged" "$out" '^200 '
out=$(login admin@example.com 'admin password 1')
expect_match "the administrator's password is unchanged" "$out" '^200 '

# ---------------------------------------------------------------- the user changes their own
out=$(as_session "$C1" "$C1_CSRF" '{"PASSWORD":"carol third pw","OLD_PASSWORD":"carol second pw"}')
expect_match "own change with the right old password" "$out" '^200 \{"result":true,'
expect_eq "the caller's session stays, the other ends" "$(signed_in "$C1") $(signed_in "$C2")" "3 null"
out=$(login carol@example.com 'carol third pw')
expect_match "sign-in with the changed password" "$out" '^200 '
out=$(req GET "$B/user.password.set?PASSWORD=bob+password+2&OLD_PASSWORD=bob+password+1")
expect_match "own change through a webhook, as GET parameters" "$out" '^200 \{"result":true,'
out=$(login bob@example.com 'bob password 2')
expect_match "sign-in with it" "$out" '^200 '
out=$(post "$A/user.password.set" '{"PASSWORD":"admin password 2"}')
expect_match "an administrator changing their own also needs the old one" "$out" '^400 \{"error":"BX_EMPTY_REQUIRED"'

# ---------------------------------------------------------------- wrong old passwords throttled
for i in 1 2 3 4 5; do
    out=$(post "$B/user.password.set" "{\"PASSWORD\":\"bob guess pw\",\"OLD_PASSWORD\":\"guess $i\"}")
    [[ $out == 403* ]] || break
done
expect_match "five wrong old passwords are refused" "$out" '^403 \{"error":"INVALID_OLD_PASSWORD"'
out=$(post "$B/user.password.set" '{"PASSWORD":"bob guess pw","OLD_PASSWORD":"bob password 2"}')
expect_match "then even the right one waits" "$out" '^429 \{"error":"TOO_MANY_ATTEMPTS"'
out=$(login bob@example.com 'bob password 2')
expect_match "and the password is unchanged" "$out" '^200 '

kazi_stop
leaked=()
for pw in 'carol first pw' 'carol second pw' 'carol third pw' 'bob password 2' 'guess 1' \
    'bob guess pw' 'not my password' 'bob+password'; do
    grep -qF "$pw" "$T_DIR/stderr" "$T_DIR/stdout" && leaked+=("'$pw'")
done
lines=$(cat "$T_DIR/stderr" "$T_DIR/stdout" | wc -l)
check "the log was written (it has $lines lines to search)" test "$lines" -gt 10
expect_eq "no password is in the log" "${leaked[*]:-none}" none
t_finish
