#!/usr/bin/env bash
# Links in CRM user fields. A `crm` user field may name only records the caller can read, and
# a hidden record answers exactly as a missing one (the link rule of COMPANY_ID); a `file` user
# field takes only files this field of this record already holds, or files uploaded in the
# same call, with one answer for a missing file and another record's, so file names cannot be
# read or ids probed through it; and a file goes only when no value names it any more. Values
# someone else linked stay when the caller edits the record. Direct calls, crm.item.* and batch.
# shellcheck source=tests/api/crm_common.bash
source "$(dirname "$0")/crm_common.bash"

uf() { post "$A/crm.deal.userfield.add" "{\"fields\":$1}"; }
desc() { jqo "$1" .error_description; }
# dump: the whole database as SQL, to prove a refused call wrote nothing
dump() { sqlite3 "$DB" .dump; }
# unchanged NAME: the database is what it was at the last `mark`
mark() { BEFORE=$(dump); }
unchanged() { expect_eq "$1: nothing written" "$(dump | cksum)" "$(cksum <<<"$BEFORE")"; }
# berr OUT: "error: description" of command t of a batch reply
berr() { jqo "$1" '.result.result_error.t | "\(.error): \(.error_description)"'; }

ROLE=$(jqo "$(post "$A/role.add" '{"fields":{"NAME":"Own records","PERMISSIONS":{"*":{"READ":"own","ADD":"all","UPDATE":"own","DELETE":"own"}}}}')" .result)
expect_jq "own-records role to Bob" "$(post "$A/role.assign" "{\"ROLE_ID\":$ROLE,\"USER_ID\":2}")" .result true
expect_jq "own-records role to Cid" "$(post "$A/role.assign" "{\"ROLE_ID\":$ROLE,\"USER_ID\":3}")" .result true
expect_code "crm user field" "$(uf '{"FIELD_NAME":"LINK","USER_TYPE_ID":"crm","MULTIPLE":"Y"}')" "200 "
expect_code "file user field" "$(uf '{"FIELD_NAME":"FILE","USER_TYPE_ID":"file"}')" "200 "
expect_code "multiple file user field" "$(uf '{"FIELD_NAME":"FILES","USER_TYPE_ID":"file","MULTIPLE":"Y"}')" "200 "
BD=$(add "$B" deal '{"TITLE":"Bob deal"}')
BL=$(add "$B" lead '{"TITLE":"Bob lead"}')
CL=$(add "$C" lead '{"TITLE":"Cid lead"}')
CD=$(add "$C" deal '{"TITLE":"Cid deal","UF_CRM_FILE":{"fileData":["secret-plan.txt","c2VjcmV0"]}}')
check "records of Bob and Cid" test -n "$BD" -a -n "$BL" -a -n "$CL" -a -n "$CD"
F=$(sql "SELECT id FROM crm_file WHERE name = 'secret-plan.txt'")
check "Cid's deal holds a file" test -n "$F"

# ---------------------------------------------------------------- crm user fields
mark
out=$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_LINK\":[\"L_$CL\"]}}")
expect_code "a crm field naming a lead Bob cannot read" "$out" "400 INVALID_ARG_VALUE"
expect_eq "... is the link refusal" "$(desc "$out")" "field 'UF_CRM_LINK': lead $CL is not a record you can see"
HIDDEN_UF=$out
missing=$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_LINK\":[\"L_999999\"]}}")
expect_eq "a missing lead answers the same (but for the id)" "$(code "$missing") $(desc "$missing")" \
    "400 INVALID_ARG_VALUE field 'UF_CRM_LINK': lead 999999 is not a record you can see"
