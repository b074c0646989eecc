# Shared set-up of the CRM API suites (sourced by tests/api/crm_*.sh; not a suite itself):
# an administrator (user 1) and two ordinary users (2, 3) with crm webhooks, a started kazi
# and request helpers built on lib.sh.
# shellcheck shell=bash source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

DATA=$T_DIR/data
DB=$DATA/kazi.db
JSON=(-H 'Content-Type: application/json')

"$KAZI_BIN" user add --data "$DATA" --email admin@example.com --name Ada --last-name Admin \
    --admin >/dev/null 2>>"$T_DIR/cli.err"
"$KAZI_BIN" user add --data "$DATA" --email bob@example.com --name Bob --last-name Seller \
    >/dev/null 2>>"$T_DIR/cli.err"
"$KAZI_BIN" user add --data "$DATA" --email cid@example.com --name Cid --last-name Other \
    >/dev/null 2>>"$T_DIR/cli.err"
PA=$(hook_path 1 crm,user)
PB=$(hook_path 2 crm)
PC=$(hook_path 3 crm)
PN=$(hook_path 2 user)
check "webhooks created" test -n "$PA" -a -n "$PB" -a -n "$PC" -a -n "$PN"

kazi_start --https off || {
    not_ok "kazi starts"
    t_finish
    exit 1
}
A=$HTTP_URL$PA # administrator
B=$HTTP_URL$PB # Bob
C=$HTTP_URL$PC # Cid
N=$HTTP_URL$PN # Bob without the crm scope

# get URL: GET with brackets left alone; post URL JSON: POST a JSON body. Both print
# "STATUS BODY".
get() { req GET "$1" -g; }
post() { req POST "$1" "${JSON[@]}" --data "$2"; }
# jqo OUT FILTER: jq (raw output) on the body of "STATUS BODY"
jqo() { jq -r "$2" <<<"${1#* }" 2>/dev/null; }
# code OUT: "STATUS ERROR" of a reply, e.g. "400 INVALID_ARG_VALUE", or "200 " on success
code() { echo "${1%% *} $(jqo "$1" '.error // ""')"; }
# expect_code NAME OUT "STATUS CODE"
expect_code() { expect_eq "$1" "$(code "$2")" "$3"; }
# expect_jq NAME OUT FILTER EXPECTED: the raw jq value of the body
expect_jq() { expect_eq "$1" "$(jqo "$2" "$3")" "$4"; }
# add BASE ENTITY JSON-FIELDS: adds a record and prints its id
add() { jqo "$(post "$1/crm.$2.add" "{\"fields\":$3}")" '.result'; }
# count ENTITY: rows in the entity's table (read directly, so no permission narrows it)
count() { sqlite3 "$DB" "SELECT COUNT(*) FROM crm_$1"; }
# sql QUERY: one value from the database
sql() { sqlite3 "$DB" "$1"; }
