#!/usr/bin/env bash
# Duplicates: crm.duplicate.findbycomm over normalised phones and e-mails (narrowed to what the
# caller may read), the kazi duplicate check of add (params[CHECK_DUPLICATES]=Y -> 400
# DUPLICATE_FOUND, nothing written), and merging (crm.contact/company/lead.merge): deals,
# links, bindings, activities, comments, missing multi-field values and product rows move to
# the survivor, victims go, in one transaction. Bad input is a 400 with a code and writes
# nothing.
# shellcheck source=tests/api/crm_common.bash
source "$(dirname "$0")/crm_common.bash"

snapshot() {
    sql "SELECT (SELECT COUNT(*) FROM crm_lead) || '/' || (SELECT COUNT(*) FROM crm_deal) || '/' ||
        (SELECT COUNT(*) FROM crm_contact) || '/' || (SELECT COUNT(*) FROM crm_company) || '/' ||
        (SELECT COUNT(*) FROM crm_fm) || '/' || (SELECT COUNT(*) FROM crm_binding) || '/' ||
        (SELECT COUNT(*) FROM crm_timeline) || '/' || (SELECT COUNT(*) FROM crm_activity) || '/' ||
        (SELECT GROUP_CONCAT(contact_id) FROM crm_deal)"
}
refused() {
    expect_code "$1" "$2" "$3"
    expect_eq "$1: nothing written" "$(snapshot)" "$SNAP"
}

C1=$(add "$A" contact '{"NAME":"Anna","PHONE":[{"VALUE":"+49 (30) 1234-56"}],"EMAIL":[{"VALUE":"Anna@Example.COM"}]}')
C2=$(add "$A" contact '{"NAME":"Anna B","PHONE":[{"VALUE":"4930123456"}],"ASSIGNED_BY_ID":2}')
L1=$(add "$A" lead '{"TITLE":"Lead Anna","EMAIL":[{"VALUE":"anna@example.com"}]}')
CO=$(add "$A" company '{"TITLE":"Acme","PHONE":[{"VALUE":"+49 30 123456"}]}')
C3=$(add "$A" contact '{"NAME":"Other","PHONE":[{"VALUE":"030 123456"}]}')

# ---------------------------------------------------------------- findbycomm
out=$(post "$A/crm.duplicate.findbycomm" '{"type":"PHONE","values":["+49 30 12 34 56"]}')
expect_jq "phones match by digits" "$out" '.result | "\(.CONTACT | join(","))/\(.COMPANY | join(","))/\(has("LEAD"))"' "$C1,$C2/$CO/false"
expect_jq "ids are numbers" "$out" '.result.CONTACT[0] | type' number
expect_jq "a local form is another number" "$(post "$A/crm.duplicate.findbycomm" '{"type":"PHONE","values":["030-123456"]}')" '.result.CONTACT | join(",")' "$C3"
out=$(get "$A/crm.duplicate.findbycomm?type=EMAIL&values[]=ANNA@example.com")
expect_jq "e-mails match case-insensitively" "$out" '.result | "\(.CONTACT | join(","))/\(.LEAD | join(","))"' "$C1/$L1"
expect_jq "entity_type narrows" "$(post "$A/crm.duplicate.findbycomm" '{"type":"EMAIL","values":["anna@example.com"],"entity_type":"LEAD"}')" '.result | keys | join(",")' "LEAD"
expect_jq "no match: an empty list" "$(post "$A/crm.duplicate.findbycomm" '{"type":"EMAIL","values":["nobody@example.com"]}')" '.result | "\(type)/\(length)"' "array/0"
expect_code "type must be PHONE or EMAIL" "$(post "$A/crm.duplicate.findbycomm" '{"type":"FAX","values":["1"]}')" "400 INVALID_ARG_VALUE"
expect_code "values are required" "$(post "$A/crm.duplicate.findbycomm" '{"type":"PHONE"}')" "400 INVALID_ARG_VALUE"
expect_code "at most 20 values" "$(post "$A/crm.duplicate.findbycomm" "{\"type\":\"PHONE\",\"values\":[$(seq -s, 1 21)]}")" "400 INVALID_ARG_VALUE"
expect_code "entity_type must be a client type" "$(post "$A/crm.duplicate.findbycomm" '{"type":"PHONE","values":["1"],"entity_type":"DEAL"}')" "400 INVALID_ARG_VALUE"