out=$(post "$B/crm.deal.add" "{\"fields\":{\"TITLE\":\"x\",\"UF_CRM_LINK\":[\"L_$BL\",\"L_$CL\"]}}")
expect_code "add with a hidden lead among visible ones" "$out" "400 INVALID_ARG_VALUE"
out=$(post "$B/crm.item.update" "{\"entityTypeId\":2,\"id\":$BD,\"fields\":{\"ufCrmLink\":[\"L_$CL\"]}}")
expect_code "crm.item.update: the same refusal" "$out" "400 INVALID_ARG_VALUE"
BATCH_UF=$(post "$B/batch" "{\"halt\":0,\"cmd\":{\"t\":\"crm.deal.update?id=$BD&fields[UF_CRM_LINK][]=L_$CL\"}}")
expect_eq "inside batch: the same refusal" "$(berr "$BATCH_UF")" \
    "INVALID_ARG_VALUE: field 'UF_CRM_LINK': lead $CL is not a record you can see"
unchanged "refused crm links"
expect_code "a lead of his own is accepted" "$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_LINK\":[\"l_$BL\"]}}")" "200 "
expect_jq "... stored as L_<id>" "$(get "$B/crm.deal.get?id=$BD")" '.result.UF_CRM_LINK | join(",")' "L_$BL"
expect_code "a value that names no entity" "$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_LINK\":[\"ZZ_1\"]}}")" "400 INVALID_ARG_VALUE"
expect_code "the administrator links Bob's deal to Cid's lead" \
    "$(post "$A/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_LINK\":[\"L_$BL\",\"L_$CL\"]}}")" "200 "
expect_code "Bob edits the deal sending the links it has" \
    "$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"TITLE\":\"Bob deal 2\",\"UF_CRM_LINK\":[\"L_$CL\",\"L_$BL\"]}}")" "200 "
expect_code "... and may drop the one he cannot read" \
    "$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_LINK\":[\"L_$BL\"]}}")" "200 "
expect_code "... but not put it back" \
    "$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_LINK\":[\"L_$BL\",\"L_$CL\"]}}")" "400 INVALID_ARG_VALUE"

# ---------------------------------------------------------------- file user fields
mark
out=$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_FILE\":$F}}")
expect_code "a file id of Cid's deal" "$out" "400 INVALID_ARG_VALUE"
expect_eq "... is refused without its name" "$(desc "$out")" "field 'UF_CRM_FILE': file $F is not a file of this record"
HIDDEN_FILE=$out
out=$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_FILE\":{\"id\":$F}}}")
expect_eq "... also as {\"id\": n}" "$out" "$HIDDEN_FILE"
out=$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_FILES\":[$F]}}")
expect_code "... and in a multiple field" "$out" "400 INVALID_ARG_VALUE"
out=$(post "$B/crm.deal.update" '{"id":'"$BD"',"fields":{"UF_CRM_FILE":999999}}')
expect_eq "a missing file answers the same (but for the id)" "$(code "$out") $(desc "$out")" \
    "400 INVALID_ARG_VALUE field 'UF_CRM_FILE': file 999999 is not a file of this record"
out=$(post "$B/crm.item.update" "{\"entityTypeId\":2,\"id\":$BD,\"fields\":{\"ufCrmFile\":$F}}")
expect_code "crm.item.update: the same refusal" "$out" "400 INVALID_ARG_VALUE"
BATCH_FILE=$(post "$B/batch" "{\"halt\":0,\"cmd\":{\"t\":\"crm.deal.update?id=$BD&fields[UF_CRM_FILE]=$F\"}}")
expect_eq "inside batch: the same refusal" "$(berr "$BATCH_FILE")" \
    "INVALID_ARG_VALUE: field 'UF_CRM_FILE': file $F is not a file of this record"
