#!/usr/bin/env bash
# The timeline: crm.timeline.comment.* (add/get/list/update/delete/fields) and the kazi method
# crm.timeline.list (every row of a record newest first: creation, field changes with old and
# new values, stage moves, comments, activities; paging). Bad input is a 400 with a code and
# writes nothing; reading needs READ on the record, commenting UPDATE.
# shellcheck source=tests/api/crm_common.bash
source "$(dirname "$0")/crm_common.bash"

snapshot() { sql "SELECT COUNT(*) || '/' || COALESCE(MAX(id), 0) || '/' || COALESCE(SUM(LENGTH(data)), 0) FROM crm_timeline"; }
refused() {
    expect_code "$1" "$2" "$3"
    expect_eq "$1: nothing written" "$(snapshot)" "$SNAP"
}

D=$(add "$A" deal '{"TITLE":"Timeline deal","OPPORTUNITY":100}')
L=$(add "$A" lead '{"TITLE":"Timeline lead"}')
sleep 1 # the rows below are newer than the creation
expect_code "update title" "$(post "$A/crm.deal.update" "{\"id\":$D,\"fields\":{\"TITLE\":\"Renamed deal\"}}")" "200 "
expect_code "move stage" "$(post "$A/crm.deal.update" "{\"id\":$D,\"fields\":{\"STAGE_ID\":\"PREPARATION\"}}")" "200 "

