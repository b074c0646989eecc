#!/usr/bin/env bash
# Bad input and permissions: every refusal is a 4xx with a non-empty code and leaves the
# tables as they were (counts and values checked before and after); a role with READ=own on
# deals narrows lists (and lists inside batch) and single reads to the user's own deals, a
# role with ADD=none gets 403 ACCESS_DENIED on add with nothing written; scopes are enforced.
# shellcheck source=tests/api/crm_common.bash
source "$(dirname "$0")/crm_common.bash"

# snapshot: every CRM table's row count, to compare around refused calls
snapshot() {
    sql "SELECT (SELECT COUNT(*) FROM crm_lead) || '/' || (SELECT COUNT(*) FROM crm_deal) || '/' ||
        (SELECT COUNT(*) FROM crm_contact) || '/' || (SELECT COUNT(*) FROM crm_company) || '/' ||
        (SELECT COUNT(*) FROM crm_fm) || '/' || (SELECT COUNT(*) FROM crm_binding) || '/' ||
        (SELECT COUNT(*) FROM crm_timeline) || '/' || (SELECT COUNT(*) FROM crm_uf_value) || '/' ||
        (SELECT MAX(date_modify) FROM crm_deal)"
}
# refused NAME OUT "STATUS CODE": the code matches and nothing changed since the last snapshot
refused() {
    expect_code "$1" "$2" "$3"
    expect_eq "$1: nothing written" "$(snapshot)" "$SNAP"
}

L1=$(add "$A" lead '{"TITLE":"Lead","PHONE":[{"VALUE":"1"}]}')
CT=$(add "$A" contact '{"NAME":"Con"}')
D1=$(add "$A" deal "{\"TITLE\":\"Mine\",\"CONTACT_ID\":$CT}")
sleep 1
SNAP=$(snapshot)

# ---------------------------------------------------------------- bad input
refused "add with a wrong type names the field" "$(post "$A/crm.deal.add" '{"fields":{"TITLE":"x","OPPORTUNITY":"lots"}}')" "400 INVALID_ARG_VALUE"
expect_match "message names OPPORTUNITY" "$(jqo "$(post "$A/crm.deal.add" '{"fields":{"OPPORTUNITY":"lots"}}')" .error_description)" "OPPORTUNITY"
refused "update with a wrong type" "$(post "$A/crm.deal.update" "{\"id\":$D1,\"fields\":{\"TITLE\":\"changed\",\"PROBABILITY\":\"half\"}}")" "400 INVALID_ARG_VALUE"
expect_jq "the valid part of a refused update is not applied" "$(get "$A/crm.deal.get?id=$D1")" '.result.TITLE' Mine
refused "bad date" "$(post "$A/crm.deal.update" "{\"id\":$D1,\"fields\":{\"BEGINDATE\":\"31.02.2024\"}}")" "400 INVALID_ARG_VALUE"
refused "bad Y/N" "$(post "$A/crm.deal.update" "{\"id\":$D1,\"fields\":{\"OPENED\":\"maybe\"}}")" "400 INVALID_ARG_VALUE"
refused "object where a value belongs" "$(post "$A/crm.deal.update" "{\"id\":$D1,\"fields\":{\"TITLE\":{\"a\":1}}}")" "400 INVALID_ARG_VALUE"
refused "missing required field" "$(post "$A/crm.company.add" '{"fields":{"PHONE":[{"VALUE":"5"}]}}')" "400 BX_EMPTY_REQUIRED"
refused "unknown responsible user" "$(post "$A/crm.deal.add" '{"fields":{"ASSIGNED_BY_ID":999}}')" "400 INVALID_ARG_VALUE"
refused "link to a missing company" "$(post "$A/crm.deal.add" '{"fields":{"COMPANY_ID":999}}')" "400 INVALID_ARG_VALUE"
refused "CONTACT_IDS with a missing contact" "$(post "$A/crm.deal.add" "{\"fields\":{\"CONTACT_IDS\":[$CT,999]}}")" "400 INVALID_ARG_VALUE"
refused "unknown dictionary value" "$(post "$A/crm.deal.add" '{"fields":{"TYPE_ID":"BARTER"}}')" "400 INVALID_ARG_VALUE"
refused "fields must be an object" "$(post "$A/crm.deal.add" '{"fields":"TITLE=x"}')" "400 INVALID_ARG_VALUE"
refused "malformed multi-field item" "$(post "$A/crm.lead.update" "{\"id\":$L1,\"fields\":{\"TITLE\":\"x\",\"PHONE\":[\"555\"]}}")" "400 INVALID_ARG_VALUE"
refused "multi-field VALUE_TYPE with spaces" "$(post "$A/crm.lead.update" "{\"id\":$L1,\"fields\":{\"PHONE\":[{\"VALUE\":\"2\",\"VALUE_TYPE\":\"a b\"}]}}")" "400 INVALID_ARG_VALUE"
refused "get without id" "$(get "$A/crm.deal.get")" "400 INVALID_ARG_VALUE"
expect_jq "get without id: Bitrix's description" "$(get "$A/crm.deal.get")" '.error_description' "ID is not defined or invalid"
refused "get with a non-numeric id" "$(get "$A/crm.deal.get?id=abc")" "400 INVALID_ARG_VALUE"
refused "get with id 0" "$(get "$A/crm.deal.get?id=0")" "400 INVALID_ARG_VALUE"
refused "get of a missing id" "$(get "$A/crm.deal.get?id=999")" "400 NOT_FOUND"
refused "update of a missing id" "$(post "$A/crm.deal.update" '{"id":999,"fields":{"TITLE":"x"}}')" "400 NOT_FOUND"
refused "delete of a missing id" "$(get "$A/crm.lead.delete?id=999")" "400 NOT_FOUND"
refused "unknown filter field" "$(post "$A/crm.deal.list" '{"filter":{"NOPE":1}}')" "400 INVALID_ARG_VALUE"
refused "unknown order field" "$(post "$A/crm.lead.list" '{"order":{"NOPE":"ASC"}}')" "400 INVALID_ARG_VALUE"
refused "unknown select field" "$(post "$A/crm.contact.list" '{"select":["NOPE"]}')" "400 INVALID_ARG_VALUE"
refused "unknown method" "$(get "$A/crm.deal.nothing")" "404 ERROR_METHOD_NOT_FOUND"
out=$(post "$A/batch" "{\"halt\":0,\"cmd\":{\"ok\":\"crm.deal.list?select[]=ID\",\"bad\":\"crm.deal.add?fields[OPPORTUNITY]=lots\"}}")
expect_jq "batch: a refused add is in result_error" "$out" '.result.result_error.bad.error' INVALID_ARG_VALUE
expect_eq "batch: nothing written" "$(snapshot)" "$SNAP"