out=$(post "$A/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_FILE\":$F}}")
expect_code "not even an administrator moves a file to another record" "$out" "400 INVALID_ARG_VALUE"
unchanged "refused file ids"
post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_FILE\":\"\"}}" >/dev/null
expect_eq "clearing Bob's field leaves Cid's file alone" "$(sql "SELECT name FROM crm_file WHERE id = $F")" "secret-plan.txt"
expect_jq "Bob's deal never shows Cid's file" "$(get "$B/crm.deal.get?id=$BD")" '.result.UF_CRM_FILE | tostring' null
out=$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_FILE\":{\"fileData\":[\"mine.txt\",\"bWluZQ==\"]}}}")
expect_code "Bob uploads a file of his own" "$out" "200 "
BF=$(sql "SELECT id FROM crm_file WHERE name = 'mine.txt'")
expect_code "... and may send its id back" "$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_FILE\":$BF,\"TITLE\":\"again\"}}")" "200 "
expect_jq "... the field still holds it" "$(get "$B/crm.deal.get?id=$BD")" '.result.UF_CRM_FILE.name' mine.txt
expect_code "a multiple field: an upload next to a file it holds" \
    "$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_FILES\":[{\"fileData\":[\"one.txt\",\"MQ==\"]}]}}")" "200 "
ONE=$(sql "SELECT id FROM crm_file WHERE name = 'one.txt'")
expect_code "... keeps one and adds two" \
    "$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_FILES\":[$ONE,{\"fileData\":[\"two.txt\",\"Mg==\"]}]}}")" "200 "
expect_jq "... both listed" "$(get "$B/crm.deal.get?id=$BD")" '[.result.UF_CRM_FILES[].name] | join(",")' "one.txt,two.txt"
expect_code "moving a file from another field of the same record is refused too" \
    "$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_FILE\":$ONE}}")" "400 INVALID_ARG_VALUE"

# a file two values name (as an older kazi could store) stays until the last one goes
FID=$(sql "SELECT id FROM crm_uf WHERE field_name = 'UF_CRM_FILE' AND entity_type = 2")
sql "INSERT INTO crm_uf_value (entity_type, owner_id, field_id, value_text, value_num) VALUES (2, $BD, $FID, 'secret-plan.txt', $F)" >/dev/null
sql "DELETE FROM crm_uf_value WHERE field_id = $FID AND owner_id = $BD AND value_num = $BF" >/dev/null
post "$A/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_FILE\":\"\"}}" >/dev/null
expect_eq "clearing one of two values naming a file keeps the file" "$(sql "SELECT COUNT(*) FROM crm_file WHERE id = $F")" 1
sql "INSERT INTO crm_uf_value (entity_type, owner_id, field_id, value_text, value_num) VALUES (2, $BD, $FID, 'secret-plan.txt', $F)" >/dev/null
expect_code "deleting a record" "$(get "$A/crm.deal.delete?id=$BD")" "200 "
expect_eq "... keeps a file another record names" "$(sql "SELECT COUNT(*) FROM crm_file WHERE id = $F")" 1
expect_eq "... and drops its own" "$(sql "SELECT COUNT(*) FROM crm_file WHERE name IN ('one.txt', 'two.txt')")" 0

# ---------------------------------------------------------------- hidden and missing alike
BD=$(add "$B" deal '{"TITLE":"Bob deal 3"}')
expect_code "Cid's lead deleted" "$(get "$A/crm.lead.delete?id=$CL")" "200 "
expect_code "Cid's deal deleted" "$(get "$A/crm.deal.delete?id=$CD")" "200 "
expect_eq "Cid's file went with its deal" "$(sql "SELECT COUNT(*) FROM crm_file WHERE id = $F")" 0
out=$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_LINK\":[\"L_$CL\"]}}")
expect_eq "the lead gone, the answer is byte for byte the hidden one" "$out" "$HIDDEN_UF"
out=$(post "$B/batch" "{\"halt\":0,\"cmd\":{\"t\":\"crm.deal.update?id=$BD&fields[UF_CRM_LINK][]=L_$CL\"}}")
expect_eq "... inside batch too" "$(berr "$out")" "$(berr "$BATCH_UF")"
out=$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"UF_CRM_FILE\":$F}}")
expect_eq "the file gone, the answer is byte for byte the other record's" "$out" "$HIDDEN_FILE"
out=$(post "$B/batch" "{\"halt\":0,\"cmd\":{\"t\":\"crm.deal.update?id=$BD&fields[UF_CRM_FILE]=$F\"}}")
expect_eq "... inside batch too" "$(berr "$out")" "$(berr "$BATCH_FILE")"

t_finish
