#!/usr/bin/env bash
# Lead conversion (crm.lead.convert): a lead with a person and a company name becomes a
# company, a contact and a deal (fields, phones, e-mails and product rows copied, records
# linked, LEAD_ID set), the lead reaches its success status; options reuse records, skip
# some, pick the pipeline; converting twice, bad options and refused permissions are 4xx with
# a code and leave every table as it was (the conversion is one transaction).
# shellcheck source=tests/api/crm_common.bash
source "$(dirname "$0")/crm_common.bash"

snapshot() {
    sql "SELECT (SELECT COUNT(*) FROM crm_lead) || '/' || (SELECT COUNT(*) FROM crm_deal) || '/' ||
        (SELECT COUNT(*) FROM crm_contact) || '/' || (SELECT COUNT(*) FROM crm_company) || '/' ||
        (SELECT COUNT(*) FROM crm_fm) || '/' || (SELECT COUNT(*) FROM crm_binding) || '/' ||
        (SELECT COUNT(*) FROM crm_timeline) || '/' || (SELECT COUNT(*) FROM crm_product_row) || '/' ||
        (SELECT GROUP_CONCAT(status_id || contact_id || company_id) FROM crm_lead)"
}
refused() {
    expect_code "$1" "$2" "$3"
    expect_eq "$1: nothing written" "$(snapshot)" "$SNAP"
}

L1=$(add "$A" lead '{"TITLE":"Website enquiry","NAME":"Maria","LAST_NAME":"Lopez","COMPANY_TITLE":"Lopez Trading",
  "PHONE":[{"VALUE":"+34 600 111 222","VALUE_TYPE":"MOBILE"}],"EMAIL":[{"VALUE":"maria@lopez.example"}],
  "OPPORTUNITY":1500,"CURRENCY_ID":"EUR","SOURCE_ID":"WEB","POST":"Owner"}')
expect_code "lead product rows" "$(post "$A/crm.lead.productrows.set" "{\"id\":$L1,\"rows\":[{\"PRODUCT_NAME\":\"Consulting\",\"PRICE\":500,\"QUANTITY\":3}]}")" "200 "