# ---------------------------------------------------------------- the check on add
SNAP=$(snapshot)
out=$(post "$A/crm.contact.add" '{"fields":{"NAME":"Again","PHONE":[{"VALUE":"49-30-123456"}],"EMAIL":[{"VALUE":"ANNA@example.com"}]},"params":{"CHECK_DUPLICATES":"Y"}}')
refused "CHECK_DUPLICATES: a known phone and e-mail" "$out" "400 DUPLICATE_FOUND"
expect_match "the description lists the duplicates as JSON" "$(jqo "$out" .error_description)" "\"CONTACT\":\[$C1,$C2\].*\"LEAD\":\[$L1\]|\"COMPANY\":\[$CO\],\"CONTACT\":\[$C1,$C2\],\"LEAD\":\[$L1\]"
refused "CHECK_DUPLICATES on a lead, form encoding" "$(get "$A/crm.lead.add?fields[TITLE]=x&fields[EMAIL][0][VALUE]=anna@example.com&params[CHECK_DUPLICATES]=Y")" "400 DUPLICATE_FOUND"
out=$(post "$A/crm.contact.add" '{"fields":{"NAME":"New","PHONE":[{"VALUE":"+1 555 0100"}]},"params":{"CHECK_DUPLICATES":"Y"}}')
expect_code "CHECK_DUPLICATES: a new phone is added" "$out" "200 "
expect_code "without the flag nothing is checked" "$(post "$A/crm.contact.add" '{"fields":{"NAME":"Twin","PHONE":[{"VALUE":"+49 30 123456"}]}}')" "200 "
expect_code "CHECK_DUPLICATES=N" "$(post "$A/crm.company.add" '{"fields":{"TITLE":"Twin Co","PHONE":[{"VALUE":"+49 30 123456"}]},"params":{"CHECK_DUPLICATES":"N"}}')" "200 "