# ---------------------------------------------------------------- comments
out=$(post "$A/crm.timeline.comment.add" "{\"fields\":{\"ENTITY_TYPE\":\"deal\",\"ENTITY_ID\":$D,\"COMMENT\":\"First note\"}}")
expect_code "comment.add" "$out" "200 "
C1=$(jqo "$out" .result)
expect_jq "comment.add answers an integer id" "$out" '.result | type' number
out=$(get "$A/crm.timeline.comment.get?id=$C1")
expect_jq "comment.get" "$out" '.result | .ID + "/" + .ENTITY_ID + "/" + .ENTITY_TYPE + "/" + .COMMENT + "/" + .AUTHOR_ID' "$C1/$D/deal/First note/1"
check "comment.get: CREATED is ISO 8601" test -n "$(jqo "$out" '.result.CREATED | select(test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T"))')"
C2=$(jqo "$(get "$A/crm.timeline.comment.add?fields[ENTITY_TYPE]=DEAL&fields[ENTITY_ID]=$D&fields[COMMENT]=Second&fields[AUTHOR_ID]=2")" .result)
expect_jq "comment.add: form encoding, AUTHOR_ID" "$(get "$A/crm.timeline.comment.get?id=$C2")" '.result.AUTHOR_ID' 2
C3=$(jqo "$(post "$A/crm.timeline.comment.add" "{\"fields\":{\"ENTITY_TYPE\":\"lead\",\"ENTITY_ID\":$L,\"COMMENT\":\"On the lead\"}}")" .result)
out=$(get "$A/crm.timeline.comment.list?filter[ENTITY_TYPE]=deal&filter[ENTITY_ID]=$D")
expect_jq "comment.list: the deal's comments" "$out" '[.result[].ID] | join(",")' "$C1,$C2"
expect_jq "comment.list: total" "$out" .total 2
out=$(post "$A/crm.timeline.comment.list" "{\"filter\":{\"ENTITY_TYPE\":\"deal\",\"ENTITY_ID\":$D,\"AUTHOR_ID\":2},\"select\":[\"ID\",\"COMMENT\"]}")
expect_jq "comment.list: filter and select" "$out" '[.result[] | .ID + ":" + .COMMENT + ":" + (keys | join(" "))] | join(",")' "$C2:Second:COMMENT ID"
expect_jq "comment.list: order ID DESC" "$(post "$A/crm.timeline.comment.list" "{\"filter\":{\"ENTITY_TYPE\":\"deal\",\"ENTITY_ID\":$D},\"order\":{\"ID\":\"DESC\"}}")" '[.result[].ID] | join(",")' "$C2,$C1"
expect_jq "comment.update" "$(post "$A/crm.timeline.comment.update" "{\"id\":$C1,\"fields\":{\"COMMENT\":\"Edited note\"}}")" .result true
expect_jq "comment.update: text changed" "$(get "$A/crm.timeline.comment.get?id=$C1")" .result.COMMENT "Edited note"
expect_jq "comment.fields" "$(get "$A/crm.timeline.comment.fields")" '.result.COMMENT.isRequired' true
check "comment on the lead" test -n "$C3"

# ---------------------------------------------------------------- crm.timeline.list
out=$(get "$A/crm.timeline.list?entityTypeId=2&entityId=$D")
expect_jq "timeline.list: newest first" "$out" '[.result[].type] | join(",")' "comment,comment,stage_changed,field_changed,created"
expect_jq "timeline.list: field change with old and new" "$out" '.result[] | select(.type == "field_changed") | .data.field + ":" + .data.old + "->" + .data.new' "TITLE:Timeline deal->Renamed deal"
expect_jq "timeline.list: stage move" "$out" '.result[] | select(.type == "stage_changed") | .data.old + "->" + .data.new + " " + .data.semantic' "NEW->PREPARATION P"
expect_jq "timeline.list: comment data" "$out" '.result[0].data.comment' "Second"
expect_jq "timeline.list: row shape" "$out" '.result[0] | keys | join(",")' "authorId,created,data,entityId,entityTypeId,id,type"
expect_jq "timeline.list: total" "$out" .total 5
expect_jq "timeline.list: ENTITY_TYPE names work" "$(get "$A/crm.timeline.list?ENTITY_TYPE=lead&ENTITY_ID=$L")" '[.result[].type] | join(",")' "comment,created"
for i in $(seq 1 50); do echo "{\"ENTITY_TYPE\":\"lead\",\"ENTITY_ID\":$L,\"COMMENT\":\"c$i\"}"; done >"$T_DIR/comments"
out=$(post "$A/batch" "{\"cmd\":{$(n=0; while read -r f; do n=$((n + 1)); printf '%s"c%d":"crm.timeline.comment.add?%s"' "$([ $n -gt 1 ] && echo ,)" "$n" "$(jq -r 'to_entries | map("fields[\(.key)]=\(.value)") | join("&")' <<<"$f")"; done <"$T_DIR/comments")}}")
expect_jq "50 comments in a batch" "$out" '.result.result | length' 50
out=$(get "$A/crm.timeline.list?entityTypeId=1&entityId=$L")
expect_jq "timeline.list: a page of 50 with next" "$out" '"\(.result | length)/\(.next)/\(.total)"' "50/50/52"
expect_jq "timeline.list: newest is the last comment" "$out" '.result[0].data.comment' "c50"
expect_jq "timeline.list: second page" "$(get "$A/crm.timeline.list?entityTypeId=1&entityId=$L&start=50")" '[.result[].type] | join(",")' "comment,created"

# ---------------------------------------------------------------- bad input
SNAP=$(snapshot)
refused "comment without COMMENT" "$(post "$A/crm.timeline.comment.add" "{\"fields\":{\"ENTITY_TYPE\":\"deal\",\"ENTITY_ID\":$D}}")" "400 BX_EMPTY_REQUIRED"
refused "comment with an unknown ENTITY_TYPE" "$(post "$A/crm.timeline.comment.add" "{\"fields\":{\"ENTITY_TYPE\":\"order\",\"ENTITY_ID\":$D,\"COMMENT\":\"x\"}}")" "400 INVALID_ARG_VALUE"
refused "comment on a missing record" "$(post "$A/crm.timeline.comment.add" '{"fields":{"ENTITY_TYPE":"deal","ENTITY_ID":999,"COMMENT":"x"}}')" "400 INVALID_ARG_VALUE"
refused "comment with a bad ENTITY_ID" "$(post "$A/crm.timeline.comment.add" '{"fields":{"ENTITY_TYPE":"deal","ENTITY_ID":"abc","COMMENT":"x"}}')" "400 INVALID_ARG_VALUE"
refused "comment by an unknown author" "$(post "$A/crm.timeline.comment.add" "{\"fields\":{\"ENTITY_TYPE\":\"deal\",\"ENTITY_ID\":$D,\"COMMENT\":\"x\",\"AUTHOR_ID\":99}}")" "400 INVALID_ARG_VALUE"
refused "fields must be an object" "$(post "$A/crm.timeline.comment.add" '{"fields":"x"}')" "400 INVALID_ARG_VALUE"
refused "update to an empty comment" "$(post "$A/crm.timeline.comment.update" "{\"id\":$C1,\"fields\":{\"COMMENT\":\"\"}}")" "400 BX_EMPTY_REQUIRED"
CREATED_ROW=$(sql "SELECT id FROM crm_timeline WHERE type='created' AND owner_type=2 AND owner_id=$D")
refused "a history row is not a comment" "$(get "$A/crm.timeline.comment.get?id=$CREATED_ROW")" "400 NOT_FOUND"
refused "delete of a history row" "$(get "$A/crm.timeline.comment.delete?id=$CREATED_ROW")" "400 NOT_FOUND"
refused "comment.list without the record" "$(get "$A/crm.timeline.comment.list?filter[ENTITY_TYPE]=deal")" "400 INVALID_ARG_VALUE"
refused "comment.list: unknown filter field" "$(post "$A/crm.timeline.comment.list" "{\"filter\":{\"ENTITY_TYPE\":\"deal\",\"ENTITY_ID\":$D,\"NOPE\":1}}")" "400 INVALID_ARG_VALUE"
refused "timeline.list without entityId" "$(get "$A/crm.timeline.list?entityTypeId=2")" "400 INVALID_ARG_VALUE"
refused "timeline.list of an unknown type" "$(get "$A/crm.timeline.list?entityTypeId=99&entityId=1")" "400 INVALID_ARG_VALUE"
refused "timeline.list of a missing record" "$(get "$A/crm.timeline.list?entityTypeId=2&entityId=999")" "400 NOT_FOUND"

# ---------------------------------------------------------------- permissions
ROLE=$(jqo "$(post "$A/role.add" '{"fields":{"NAME":"Own deals","PERMISSIONS":{"*":{"READ":"all","ADD":"all","UPDATE":"all","DELETE":"all"},"crm_deal":{"READ":"own","ADD":"all","UPDATE":"own","DELETE":"own"},"crm_lead":{"READ":"all","ADD":"all","UPDATE":"none","DELETE":"none"}}}}')" .result)
expect_jq "role assigned to Bob" "$(post "$A/role.assign" "{\"ROLE_ID\":$ROLE,\"USER_ID\":2}")" .result true
DBOB=$(add "$A" deal '{"TITLE":"Bob deal","ASSIGNED_BY_ID":2}')
SNAP=$(snapshot)
refused "READ=own: timeline of another's deal" "$(get "$B/crm.timeline.list?entityTypeId=2&entityId=$D")" "403 ACCESS_DENIED"
refused "READ=own: comment.get on another's deal" "$(get "$B/crm.timeline.comment.get?id=$C1")" "403 ACCESS_DENIED"
refused "READ=own: comment.list on another's deal" "$(get "$B/crm.timeline.comment.list?filter[ENTITY_TYPE]=deal&filter[ENTITY_ID]=$D")" "403 ACCESS_DENIED"
refused "UPDATE=own: comment on another's deal (hidden: a link refusal)" "$(post "$B/crm.timeline.comment.add" "{\"fields\":{\"ENTITY_TYPE\":\"deal\",\"ENTITY_ID\":$D,\"COMMENT\":\"x\"}}")" "400 INVALID_ARG_VALUE"
refused "UPDATE=own: edit a comment on another's deal" "$(post "$B/crm.timeline.comment.update" "{\"id\":$C1,\"fields\":{\"COMMENT\":\"x\"}}")" "403 ACCESS_DENIED"
refused "UPDATE=own: delete a comment on another's deal" "$(get "$B/crm.timeline.comment.delete?id=$C1")" "403 ACCESS_DENIED"
refused "UPDATE=none on leads: comment on a readable lead" "$(post "$B/crm.timeline.comment.add" "{\"fields\":{\"ENTITY_TYPE\":\"lead\",\"ENTITY_ID\":$L,\"COMMENT\":\"x\"}}")" "403 ACCESS_DENIED"
expect_jq "READ=all on leads: Bob reads the lead's timeline" "$(get "$B/crm.timeline.list?entityTypeId=1&entityId=$L&start=-1")" '.result | length' 50
out=$(post "$B/crm.timeline.comment.add" "{\"fields\":{\"ENTITY_TYPE\":\"deal\",\"ENTITY_ID\":$DBOB,\"COMMENT\":\"Bob's note\"}}")
expect_code "UPDATE=own: comment on an own deal" "$out" "200 "
expect_jq "Bob's comment is his" "$(get "$B/crm.timeline.comment.get?id=$(jqo "$out" .result)")" .result.AUTHOR_ID 2

# ---------------------------------------------------------------- delete
expect_jq "comment.delete" "$(get "$A/crm.timeline.comment.delete?id=$C2")" .result true
expect_code "get of a deleted comment" "$(get "$A/crm.timeline.comment.get?id=$C2")" "400 NOT_FOUND"
expect_code "delete the deal" "$(get "$A/crm.deal.delete?id=$D")" "200 "
expect_code "its comments go with it" "$(get "$A/crm.timeline.comment.get?id=$C1")" "400 NOT_FOUND"

t_finish