# ---------------------------------------------------------------- happy path
out=$(post "$A/crm.lead.convert" "{\"id\":$L1}")
expect_code "convert" "$out" "200 "
expect_jq "result has every id" "$out" '.result | keys | join(",")' "COMPANY_ID,CONTACT_ID,DEAL_ID,LEAD_ID"
CO=$(jqo "$out" .result.COMPANY_ID)
CT=$(jqo "$out" .result.CONTACT_ID)
DL=$(jqo "$out" .result.DEAL_ID)
check "company, contact and deal created" test "$CO" -gt 0 -a "$CT" -gt 0 -a "$DL" -gt 0
out=$(get "$A/crm.company.get?id=$CO")
expect_jq "company: title from COMPANY_TITLE" "$out" .result.TITLE "Lopez Trading"
expect_jq "company: phone copied" "$out" '.result.PHONE[0].VALUE' "+34 600 111 222"
expect_jq "company: LEAD_ID" "$out" .result.LEAD_ID "$L1"
out=$(get "$A/crm.contact.get?id=$CT")
expect_jq "contact: name" "$out" '.result.NAME + " " + .result.LAST_NAME + " / " + .result.POST' "Maria Lopez / Owner"
expect_jq "contact: phone with its type" "$out" '.result.PHONE[0] | .VALUE + " " + .VALUE_TYPE' "+34 600 111 222 MOBILE"
expect_jq "contact: e-mail" "$out" '.result.EMAIL[0].VALUE' "maria@lopez.example"
expect_jq "contact: linked to the company" "$out" .result.COMPANY_ID "$CO"
expect_jq "contact: LEAD_ID" "$out" .result.LEAD_ID "$L1"
out=$(get "$A/crm.deal.get?id=$DL")
expect_jq "deal: title, amount, currency, source" "$out" '.result | .TITLE + "/" + .OPPORTUNITY + "/" + .CURRENCY_ID + "/" + .SOURCE_ID' "Website enquiry/1500.00/EUR/WEB"
expect_jq "deal: links" "$out" '.result | .LEAD_ID + "/" + .CONTACT_ID + "/" + .COMPANY_ID' "$L1/$CT/$CO"
expect_jq "deal: contacts" "$out" '.result.CONTACT_IDS | join(",")' "$CT"
expect_jq "deal: default pipeline, first stage" "$out" '.result.CATEGORY_ID + "/" + .result.STAGE_ID' "0/NEW"
out=$(get "$A/crm.deal.productrows.get?id=$DL")
expect_jq "deal: product rows copied" "$out" '[.result[] | .PRODUCT_NAME + " x" + (.QUANTITY | tostring)] | join(",")' "Consulting x3"
out=$(get "$A/crm.lead.get?id=$L1")
expect_jq "lead: converted" "$out" '.result.STATUS_ID + "/" + .result.STATUS_SEMANTIC_ID' "CONVERTED/S"
expect_jq "lead: linked" "$out" '.result.CONTACT_ID + "/" + .result.COMPANY_ID' "$CT/$CO"
expect_eq "timeline: a conversion row on each record" "$(sql "SELECT GROUP_CONCAT(owner_type || ':' || owner_id, ',') FROM (SELECT owner_type, owner_id FROM crm_timeline WHERE type = 'conversion' ORDER BY owner_type)")" "1:$L1,2:$DL,3:$CT,4:$CO"
expect_jq "timeline: the conversion row names the records" "$(get "$A/crm.timeline.list?entityTypeId=1&entityId=$L1")" '.result[] | select(.type == "conversion") | "\(.data.contactId)/\(.data.companyId)/\(.data.dealId)"' "$CT/$CO/$DL"
expect_eq "history: the lead's stage move" "$(sql "SELECT COUNT(*) FROM crm_timeline WHERE owner_type = 1 AND owner_id = $L1 AND type = 'stage_changed'")" 1

SNAP=$(snapshot)
refused "converting twice" "$(post "$A/crm.lead.convert" "{\"id\":$L1}")" "400 LEAD_ALREADY_CONVERTED"

# ---------------------------------------------------------------- options
L2=$(add "$A" lead '{"TITLE":"Only a deal"}')
out=$(post "$A/crm.lead.convert" "{\"id\":$L2}")
expect_jq "no name, no company: only a deal" "$out" '.result | "\(.CONTACT_ID)/\(.COMPANY_ID)/\(.DEAL_ID > 0)"' "0/0/true"
CAT=$(jqo "$(post "$A/crm.dealcategory.add" '{"fields":{"NAME":"Projects"}}')" .result)
L3=$(add "$A" lead '{"TITLE":"Repeat","NAME":"Maria","COMPANY_TITLE":"Ignored Ltd"}')
out=$(post "$A/crm.lead.convert" "{\"id\":$L3,\"fields\":{\"CONTACT_ID\":$CT,\"CREATE_COMPANY\":\"N\",\"DEAL_CATEGORY_ID\":$CAT}}")
expect_jq "reuse a contact, no company" "$out" '.result | "\(.CONTACT_ID)/\(.COMPANY_ID)"' "$CT/0"
D3=$(jqo "$out" .result.DEAL_ID)
expect_jq "deal in the chosen pipeline, bound to the reused contact" "$(get "$A/crm.deal.get?id=$D3")" '.result | .CATEGORY_ID + "/" + .STAGE_ID + "/" + .CONTACT_ID' "$CAT/C$CAT:NEW/$CT"
L4=$(add "$A" lead '{"NAME":"Solo"}')
out=$(get "$A/crm.lead.convert?id=$L4&fields[CREATE_DEAL]=N")
expect_jq "form encoding; contact only" "$out" '.result | "\(.CONTACT_ID > 0)/\(.COMPANY_ID)/\(.DEAL_ID)"' "true/0/0"
L5=$(add "$A" lead "{\"TITLE\":\"Known client\",\"COMPANY_ID\":$CO}")
out=$(post "$A/crm.lead.convert" "{\"id\":$L5}")
expect_jq "the lead's own company is reused" "$out" '.result.COMPANY_ID' "$CO"
expect_eq "companies: none added for it" "$(count company)" 1

