#!/usr/bin/env bash
# Activities (crm.activity.*): add/get/list/update/delete/fields and todo.add on deals and
# contacts, communications and bindings, derived fields (STATUS, DEADLINE, provider), timeline
# rows and LAST_ACTIVITY_* of the owner, deletion with the owner; bad input is a 400 with a
# code and writes nothing; permissions follow the owner record (READ=own on deals narrows the
# list and refuses others' activities).
# shellcheck source=tests/api/crm_common.bash
source "$(dirname "$0")/crm_common.bash"

# snapshot: the activity tables and the timeline, to compare around refused calls
snapshot() {
    sql "SELECT (SELECT COUNT(*) FROM crm_activity) || '/' || (SELECT COUNT(*) FROM crm_activity_comm)
        || '/' || (SELECT COUNT(*) FROM crm_activity_binding) || '/' || (SELECT COUNT(*) FROM crm_timeline)
        || '/' || (SELECT COALESCE(MAX(last_updated), 0) FROM crm_activity)"
}
refused() {
    expect_code "$1" "$2" "$3"
    expect_eq "$1: nothing written" "$(snapshot)" "$SNAP"
}

CT=$(add "$A" contact '{"NAME":"Carla","LAST_NAME":"Client","PHONE":[{"VALUE":"+49 30 555"}]}')
D1=$(add "$A" deal "{\"TITLE\":\"Deal one\",\"CONTACT_ID\":$CT}")

# ---------------------------------------------------------------- happy paths
out=$(post "$A/crm.activity.add" "{\"fields\":{\"OWNER_TYPE_ID\":2,\"OWNER_ID\":$D1,\"TYPE_ID\":2,
  \"SUBJECT\":\"First call\",\"START_TIME\":\"2024-06-01T10:00:00+00:00\",\"DIRECTION\":2,
  \"COMMUNICATIONS\":[{\"VALUE\":\"+49 30 555\",\"TYPE\":\"PHONE\",\"ENTITY_TYPE_ID\":3,\"ENTITY_ID\":$CT}]}}")
expect_code "add a call" "$out" "200 "
A1=$(jqo "$out" .result)
out=$(get "$A/crm.activity.get?id=$A1")
expect_jq "get: subject" "$out" .result.SUBJECT "First call"
expect_jq "get: ids are strings" "$out" '.result.OWNER_ID | type' string
expect_jq "get: provider defaults for a call" "$out" '.result.PROVIDER_ID + "/" + .result.PROVIDER_TYPE_ID' "VOXIMPLANT_CALL/CALL"
expect_jq "get: deadline of a call is its start" "$out" .result.DEADLINE "$(jqo "$out" .result.START_TIME)"
expect_jq "get: open, waiting" "$out" '.result.COMPLETED + .result.STATUS' "N1"
expect_jq "get: responsible defaults to the caller" "$out" .result.RESPONSIBLE_ID 1
expect_jq "get: communications" "$out" '.result.COMMUNICATIONS[0] | .TYPE + " " + .VALUE + " " + .ENTITY_TYPE_ID + ":" + .ENTITY_ID' "PHONE +49 30 555 3:$CT"
expect_jq "get: bound to the deal and the contact" "$out" '[.result.BINDINGS[] | .OWNER_TYPE_ID + ":" + .OWNER_ID] | join(",")' "2:$D1,3:$CT"
expect_jq "deal: LAST_ACTIVITY_BY" "$(get "$A/crm.deal.get?id=$D1")" .result.LAST_ACTIVITY_BY 1
check "deal: LAST_ACTIVITY_TIME set" test -n "$(jqo "$(get "$A/crm.deal.get?id=$D1")" .result.LAST_ACTIVITY_TIME)"