# ---------------------------------------------------------------- permissions
out=$(post "$A/role.add" '{"fields":{"NAME":"Own deals","PERMISSIONS":{"*":{"READ":"all","ADD":"all","UPDATE":"all","DELETE":"all"},"crm_deal":{"READ":"own","ADD":"none","UPDATE":"own","DELETE":"none"}}}}')
ROLE=$(jqo "$out" .result)
check "role added" test -n "$ROLE" -a "$ROLE" != null
expect_jq "role.assign to Bob" "$(post "$A/role.assign" "{\"ROLE_ID\":$ROLE,\"USER_ID\":2}")" '.result' true
expect_jq "role.entities knows the CRM entities" "$(get "$A/role.entities")" '[.result[] | select(.MODULE == "crm") | .ENTITY] | contains(["crm_lead","crm_contact","crm_company","crm_deal","crm_quote","crm_config"])' true

# deals owned by Bob (2) and by Cid (3), added by the administrator
DB1=$(add "$A" deal '{"TITLE":"Bob 1","ASSIGNED_BY_ID":2}')
DB2=$(add "$A" deal '{"TITLE":"Bob 2","ASSIGNED_BY_ID":2,"OPPORTUNITY":500}')
DC1=$(add "$A" deal '{"TITLE":"Cid 1","ASSIGNED_BY_ID":3,"OPPORTUNITY":500}')
SNAP=$(snapshot)
out=$(get "$B/crm.deal.list?select[]=ID&select[]=ASSIGNED_BY_ID")
expect_jq "READ=own: the list has only Bob's deals" "$out" '[.result[].ID] | join(",")' "$DB1,$DB2"
expect_jq "READ=own: total counts only them" "$out" '.total' 2
expect_jq "READ=own with a filter" "$(post "$B/crm.deal.list" '{"filter":{"OPPORTUNITY":500}}')" '[.result[].ID] | join(",")' "$DB2"
out=$(post "$B/batch" '{"cmd":{"l":"crm.deal.list?select[]=ID","g":"crm.deal.get?id='"$DC1"'"}}')
expect_jq "READ=own inside batch: list narrowed" "$out" '"\([.result.result.l[].ID] | join(","))/\(.result.result_total.l)"' "$DB1,$DB2/2"
expect_jq "READ=own inside batch: other's get refused" "$out" '.result.result_error.g.error' ACCESS_DENIED
expect_code "READ=own: get of another's deal" "$(get "$B/crm.deal.get?id=$DC1")" "403 ACCESS_DENIED"
expect_jq "READ=own: get of an own deal" "$(get "$B/crm.deal.get?id=$DB1")" '.result.TITLE' "Bob 1"
refused "UPDATE=own: update of another's deal" "$(post "$B/crm.deal.update" "{\"id\":$DC1,\"fields\":{\"TITLE\":\"mine now\"}}")" "403 ACCESS_DENIED"
refused "ADD=none: add is refused" "$(post "$B/crm.deal.add" '{"fields":{"TITLE":"nope"}}')" "403 ACCESS_DENIED"
expect_jq "ADD=none inside batch" "$(post "$B/batch" '{"cmd":{"a":"crm.deal.add?fields[TITLE]=x"}}')" '.result.result_error.a.error' ACCESS_DENIED
expect_eq "ADD=none inside batch: nothing written" "$(snapshot)" "$SNAP"
refused "DELETE=none" "$(get "$B/crm.deal.delete?id=$DB1")" "403 ACCESS_DENIED"
refused "UPDATE=own: giving an own deal away" "$(post "$B/crm.deal.update" "{\"id\":$DB1,\"fields\":{\"ASSIGNED_BY_ID\":3}}")" "403 ACCESS_DENIED"
expect_code "UPDATE=own: update of an own deal" "$(post "$B/crm.deal.update" "{\"id\":$DB1,\"fields\":{\"TITLE\":\"Bob one\"}}")" "200 "
expect_code "READ=own: contacts of another's deal" "$(get "$B/crm.deal.contact.items.get?id=$D1")" "403 ACCESS_DENIED"
expect_jq "other entities follow the '*' rule" "$(get "$B/crm.lead.list")" '.total' 1
expect_jq "Cid (default role) sees every deal" "$(get "$C/crm.deal.list?select[]=ID")" '.total' 4
expect_jq "the administrator sees every deal" "$(get "$A/crm.deal.list?select[]=ID")" '.total' 4
expect_code "no crm scope: insufficient_scope" "$(get "$N/crm.deal.list")" "403 insufficient_scope"

t_finish
