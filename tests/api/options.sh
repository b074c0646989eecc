#!/usr/bin/env bash
# user.option.* and app.option.*: options keep their JSON type, belong to the calling user and
# application (two webhooks of one user do not share them; a signed-in browser has its own),
# null removes one, and bad input (no options, empty names, huge values, a non-admin setting
# app options) is refused with nothing written.
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

DATA=$T_DIR/data
JSON=(-H 'Content-Type: application/json')

add_user() { # EMAIL NAME [--admin]
    local email=$1 name=$2
    shift 2
    "$KAZI_BIN" user add --data "$DATA" --email "$email" --name "$name" "$@" >/dev/null 2>>"$T_DIR/cli.err"
}
post() { req POST "$1" "${JSON[@]}" --data "$2"; }

add_user admin@example.com Ada --admin
add_user bob@example.com Bob
PA=$(hook_path 1 user)
PA2=$(hook_path 1 crm)
PB=$(hook_path 2 user)
check "users and webhooks created" test -n "$PA" -a -n "$PA2" -a -n "$PB"

kazi_start --https off || { not_ok "kazi starts"; t_finish; exit 1; }
A=$HTTP_URL$PA
A2=$HTTP_URL$PA2
B=$HTTP_URL$PB

out=$(post "$A/user.option.get" '{}')
expect_match "no options at first" "$out" '^200 \{"result":\{\},'
out=$(post "$A/user.option.set" '{"options":{"filters.lead":[{"name":"Big","filter":{">=OPPORTUNITY":1000}}],"cols":"ID,TITLE","n":3}}')
expect_match "options are set" "$out" '^200 \{"result":true,'
out=$(post "$A/user.option.get" '{"option":"filters.lead"}')
expect_match "one option keeps its JSON type" "$out" '^200 \{"result":\[\{"name":"Big","filter":\{">=OPPORTUNITY":1000\}\}\],'
out=$(post "$A/user.option.get" '{}')
expect_match "all options of the caller" "$out" '^200 \{"result":\{"cols":"ID,TITLE","filters.lead":\[.*\],"n":3\},'
out=$(req GET "$A/user.option.get?option=cols")
expect_match "read with a query string" "$out" '^200 \{"result":"ID,TITLE",'
out=$(req POST "$A/user.option.set" --data 'options[cols]=ID,NAME')
expect_match "form-encoded set" "$out" '^200 \{"result":true,'
out=$(post "$A/user.option.get" '{"option":"cols"}')
expect_match "a set replaces the value" "$out" '^200 \{"result":"ID,NAME",'
out=$(post "$A/user.option.get" '{"option":"missing"}')
expect_match "an unknown option is null" "$out" '^200 \{"result":null,'

out=$(post "$B/user.option.get" '{}')
expect_match "another user does not see them" "$out" '^200 \{"result":\{\},'
out=$(post "$A2/user.option.get" '{}')
expect_match "another application of the same user does not see them" "$out" '^200 \{"result":\{\},'

out=$(post "$A/user.option.set" '{"options":{"n":null}}')
expect_match "null removes an option" "$out" '^200 \{"result":true,'
out=$(post "$A/user.option.get" '{}')
expect_match "the option is gone, others stay" "$out" '^200 \{"result":\{"cols":"ID,NAME","filters.lead":\[.*\]\},'

# ---------------------------------------------------------------- bad input changes nothing
out=$(post "$A/user.option.set" '{}')
expect_match "options are required" "$out" '^400 \{"error":"ERROR_ARGUMENT"'
out=$(post "$A/user.option.set" '{"options":"x"}')
expect_match "options must be an object" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(post "$A/user.option.set" '{"options":{"ok":1,"":2}}')
expect_match "an empty name is refused" "$out" '^400 \{"error":"INVALID_ARG_VALUE","error_description":"option names'
big=$(head -c 70000 /dev/zero | tr '\0' 'x')
out=$(post "$A/user.option.set" "{\"options\":{\"ok\":1,\"big\":\"$big\"}}")
expect_match "a huge value is refused" "$out" "^400 \\{\"error\":\"INVALID_ARG_VALUE\",\"error_description\":\"the value of option 'big'"
out=$(post "$A/user.option.get" '{}')
expect_match "nothing of the refused calls was written" "$out" '^200 \{"result":\{"cols":"ID,NAME","filters.lead":\[.*\]\},'
many=$(seq 1 501 | sed 's/.*/"k&":1/' | paste -sd,)
out=$(post "$A/user.option.set" "{\"options\":{$many}}")
expect_match "more than 500 options are refused" "$out" '^400 \{"error":"OPTION_LIMIT"'
out=$(post "$A/user.option.get" '{"option":"k1"}')
expect_match "and none of them was written" "$out" '^200 \{"result":null,'

# ---------------------------------------------------------------- application-wide options
out=$(post "$A/app.option.set" '{"options":{"theme":"dark"}}')
expect_match "an administrator sets an app option" "$out" '^200 \{"result":true,'
out=$(post "$A/app.option.get" '{"option":"theme"}')
expect_match "app option read back" "$out" '^200 \{"result":"dark",'
out=$(post "$A/user.option.get" '{"option":"theme"}')
expect_match "app options are not user options" "$out" '^200 \{"result":null,'
out=$(post "$B/app.option.set" '{"options":{"theme":"light"}}')
expect_match "a user who is not an administrator cannot set app options" "$out" '^403 '

kazi_stop
t_finish
