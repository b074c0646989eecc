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

# ---------------------------------------------------------------- references to hidden records
# Bob and Cid both get READ=own everywhere: a link field, CONTACT_IDS or a binding method may
# point only at records the caller can read. A hidden record and a missing one get the same
# answer (400 INVALID_ARG_VALUE "... is not a record you can see"), so no reference tells
# whether a hidden id exists; links someone else made stay when the caller edits other fields.
expect_jq "Bob leaves the own-deals role" "$(post "$A/role.unassign" "{\"ROLE_ID\":$ROLE,\"USER_ID\":2}")" '.result' true
OWN=$(jqo "$(post "$A/role.add" '{"fields":{"NAME":"Own records","PERMISSIONS":{"*":{"READ":"own","ADD":"all","UPDATE":"own","DELETE":"own"}}}}')" .result)
check "own-records role added" test -n "$OWN" -a "$OWN" != null
expect_jq "own-records role to Bob" "$(post "$A/role.assign" "{\"ROLE_ID\":$OWN,\"USER_ID\":2}")" '.result' true
expect_jq "own-records role to Cid" "$(post "$A/role.assign" "{\"ROLE_ID\":$OWN,\"USER_ID\":3}")" '.result' true
BD=$(add "$B" deal '{"TITLE":"Bob linked"}')
BCT=$(add "$B" contact '{"NAME":"Bob contact"}')
CD=$(add "$C" deal '{"TITLE":"Cid secret"}')
CCT=$(add "$C" contact '{"NAME":"Cid contact"}')
CCO=$(add "$C" company '{"TITLE":"Cid company"}')
check "records of both users added" test -n "$BD" -a -n "$BCT" -a -n "$CD" -a -n "$CCT" -a -n "$CCO"
# snapshot plus the quote and invoice tables
snap2() { echo "$(snapshot)/$(count quote)/$(count invoice)"; }
hidden() {
    expect_code "$1" "$2" "400 INVALID_ARG_VALUE"
    expect_match "$1: names the field" "$(jqo "$2" .error_description)" "$3.*is not a record you can see"
    expect_eq "$1: nothing written" "$(snap2)" "$SNAP2"
}
# same NAME OUT1 OUT2: two answers equal but for the ids in them
same() { expect_eq "$1" "$(code "$2") $(jqo "$2" .error_description | tr -d 0-9)" "$(code "$3") $(jqo "$3" .error_description | tr -d 0-9)"; }
sleep 1
SNAP2=$(snap2)
hidden "quote linked to another's deal" "$(post "$B/crm.quote.add" "{\"fields\":{\"TITLE\":\"x\",\"DEAL_ID\":$CD}}")" DEAL_ID
hidden "invoice item whose parent is another's deal" "$(post "$B/crm.item.add" "{\"entityTypeId\":31,\"fields\":{\"title\":\"x\",\"parentId2\":$CD}}")" PARENT_ID_2
hidden "deal with another's contact" "$(post "$C/crm.deal.add" "{\"fields\":{\"TITLE\":\"x\",\"CONTACT_ID\":$BCT}}")" CONTACT_ID
hidden "deal with another's contact in CONTACT_IDS" "$(post "$C/crm.deal.add" "{\"fields\":{\"TITLE\":\"x\",\"CONTACT_IDS\":[$CCT,$BCT]}}")" CONTACT_IDS
hidden "update linking another's company" "$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"COMPANY_ID\":$CCO}}")" COMPANY_ID
hidden "contact.company.add with another's company" "$(post "$B/crm.contact.company.add" "{\"id\":$BCT,\"fields\":{\"COMPANY_ID\":$CCO}}")" COMPANY_ID
hidden "contact.company.items.set with another's company" "$(post "$B/crm.contact.company.items.set" "{\"id\":$BCT,\"items\":[{\"COMPANY_ID\":$CCO}]}")" COMPANY_ID
hidden "company.contact.add from another's contact" "$(post "$C/crm.company.contact.add" "{\"id\":$CCO,\"fields\":{\"CONTACT_ID\":$BCT}}")" CONTACT_ID
same "a hidden deal and a missing one answer alike" "$(post "$B/crm.quote.add" "{\"fields\":{\"TITLE\":\"x\",\"DEAL_ID\":$CD}}")" "$(post "$B/crm.quote.add" '{"fields":{"TITLE":"x","DEAL_ID":99999}}')"
same "a hidden company and a missing one answer alike" "$(post "$B/crm.contact.company.add" "{\"id\":$BCT,\"fields\":{\"COMPANY_ID\":$CCO}}")" "$(post "$B/crm.contact.company.add" "{\"id\":$BCT,\"fields\":{\"COMPANY_ID\":99999}}")"
same "CONTACT_IDS: hidden and missing alike" "$(post "$C/crm.deal.add" "{\"fields\":{\"CONTACT_IDS\":[$BCT]}}")" "$(post "$C/crm.deal.add" '{"fields":{"CONTACT_IDS":[99999]}}')"
expect_eq "the probes wrote nothing" "$(snap2)" "$SNAP2"
LB=$(add "$B" lead '{"TITLE":"Bob lead","NAME":"Lee"}')
same "conversion reusing a hidden company answers as a missing one" "$(post "$B/crm.lead.convert" "{\"id\":$LB,\"fields\":{\"COMPANY_ID\":$CCO}}")" "$(post "$B/crm.lead.convert" "{\"id\":$LB,\"fields\":{\"COMPANY_ID\":99999}}")"
expect_code "conversion reusing a hidden company" "$(post "$B/crm.lead.convert" "{\"id\":$LB,\"fields\":{\"COMPANY_ID\":$CCO}}")" "400 INVALID_ARG_VALUE"
# own records link freely; the administrator links anything
expect_code "quote linked to an own deal" "$(post "$B/crm.quote.add" "{\"fields\":{\"TITLE\":\"x\",\"DEAL_ID\":$BD}}")" "200 "
expect_code "contact.company.add with an own company" "$(post "$B/crm.contact.company.add" "{\"id\":$BCT,\"fields\":{\"COMPANY_ID\":$(add "$B" company '{"TITLE":"Bob co"}')}}")" "200 "
expect_code "the administrator links Bob's deal to Cid's records" "$(post "$A/crm.deal.update" "{\"id\":$BD,\"fields\":{\"COMPANY_ID\":$CCO,\"CONTACT_IDS\":[$CCT]}}")" "200 "
# links made by someone who could see them stay
expect_code "Bob edits another field of the linked deal" "$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"TITLE\":\"Bob renamed\",\"COMPANY_ID\":$CCO}}")" "200 "
expect_code "Bob adds an own contact, keeping the hidden one" "$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"CONTACT_IDS\":[$CCT,$BCT]}}")" "200 "
expect_eq "the links are kept" "$(sql "SELECT company_id || '/' || (SELECT GROUP_CONCAT(dst_id) FROM (SELECT dst_id FROM crm_binding WHERE src_type = 2 AND src_id = $BD ORDER BY dst_id)) FROM crm_deal WHERE id = $BD")" "$CCO/$(printf '%s\n' "$CCT" "$BCT" | sort -n | paste -sd,)"
expect_code "deal.contact.items.set keeps an existing hidden contact" "$(post "$B/crm.deal.contact.items.set" "{\"id\":$BD,\"items\":[{\"CONTACT_ID\":$CCT},{\"CONTACT_ID\":$BCT,\"IS_PRIMARY\":\"Y\"}]}")" "200 "
CCT2=$(add "$C" contact '{"NAME":"Cid other"}')
SNAP2=$(snap2)
hidden "update adding a new hidden contact to CONTACT_IDS" "$(post "$B/crm.deal.update" "{\"id\":$BD,\"fields\":{\"CONTACT_IDS\":[$CCT,$BCT,$CCT2]}}")" CONTACT_IDS

t_finish