A2=$(jqo "$(post "$A/crm.activity.add" "{\"fields\":{\"OWNER_TYPE_ID\":3,\"OWNER_ID\":$CT,\"TYPE_ID\":1,\"SUBJECT\":\"Meeting\",\"START_TIME\":\"2024-05-01T09:00:00+00:00\",\"END_TIME\":\"2024-05-01T10:00:00+00:00\",\"PRIORITY\":3}}")" .result)
out=$(get "$A/crm.activity.todo.add?ownerTypeId=2&ownerId=$D1&deadline=2024-07-01T12:00:00%2B00:00&title=Send%20offer")
expect_jq "todo.add answers {id}" "$out" '.result.id | type' number
A3=$(jqo "$out" .result.id)
expect_jq "todo: type 6, provider CRM_TODO" "$(get "$A/crm.activity.get?id=$A3")" '.result.TYPE_ID + .result.PROVIDER_ID + .result.SUBJECT' "6CRM_TODOSend offer"

out=$(get "$A/crm.activity.list")
expect_jq "list: default order START_TIME" "$out" '[.result[].ID] | join(",")' "$A2,$A1,$A3"
expect_jq "list: total" "$out" .total 3
expect_jq "list: no communications unless selected" "$out" '.result[0] | has("COMMUNICATIONS")' false
out=$(post "$A/crm.activity.list" "{\"filter\":{\"OWNER_TYPE_ID\":2,\"OWNER_ID\":$D1},\"order\":{\"ID\":\"DESC\"},\"select\":[\"ID\",\"SUBJECT\",\"COMMUNICATIONS\"]}")
expect_jq "list: filter by owner, order, select" "$out" '[.result[] | .ID + ":" + .SUBJECT] | join(",")' "$A3:Send offer,$A1:First call"
expect_jq "list: selected communications" "$out" '.result[1].COMMUNICATIONS[0].VALUE' "+49 30 555"
expect_jq "list: select keeps only what was asked" "$out" '.result[0] | keys | join(",")' "COMMUNICATIONS,ID,SUBJECT"
out=$(post "$A/crm.activity.list" "{\"filter\":{\"BINDINGS\":[{\"OWNER_TYPE_ID\":3,\"OWNER_ID\":$CT}]},\"select\":[\"ID\"]}")
expect_jq "list: BINDINGS filter finds activities shown on the contact" "$out" '[.result[].ID] | join(",")' "$A2,$A1"
expect_jq "list: >=PRIORITY" "$(post "$A/crm.activity.list" '{"filter":{">=PRIORITY":3}}')" '[.result[].ID] | join(",")' "$A2"

expect_code "update: complete" "$(post "$A/crm.activity.update" "{\"id\":$A1,\"fields\":{\"COMPLETED\":\"Y\",\"SUBJECT\":\"First call (done)\",\"OWNER_ID\":999}}")" "200 "
out=$(get "$A/crm.activity.get?id=$A1")
expect_jq "update: completed, status 2" "$out" '.result.COMPLETED + .result.STATUS' "Y2"
expect_jq "update: OWNER_ID is immutable" "$out" .result.OWNER_ID "$D1"
expect_jq "update: communications kept" "$out" '.result.COMMUNICATIONS | length' 1
out=$(get "$A/crm.timeline.list?entityTypeId=2&entityId=$D1")
expect_jq "timeline: added and completed rows on the deal" "$out" "[.result[] | select(.refType == \"activity\" and .refId == $A1) | .data.action] | join(\",\")" "completed,added"
expect_jq "timeline: rows follow the activity's subject" "$out" "[.result[] | select(.refId == $A1) | .data.subject] | unique | join(\",\")" "First call (done)"
expect_jq "timeline: the contact shows the call too" "$(get "$A/crm.timeline.list?entityTypeId=3&entityId=$CT")" "[.result[] | select(.refId == $A1) | .data.action] | join(\",\")" "completed,added"

out=$(get "$A/crm.activity.fields")
expect_jq "fields: OWNER_TYPE_ID required and immutable" "$out" '.result.OWNER_TYPE_ID | "\(.isRequired)/\(.isImmutable)"' "true/true"
expect_jq "fields: COMMUNICATIONS multiple" "$out" .result.COMMUNICATIONS.isMultiple true
expect_jq "communication.fields" "$(get "$A/crm.activity.communication.fields")" '.result | keys | length' 5

expect_code "delete" "$(get "$A/crm.activity.delete?id=$A3")" "200 "
expect_code "get after delete" "$(get "$A/crm.activity.get?id=$A3")" "400 NOT_FOUND"
expect_eq "delete: its timeline rows go" "$(sql "SELECT COUNT(*) FROM crm_timeline WHERE ref_type='activity' AND ref_id=$A3")" 0

# ---------------------------------------------------------------- bad input
SNAP=$(snapshot)
refused "missing OWNER_ID" "$(post "$A/crm.activity.add" '{"fields":{"OWNER_TYPE_ID":2,"TYPE_ID":2}}')" "400 BX_EMPTY_REQUIRED"
refused "TYPE_ID out of range" "$(post "$A/crm.activity.add" "{\"fields\":{\"OWNER_TYPE_ID\":2,\"OWNER_ID\":$D1,\"TYPE_ID\":9}}")" "400 INVALID_ARG_VALUE"
refused "owner that does not exist" "$(post "$A/crm.activity.add" '{"fields":{"OWNER_TYPE_ID":2,"OWNER_ID":999,"TYPE_ID":2}}')" "400 INVALID_ARG_VALUE"
refused "unknown owner type" "$(post "$A/crm.activity.add" "{\"fields\":{\"OWNER_TYPE_ID\":99,\"OWNER_ID\":$D1,\"TYPE_ID\":2}}")" "400 INVALID_ARG_VALUE"
refused "bad START_TIME" "$(post "$A/crm.activity.add" "{\"fields\":{\"OWNER_TYPE_ID\":2,\"OWNER_ID\":$D1,\"TYPE_ID\":2,\"START_TIME\":\"soon\"}}")" "400 INVALID_ARG_VALUE"
refused "unknown responsible" "$(post "$A/crm.activity.add" "{\"fields\":{\"OWNER_TYPE_ID\":2,\"OWNER_ID\":$D1,\"TYPE_ID\":2,\"RESPONSIBLE_ID\":77}}")" "400 INVALID_ARG_VALUE"
refused "communication naming a missing record" "$(post "$A/crm.activity.add" "{\"fields\":{\"OWNER_TYPE_ID\":2,\"OWNER_ID\":$D1,\"TYPE_ID\":2,\"COMMUNICATIONS\":[{\"VALUE\":\"x\",\"ENTITY_TYPE_ID\":3,\"ENTITY_ID\":999}]}}")" "400 INVALID_ARG_VALUE"
refused "communication with a bad TYPE" "$(post "$A/crm.activity.add" "{\"fields\":{\"OWNER_TYPE_ID\":2,\"OWNER_ID\":$D1,\"TYPE_ID\":2,\"COMMUNICATIONS\":[{\"VALUE\":\"x\",\"TYPE\":\"FAX\"}]}}")" "400 INVALID_ARG_VALUE"
refused "fields must be an object" "$(post "$A/crm.activity.add" '{"fields":"x"}')" "400 INVALID_ARG_VALUE"
refused "update of a missing id" "$(post "$A/crm.activity.update" '{"id":999,"fields":{"SUBJECT":"x"}}')" "400 NOT_FOUND"
refused "update with a bad PRIORITY" "$(post "$A/crm.activity.update" "{\"id\":$A1,\"fields\":{\"PRIORITY\":7}}")" "400 INVALID_ARG_VALUE"
refused "get without id" "$(get "$A/crm.activity.get")" "400 INVALID_ARG_VALUE"
refused "todo.add without deadline" "$(get "$A/crm.activity.todo.add?ownerTypeId=2&ownerId=$D1")" "400 BX_EMPTY_REQUIRED"
refused "list: unknown filter field" "$(post "$A/crm.activity.list" '{"filter":{"NOPE":1}}')" "400 INVALID_ARG_VALUE"
refused "list: BINDINGS without a type" "$(post "$A/crm.activity.list" '{"filter":{"BINDINGS":[{"OWNER_ID":1}]}}')" "400 INVALID_ARG_VALUE"

# ---------------------------------------------------------------- permissions
out=$(post "$A/role.add" '{"fields":{"NAME":"Own deals","PERMISSIONS":{"*":{"READ":"all","ADD":"all","UPDATE":"all","DELETE":"all"},"crm_deal":{"READ":"own","ADD":"all","UPDATE":"own","DELETE":"own"},"crm_contact":{"READ":"none","ADD":"none","UPDATE":"none","DELETE":"none"}}}}')
ROLE=$(jqo "$out" .result)
expect_jq "role assigned to Bob" "$(post "$A/role.assign" "{\"ROLE_ID\":$ROLE,\"USER_ID\":2}")" .result true
DBOB=$(add "$A" deal '{"TITLE":"Bob deal","ASSIGNED_BY_ID":2}')
DCID=$(add "$A" deal '{"TITLE":"Cid deal","ASSIGNED_BY_ID":3}')
AB=$(jqo "$(post "$A/crm.activity.add" "{\"fields\":{\"OWNER_TYPE_ID\":2,\"OWNER_ID\":$DBOB,\"TYPE_ID\":6,\"SUBJECT\":\"Bob todo\"}}")" .result)
AC=$(jqo "$(post "$A/crm.activity.add" "{\"fields\":{\"OWNER_TYPE_ID\":2,\"OWNER_ID\":$DCID,\"TYPE_ID\":6,\"SUBJECT\":\"Cid todo\"}}")" .result)
SNAP=$(snapshot)
out=$(post "$B/crm.activity.list" '{"select":["ID"],"order":{"ID":"ASC"}}')
expect_jq "READ=own: Bob lists only activities of his deals" "$out" '[.result[].ID] | join(",")' "$AB"
expect_jq "READ=own: total counts only them" "$out" .total 1
expect_jq "READ=own: Cid (default role) sees them all" "$(get "$C/crm.activity.list")" .total 4
expect_code "READ=own: get of an activity on another's deal" "$(get "$B/crm.activity.get?id=$AC")" "403 ACCESS_DENIED"
expect_code "READ=none on contacts: get of a contact's activity" "$(get "$B/crm.activity.get?id=$A2")" "403 ACCESS_DENIED"
expect_jq "READ=own: get of an own one" "$(get "$B/crm.activity.get?id=$AB")" .result.SUBJECT "Bob todo"
refused "UPDATE=own: add on another's deal (hidden: a link refusal)" "$(post "$B/crm.activity.add" "{\"fields\":{\"OWNER_TYPE_ID\":2,\"OWNER_ID\":$DCID,\"TYPE_ID\":6}}")" "400 INVALID_ARG_VALUE"
refused "UPDATE=own: update of another's" "$(post "$B/crm.activity.update" "{\"id\":$AC,\"fields\":{\"SUBJECT\":\"mine\"}}")" "403 ACCESS_DENIED"
refused "UPDATE=own: delete of another's" "$(get "$B/crm.activity.delete?id=$AC")" "403 ACCESS_DENIED"
refused "binding a contact Bob may not read" "$(post "$B/crm.activity.add" "{\"fields\":{\"OWNER_TYPE_ID\":2,\"OWNER_ID\":$DBOB,\"TYPE_ID\":2,\"COMMUNICATIONS\":[{\"VALUE\":\"1\",\"ENTITY_TYPE_ID\":3,\"ENTITY_ID\":$CT}]}}")" "400 INVALID_ARG_VALUE"
expect_code "UPDATE=own: add on an own deal" "$(post "$B/crm.activity.add" "{\"fields\":{\"OWNER_TYPE_ID\":2,\"OWNER_ID\":$DBOB,\"TYPE_ID\":6,\"SUBJECT\":\"second\"}}")" "200 "
expect_jq "the author is Bob" "$(post "$B/crm.activity.list" '{"filter":{"SUBJECT":"second"}}')" '.result[0].AUTHOR_ID' 2
expect_code "no crm scope" "$(get "$N/crm.activity.list")" "403 insufficient_scope"

# ---------------------------------------------------------------- the owner goes
expect_code "delete the deal" "$(get "$A/crm.deal.delete?id=$D1")" "200 "
expect_eq "its activities go with it" "$(sql "SELECT COUNT(*) FROM crm_activity WHERE owner_type_id=2 AND owner_id=$D1")" 0
expect_eq "and their bindings and rows elsewhere" "$(sql "SELECT COUNT(*) FROM crm_activity_binding WHERE activity_id=$A1") $(sql "SELECT COUNT(*) FROM crm_timeline WHERE ref_type='activity' AND ref_id=$A1")" "0 0"
expect_jq "the contact's own activity stays" "$(get "$A/crm.activity.get?id=$A2")" .result.SUBJECT Meeting

t_finish