# ---------------------------------------------------------------- bad input
L6=$(add "$A" lead '{"TITLE":"Bad options","NAME":"X","COMPANY_TITLE":"Y"}')
SNAP=$(snapshot)
refused "without id" "$(post "$A/crm.lead.convert" '{}')" "400 INVALID_ARG_VALUE"
refused "missing lead" "$(post "$A/crm.lead.convert" '{"id":999}')" "400 NOT_FOUND"
refused "bad flag" "$(post "$A/crm.lead.convert" "{\"id\":$L6,\"fields\":{\"CREATE_DEAL\":\"maybe\"}}")" "400 INVALID_ARG_VALUE"
refused "nothing to create" "$(post "$A/crm.lead.convert" "{\"id\":$L6,\"fields\":{\"CREATE_DEAL\":\"N\",\"CREATE_CONTACT\":\"N\",\"CREATE_COMPANY\":\"N\"}}")" "400 INVALID_ARG_VALUE"
refused "missing contact to reuse" "$(post "$A/crm.lead.convert" "{\"id\":$L6,\"fields\":{\"CONTACT_ID\":999}}")" "400 INVALID_ARG_VALUE"
refused "fields must be an object" "$(post "$A/crm.lead.convert" "{\"id\":$L6,\"fields\":\"x\"}")" "400 INVALID_ARG_VALUE"
# the company and the contact are written before the deal fails: all of it rolls back
refused "missing pipeline: company and contact roll back" "$(post "$A/crm.lead.convert" "{\"id\":$L6,\"fields\":{\"DEAL_CATEGORY_ID\":77}}")" "400 INVALID_ARG_VALUE"

# ---------------------------------------------------------------- permissions
ROLE=$(jqo "$(post "$A/role.add" '{"fields":{"NAME":"No contacts","PERMISSIONS":{"*":{"READ":"all","ADD":"all","UPDATE":"all","DELETE":"all"},"crm_contact":{"READ":"all","ADD":"none","UPDATE":"all","DELETE":"all"},"crm_lead":{"READ":"all","ADD":"all","UPDATE":"own","DELETE":"all"}}}}')" .result)
expect_jq "role assigned to Bob" "$(post "$A/role.assign" "{\"ROLE_ID\":$ROLE,\"USER_ID\":2}")" .result true
LB=$(add "$A" lead '{"TITLE":"Bob lead","NAME":"Pat","ASSIGNED_BY_ID":2}')
LC=$(add "$A" lead '{"TITLE":"Cid lead","ASSIGNED_BY_ID":3}')
SNAP=$(snapshot)
refused "ADD=none on contacts: a conversion creating one" "$(post "$B/crm.lead.convert" "{\"id\":$LB}")" "403 ACCESS_DENIED"
refused "UPDATE=own on leads: another's lead" "$(post "$B/crm.lead.convert" "{\"id\":$LC}")" "403 ACCESS_DENIED"
refused "no crm scope" "$(post "$N/crm.lead.convert" "{\"id\":$LB}")" "403 insufficient_scope"
out=$(post "$B/crm.lead.convert" "{\"id\":$LB,\"fields\":{\"CREATE_CONTACT\":\"N\"}}")
expect_code "without a contact Bob may convert his lead" "$out" "200 "
expect_jq "the deal is Bob's" "$(get "$A/crm.deal.get?id=$(jqo "$out" .result.DEAL_ID)")" '.result.ASSIGNED_BY_ID + "/" + .result.CREATED_BY_ID' "2/2"

t_finish