# ---------------------------------------------------------------- merge contacts
S=$(add "$A" contact '{"NAME":"Survivor","PHONE":[{"VALUE":"+44 20 7946 0000"}]}')
V1=$(add "$A" contact "{\"NAME\":\"Victim one\",\"PHONE\":[{\"VALUE\":\"44 20 7946 0000\"}],\"EMAIL\":[{\"VALUE\":\"v1@example.com\"}],\"COMPANY_ID\":$CO}")
V2=$(add "$A" contact '{"NAME":"Victim two"}')
DV=$(add "$A" deal "{\"TITLE\":\"Victim deal\",\"CONTACT_ID\":$V1}")
DB2=$(add "$A" deal "{\"TITLE\":\"Both\",\"CONTACT_IDS\":[$S,$V2]}")
LV=$(add "$A" lead "{\"TITLE\":\"Lead of two\",\"CONTACT_ID\":$V2}")
AV=$(jqo "$(post "$A/crm.activity.add" "{\"fields\":{\"OWNER_TYPE_ID\":3,\"OWNER_ID\":$V1,\"TYPE_ID\":2,\"SUBJECT\":\"Victim call\"}}")" .result)
CM=$(jqo "$(post "$A/crm.timeline.comment.add" "{\"fields\":{\"ENTITY_TYPE\":\"contact\",\"ENTITY_ID\":$V2,\"COMMENT\":\"note on two\"}}")" .result)
SNAP=$(snapshot)
refused "merge: ids must not hold the survivor" "$(post "$A/crm.contact.merge" "{\"id\":$S,\"ids\":[$V1,$S]}")" "400 INVALID_ARG_VALUE"
refused "merge: a missing victim" "$(post "$A/crm.contact.merge" "{\"id\":$S,\"ids\":[$V1,999]}")" "400 INVALID_ARG_VALUE"
refused "merge: no victims" "$(post "$A/crm.contact.merge" "{\"id\":$S}")" "400 INVALID_ARG_VALUE"
refused "merge: repeated victim" "$(post "$A/crm.contact.merge" "{\"id\":$S,\"ids\":[$V1,$V1]}")" "400 INVALID_ARG_VALUE"
refused "merge: missing survivor" "$(post "$A/crm.contact.merge" "{\"id\":999,\"ids\":[$V1]}")" "400 INVALID_ARG_VALUE"
out=$(post "$A/crm.contact.merge" "{\"id\":$S,\"ids\":[$V1,$V2]}")
expect_jq "merge" "$out" '"\(.result.ID)/\(.result.MERGED_IDS | join(","))"' "$S/$V1,$V2"
expect_code "victim one is gone" "$(get "$A/crm.contact.get?id=$V1")" "400 NOT_FOUND"
expect_code "victim two is gone" "$(get "$A/crm.contact.get?id=$V2")" "400 NOT_FOUND"
expect_jq "a deal of a victim now points at the survivor" "$(get "$A/crm.deal.get?id=$DV")" '.result.CONTACT_ID + "/" + (.result.CONTACT_IDS | join(","))' "$S/$S"
expect_jq "a deal with both keeps the survivor once" "$(get "$A/crm.deal.get?id=$DB2")" '.result.CONTACT_IDS | join(",")' "$S"
expect_jq "a lead of a victim too" "$(get "$A/crm.lead.get?id=$LV")" .result.CONTACT_ID "$S"
out=$(get "$A/crm.contact.get?id=$S")
expect_jq "the survivor keeps one copy of a shared phone" "$out" '.result.PHONE | length' 1
expect_jq "and gains the victim's e-mail" "$out" '.result.EMAIL[0].VALUE' "v1@example.com"
expect_jq "and its company" "$out" '.result.COMPANY_ID' "$CO"
expect_jq "the activity moved" "$(get "$A/crm.activity.get?id=$AV")" '.result.OWNER_ID + "/" + (.result.BINDINGS | map(.OWNER_ID) | join(","))' "$S/$S"
expect_jq "the comment moved" "$(get "$A/crm.timeline.comment.get?id=$CM")" .result.ENTITY_ID "$S"
expect_jq "a merge row on the survivor" "$(get "$A/crm.timeline.list?entityTypeId=3&entityId=$S")" '.result[0] | .type + " " + (.data.mergedIds | map(tostring) | join(","))' "merge $V1,$V2"
expect_jq "duplicates now find the survivor" "$(post "$A/crm.duplicate.findbycomm" '{"type":"EMAIL","values":["v1@example.com"]}')" '.result.CONTACT | join(",")' "$S"

# ---------------------------------------------------------------- merge companies and leads
CO2=$(add "$A" company '{"TITLE":"Acme GmbH"}')
DC=$(add "$A" deal "{\"TITLE\":\"Company deal\",\"COMPANY_ID\":$CO2}")
CC=$(add "$A" contact "{\"NAME\":\"Works at CO2\",\"COMPANY_ID\":$CO2}")
expect_code "company merge" "$(post "$A/crm.company.merge" "{\"id\":$CO,\"ids\":[$CO2]}")" "200 "
expect_jq "the deal's company moved" "$(get "$A/crm.deal.get?id=$DC")" .result.COMPANY_ID "$CO"
expect_jq "the contact's company moved" "$(get "$A/crm.contact.get?id=$CC")" '.result.COMPANY_ID + "/" + (.result.COMPANY_IDS | join(","))' "$CO/$CO"
LS=$(add "$A" lead '{"TITLE":"Lead survivor"}')
LV2=$(add "$A" lead '{"TITLE":"Lead victim"}')
expect_code "victim's product rows" "$(post "$A/crm.lead.productrows.set" "{\"id\":$LV2,\"rows\":[{\"PRODUCT_NAME\":\"Widget\",\"PRICE\":10,\"QUANTITY\":2}]}")" "200 "
expect_code "lead merge" "$(post "$A/crm.lead.merge" "{\"id\":$LS,\"ids\":[$LV2]}")" "200 "
expect_jq "product rows moved" "$(get "$A/crm.lead.productrows.get?id=$LS")" '[.result[].PRODUCT_NAME] | join(",")' "Widget"
expect_jq "the survivor's amount follows its rows" "$(get "$A/crm.lead.get?id=$LS")" .result.OPPORTUNITY "20.00"

# ---------------------------------------------------------------- permissions
ROLE=$(jqo "$(post "$A/role.add" '{"fields":{"NAME":"Own contacts","PERMISSIONS":{"*":{"READ":"all","ADD":"all","UPDATE":"all","DELETE":"all"},"crm_contact":{"READ":"own","ADD":"all","UPDATE":"own","DELETE":"none"},"crm_lead":{"READ":"none","ADD":"all","UPDATE":"none","DELETE":"none"}}}}')" .result)
expect_jq "role assigned to Bob" "$(post "$A/role.assign" "{\"ROLE_ID\":$ROLE,\"USER_ID\":2}")" .result true
out=$(post "$B/crm.duplicate.findbycomm" '{"type":"PHONE","values":["4930123456"]}')
expect_jq "READ=own: Bob finds only his contact" "$out" '.result.CONTACT | join(",")' "$C2"
expect_jq "READ=none on leads, another's contact: nothing found" "$(post "$B/crm.duplicate.findbycomm" '{"type":"EMAIL","values":["anna@example.com"]}')" '.result | "\(type)/\(length)"' "array/0"
out=$(post "$B/crm.contact.add" '{"fields":{"NAME":"Bob again","EMAIL":[{"VALUE":"anna@example.com"}]},"params":{"CHECK_DUPLICATES":"Y"}}')
expect_code "CHECK_DUPLICATES only sees what Bob may read" "$out" "200 "
BS=$(add "$A" contact '{"NAME":"Bob S","ASSIGNED_BY_ID":2}')
BV=$(add "$A" contact '{"NAME":"Bob V","ASSIGNED_BY_ID":2}')
SNAP=$(snapshot)
refused "DELETE=none: Bob may not merge away a contact" "$(post "$B/crm.contact.merge" "{\"id\":$BS,\"ids\":[$BV]}")" "403 ACCESS_DENIED"
refused "UPDATE=own: nor into another's (hidden: a link refusal)" "$(post "$B/crm.contact.merge" "{\"id\":$S,\"ids\":[$BV]}")" "400 INVALID_ARG_VALUE"

t_finish
