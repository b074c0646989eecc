#!/usr/bin/env bash
# CRM records over webhooks, as POST JSON and as GET with PHP brackets: add/get/update/delete/
# fields of leads, deals, contacts, companies and quotes, legacy value types, system fields,
# multi-fields (add, change, delete, HAS_PHONE), deal/lead contacts, contact/company links,
# links cleared when a record goes, currencies, and the history rows writes leave.
# shellcheck source=tests/api/crm_common.bash
source "$(dirname "$0")/crm_common.bash"

ISO='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$'

# ---------------------------------------------------------------- leads
out=$(post "$A/crm.lead.add" '{"fields":{"TITLE":"Web lead","NAME":"Ann","LAST_NAME":"Lee",
  "SOURCE_ID":"WEB","OPPORTUNITY":1500.5,"CURRENCY_ID":"eur","BIRTHDATE":"11.11.1999",
  "UTM_SOURCE":"google","NO_SUCH_FIELD":"ignored","DATE_CREATE":"2000-01-01T00:00:00Z",
  "PHONE":[{"VALUE":"+1 (555) 100-200","VALUE_TYPE":"WORK"},{"VALUE":"555 300","VALUE_TYPE":"MOBILE"}],
  "EMAIL":[{"VALUE":"Ann@Example.com"}]}}')
expect_eq "crm.lead.add returns a JSON integer" "$(jqo "$out" '.result | type'):$(jqo "$out" .result)" "number:1"
out=$(get "$A/crm.lead.get?id=1")
expect_jq "lead ID is a string" "$out" '.result.ID' 1
expect_jq "lead amount as a 2-decimal string" "$out" '.result.OPPORTUNITY' 1500.50
expect_jq "lead currency upper-cased" "$out" '.result.CURRENCY_ID' EUR
expect_jq "lead default status is the first" "$out" '.result.STATUS_ID + "/" + .result.STATUS_SEMANTIC_ID' NEW/P
expect_jq "lead OPENED default" "$out" '.result.OPENED' Y
expect_jq "lead owner and author default to the caller" "$out" '.result.ASSIGNED_BY_ID + .result.CREATED_BY_ID + .result.MODIFY_BY_ID' 111
expect_match "lead DATE_CREATE is ISO with offset, not the client's" "$(jqo "$out" .result.DATE_CREATE)" "$ISO"
expect_eq "lead DATE_CREATE is read-only" "$(jqo "$out" '.result.DATE_CREATE | startswith("2000")')" false
expect_match "lead BIRTHDATE from DD.MM.YYYY" "$(jqo "$out" .result.BIRTHDATE)" '^1999-11-11T00:00:00[+-]'
expect_jq "lead flags HAS_PHONE/HAS_EMAIL/HAS_IMOL" "$out" '.result.HAS_PHONE + .result.HAS_EMAIL + .result.HAS_IMOL' YYN
expect_jq "lead phones: two, typed" "$out" '[.result.PHONE[] | .ID + ":" + .TYPE_ID + ":" + .VALUE_TYPE + ":" + .VALUE] | join(",")' \
    "1:PHONE:WORK:+1 (555) 100-200,2:PHONE:MOBILE:555 300"
expect_jq "lead e-mail gets the default VALUE_TYPE" "$out" '.result.EMAIL[0].VALUE_TYPE' WORK
expect_jq "unknown fields are not stored" "$out" '.result | has("NO_SUCH_FIELD")' false
expect_jq "lead UTM field" "$out" '.result.UTM_SOURCE' google
expect_eq "normalised phone and e-mail" "$(sql "SELECT group_concat(value_norm, ',') FROM (SELECT value_norm FROM crm_fm ORDER BY id)")" \
    "1555100200,555300,ann@example.com"

out=$(get "$A/crm.lead.add?fields[TITLE]=Form+lead&fields[PHONE][0][VALUE]=777&fields[PHONE][0][VALUE_TYPE]=mobile&fields[OPENED]=N&fields[OPPORTUNITY]=10")
expect_jq "crm.lead.add by GET brackets" "$out" '.result' 2
out=$(get "$A/crm.lead.get?ID=2")
expect_jq "GET lead: values coerced from strings" "$out" '.result.OPENED + " " + .result.OPPORTUNITY + " " + .result.PHONE[0].VALUE_TYPE' "N 10.00 MOBILE"

out=$(post "$A/crm.lead.update" '{"id":1,"fields":{"STATUS_ID":"CONVERTED","TITLE":"Won lead"}}')
expect_jq "crm.lead.update returns true" "$out" '.result' true
out=$(post "$A/crm.lead.get" '{"id":1}')
expect_jq "CONVERTED lead: success semantics" "$out" '.result.STATUS_SEMANTIC_ID' S
expect_match "CONVERTED lead: DATE_CLOSED set" "$(jqo "$out" .result.DATE_CLOSED)" "$ISO"
expect_eq "CONVERTED created no deal, contact or company" "$(count deal)$(count contact)$(count company)" 000
out=$(post "$A/crm.lead.update" '{"id":1,"fields":{"STATUS_ID":"IN_PROCESS"}}')
out=$(post "$A/crm.lead.get" '{"id":1}')
expect_jq "lead back in progress: DATE_CLOSED cleared" "$out" '.result.STATUS_SEMANTIC_ID + ":" + .result.DATE_CLOSED' "P:"

out=$(get "$A/crm.lead.fields")
expect_jq "crm.lead.fields: STATUS_ID is a crm_status of STATUS" "$out" '.result.STATUS_ID.type + "/" + .result.STATUS_ID.statusType' crm_status/STATUS
expect_jq "crm.lead.fields: ID read-only" "$out" '.result.ID.isReadOnly' true
expect_jq "crm.lead.fields: PHONE multiple" "$out" '.result.PHONE.type + "/" + (.result.PHONE.isMultiple|tostring)' crm_multifield/true
expect_jq "crm.lead.fields: COMPANY_ID links a company" "$out" '.result.COMPANY_ID.type' crm_company

# ---------------------------------------------------------------- multi-fields
out=$(post "$A/crm.lead.update" '{"id":1,"fields":{"PHONE":[{"ID":"1","VALUE":"+1 555 999"},{"ID":2,"VALUE":""},{"VALUE":"123","VALUE_TYPE":"HOME"}]}}')
expect_jq "multi-field change/delete/add in one update" "$out" '.result' true
out=$(post "$A/crm.lead.get" '{"id":1}')
expect_jq "multi-fields after the update" "$out" '[.result.PHONE[] | .ID + ":" + .VALUE_TYPE + ":" + .VALUE] | join(",")' \
    "1:WORK:+1 555 999,5:HOME:123"
expect_jq "e-mail untouched by a phone update" "$out" '.result.EMAIL | length' 1
out=$(post "$A/crm.lead.update" '{"id":1,"fields":{"PHONE":[{"ID":5,"VALUE_TYPE":"FAX","VALUE":"124"}]}}')
out=$(post "$A/crm.lead.get" '{"id":1}')
expect_jq "changing VALUE_TYPE" "$out" '.result.PHONE[1].VALUE_TYPE + ":" + .result.PHONE[1].VALUE' FAX:124
out=$(post "$A/crm.lead.update" '{"id":1,"fields":{"PHONE":[{"ID":1,"DELETE":"Y"},{"ID":"5"}]}}')
out=$(post "$A/crm.lead.get" '{"id":1}')
expect_jq "deleting every phone clears HAS_PHONE" "$out" '(.result | has("PHONE")|tostring) + .result.HAS_PHONE' falseN
out=$(post "$A/crm.lead.update" '{"id":1,"fields":{"TITLE":"changed","EMAIL":[{"ID":99,"VALUE":"x@y.z"}]}}')
expect_code "an unknown multi-field ID is refused" "$out" "400 INVALID_ARG_VALUE"
out=$(post "$A/crm.lead.get" '{"id":1}')
expect_jq "refused update changed nothing" "$out" '.result.TITLE + ":" + .result.EMAIL[0].VALUE' "Won lead:Ann@Example.com"
out=$(post "$A/crm.lead.update" '{"id":1,"fields":{"IM":[{"VALUE":"imol|livechat|1","VALUE_TYPE":"IMOL"}],"WEB":[{"VALUE":"https://example.com"}]}}')
out=$(post "$A/crm.lead.get" '{"id":1}')
expect_jq "IMOL sets HAS_IMOL; WEB stored" "$out" '.result.HAS_IMOL + ":" + .result.WEB[0].VALUE' "Y:https://example.com"

# ---------------------------------------------------------------- companies and contacts
out=$(post "$A/crm.company.add" '{"fields":{"COMPANY_TYPE":"CUSTOMER"}}')
expect_code "company without TITLE" "$out" "400 BX_EMPTY_REQUIRED"
expect_eq "refused company wrote nothing" "$(count company)" 0
CO1=$(add "$A" company '{"TITLE":"Acme","COMPANY_TYPE":"CUSTOMER","INDUSTRY":"IT","REVENUE":"1000000","EMPLOYEES":"EMPLOYEES_2"}')
CO2=$(add "$A" company '{"TITLE":"Globex"}')
expect_eq "companies added" "$CO1,$CO2" "1,2"
out=$(get "$A/crm.company.get?id=$CO1")
expect_jq "company values" "$out" '.result.TITLE + ":" + .result.COMPANY_TYPE + ":" + .result.REVENUE + ":" + .result.IS_MY_COMPANY' "Acme:CUSTOMER:1000000.00:N"
out=$(get "$A/crm.company.update?id=$CO2&fields[TITLE]=")
expect_code "company TITLE cannot be emptied" "$out" "400 BX_EMPTY_REQUIRED"

CT1=$(add "$A" contact "{\"NAME\":\"Carl\",\"LAST_NAME\":\"Doe\",\"TYPE_ID\":\"CLIENT\",\"COMPANY_IDS\":[$CO1,$CO2],\"EMAIL\":[{\"VALUE\":\"carl@doe.io\",\"VALUE_TYPE\":\"HOME\"}]}")
CT2=$(add "$A" contact "{\"NAME\":\"Dora\",\"COMPANY_ID\":$CO2}")
CT3=$(add "$A" contact '{"NAME":"Eve"}')
expect_eq "contacts added" "$CT1,$CT2,$CT3" "1,2,3"
out=$(get "$A/crm.contact.get?id=$CT1")
expect_jq "contact: COMPANY_ID is the first of COMPANY_IDS" "$out" '.result.COMPANY_ID + ":" + (.result.COMPANY_IDS | join(","))' "1:1,2"
expect_jq "contact: e-mail and HAS_EMAIL" "$out" '.result.EMAIL[0].VALUE + ":" + .result.HAS_EMAIL + ":" + .result.EXPORT' "carl@doe.io:Y:Y"
out=$(get "$A/crm.contact.company.items.get?id=$CT1")
expect_jq "contact.company.items.get" "$out" '[.result[] | "\(.COMPANY_ID):\(.SORT):\(.IS_PRIMARY)"] | join(",")' "1:10:Y,2:20:N"
out=$(get "$A/crm.company.contact.items.get?id=$CO2")
expect_jq "company.contact.items.get reads the same links backwards" "$out" '[.result[].CONTACT_ID] | sort | join(",")' "1,2"
out=$(post "$A/crm.contact.company.items.set" "{\"id\":$CT1,\"items\":[{\"COMPANY_ID\":$CO2,\"SORT\":5},{\"COMPANY_ID\":$CO1,\"IS_PRIMARY\":\"Y\"}]}")
expect_jq "contact.company.items.set" "$out" '.result' true
out=$(get "$A/crm.contact.get?id=$CT1")
expect_jq "flagged company becomes primary" "$out" '.result.COMPANY_ID' 1
out=$(post "$A/crm.company.contact.items.set" "{\"id\":$CO1,\"items\":[{\"CONTACT_ID\":$CT3}]}")
expect_jq "company.contact.items.set" "$out" '.result' true
expect_jq "company's contacts replaced" "$(get "$A/crm.company.contact.items.get?id=$CO1")" '[.result[].CONTACT_ID] | join(",")' 3
expect_jq "the contact that lost its primary company gets the next one" "$(get "$A/crm.contact.get?id=$CT1")" '.result.COMPANY_ID' 2
expect_jq "the newly linked contact's primary company" "$(get "$A/crm.contact.get?id=$CT3")" '.result.COMPANY_ID' 1
out=$(post "$A/crm.contact.company.items.set" "{\"id\":$CT3,\"items\":[{\"COMPANY_ID\":999}]}")
expect_code "items.set with a missing company" "$out" "400 INVALID_ARG_VALUE"
expect_jq "refused items.set changed nothing" "$(get "$A/crm.contact.get?id=$CT3")" '.result.COMPANY_ID' 1
out=$(get "$A/crm.contact.company.fields")
expect_jq "contact.company.fields" "$out" '[.result | keys[]] | join(",")' "COMPANY_ID,IS_PRIMARY,ROLE_ID,SORT"

# ---------------------------------------------------------------- deals
D1=$(add "$A" deal '{}')
out=$(get "$A/crm.deal.get?id=$D1")
expect_jq "deal default title" "$out" '.result.TITLE' "Deal #$D1"
expect_jq "deal defaults: pipeline 0, first stage, open, new" "$out" '[.result.CATEGORY_ID, .result.STAGE_ID, .result.STAGE_SEMANTIC_ID, .result.CLOSED, .result.IS_NEW, .result.OPENED] | join(",")' "0,NEW,P,N,Y,Y"
expect_jq "deal defaults: amounts and currency" "$out" '.result.OPPORTUNITY + ":" + .result.TAX_VALUE + ":" + .result.CURRENCY_ID + ":" + .result.COMPANY_ID' "0.00:0.00:USD:0"
expect_eq "deal BEGINDATE is today" "$(jqo "$out" '.result.BEGINDATE[0:10]')" "$(date +%Y-%m-%d)"
expect_match "deal CLOSEDATE is a date" "$(jqo "$out" .result.CLOSEDATE)" "$ISO"
D2=$(add "$A" deal "{\"TITLE\":\"Big one\",\"OPPORTUNITY\":\"2500.5\",\"COMPANY_ID\":$CO1,\"CONTACT_IDS\":[$CT1,$CT2],\"TYPE_ID\":\"SALE\",\"PROBABILITY\":\"40\",\"BEGINDATE\":\"2024-01-15\"}")
out=$(get "$A/crm.deal.get?id=$D2")
expect_jq "deal values as legacy strings" "$out" '[.result.OPPORTUNITY, .result.PROBABILITY, .result.COMPANY_ID, .result.TYPE_ID] | join(",")' "2500.50,40,1,SALE"
expect_jq "deal CONTACT_ID is the first of CONTACT_IDS" "$out" '.result.CONTACT_ID + ":" + (.result.CONTACT_IDS | join(","))' "1:1,2"
expect_match "deal BEGINDATE as legacy datetime" "$(jqo "$out" .result.BEGINDATE)" '^2024-01-15T00:00:00'
out=$(get "$A/crm.deal.contact.items.get?id=$D2")
expect_jq "deal.contact.items.get" "$out" '[.result[] | "\(.CONTACT_ID):\(.SORT):\(.ROLE_ID):\(.IS_PRIMARY)"] | join(",")' "1:10:0:Y,2:20:0:N"
out=$(post "$A/crm.deal.contact.items.set" "{\"id\":$D2,\"items\":[{\"CONTACT_ID\":$CT2}]}")
expect_jq "deal.contact.items.set: one contact" "$(get "$A/crm.deal.get?id=$D2")" '.result.CONTACT_ID + ":" + (.result.CONTACT_IDS|join(","))' "2:2"
out=$(post "$A/crm.deal.contact.add" "{\"id\":$D2,\"fields\":{\"CONTACT_ID\":$CT1,\"IS_PRIMARY\":\"Y\"}}")
expect_jq "deal.contact.add as primary" "$(get "$A/crm.deal.get?id=$D2")" '.result.CONTACT_ID + ":" + (.result.CONTACT_IDS|join(","))' "1:1,2"
out=$(post "$A/crm.deal.contact.delete" "{\"id\":$D2,\"fields\":{\"CONTACT_ID\":$CT1}}")
expect_jq "deal.contact.delete of the primary" "$(get "$A/crm.deal.get?id=$D2")" '.result.CONTACT_ID + ":" + (.result.CONTACT_IDS|join(","))' "2:2"
out=$(post "$A/crm.deal.update" "{\"id\":$D2,\"fields\":{\"CONTACT_ID\":$CT3}}")
expect_jq "CONTACT_ID on update adds and makes primary" "$(get "$A/crm.deal.get?id=$D2")" '.result.CONTACT_ID + ":" + (.result.CONTACT_IDS|join(","))' "3:3,2"
out=$(get "$A/crm.deal.contact.items.delete?id=$D2")
expect_jq "deal.contact.items.delete" "$(get "$A/crm.deal.get?id=$D2")" '.result.CONTACT_ID + ":" + (.result.CONTACT_IDS|length|tostring)' "0:0"
post "$A/crm.deal.update" "{\"id\":$D2,\"fields\":{\"CONTACT_IDS\":[$CT1,$CT2]}}" >/dev/null
out=$(get "$A/crm.contact.delete?id=$CT1")
expect_jq "crm.contact.delete" "$out" '.result' true
expect_jq "deleting a deal's primary contact moves CONTACT_ID on" "$(get "$A/crm.deal.get?id=$D2")" '.result.CONTACT_ID + ":" + (.result.CONTACT_IDS|join(","))' "2:2"
expect_eq "the contact's rows are gone" "$(sql "SELECT COUNT(*) FROM crm_fm WHERE owner_type = 3 AND owner_id = $CT1")/$(sql "SELECT COUNT(*) FROM crm_binding WHERE (src_type = 3 AND src_id = $CT1) OR (dst_type = 3 AND dst_id = $CT1)")" "0/0"
out=$(get "$A/crm.company.delete?id=$CO1")
expect_jq "deleting a company clears deals' COMPANY_ID" "$(get "$A/crm.deal.get?id=$D2")" '.result.COMPANY_ID' 0
out=$(get "$A/crm.deal.update?id=$D2&fields[TITLE]=Renamed&fields[OPPORTUNITY]=99.999&fields[CLOSEDATE]=2030-12-31")
expect_jq "crm.deal.update by GET" "$out" '.result' true
out=$(get "$A/crm.deal.get?id=$D2")
expect_jq "GET update applied" "$out" '.result.TITLE + ":" + .result.OPPORTUNITY + ":" + .result.CLOSEDATE[0:10]' "Renamed:100.00:2030-12-31"
out=$(get "$A/crm.deal.fields")
expect_jq "crm.deal.fields: CATEGORY_ID immutable, STAGE_ID of DEAL_STAGE" "$out" '(.result.CATEGORY_ID.isImmutable|tostring) + ":" + .result.STAGE_ID.statusType' "true:DEAL_STAGE"
expect_jq "crm.deal.fields: CONTACT_IDS multiple contacts" "$out" '.result.CONTACT_IDS.type + ":" + (.result.CONTACT_IDS.isMultiple|tostring)' "crm_contact:true"

# ---------------------------------------------------------------- lead contacts
L3=$(add "$A" lead "{\"TITLE\":\"Repeat\",\"CONTACT_ID\":$CT2}")
out=$(get "$A/crm.lead.get?id=$L3")
expect_jq "lead with a contact is a repeat lead" "$out" '.result.IS_RETURN_CUSTOMER + ":" + .result.CONTACT_ID' "Y:2"
expect_jq "crm.lead.contact.items.get" "$(get "$A/crm.lead.contact.items.get?id=$L3")" '.result[0].CONTACT_ID' 2

# ---------------------------------------------------------------- quotes
Q1=$(add "$A" quote "{\"TITLE\":\"Offer\",\"DEAL_ID\":$D2,\"OPPORTUNITY\":300,\"CONTACT_IDS\":[$CT2]}")
out=$(get "$A/crm.quote.get?id=$Q1")
expect_jq "quote defaults: DRAFT, number = id, open" "$out" '.result.STATUS_ID + ":" + .result.QUOTE_NUMBER + ":" + .result.CLOSED + ":" + .result.DEAL_ID + ":" + .result.CONTACT_ID' "DRAFT:$Q1:N:$D2:2"
post "$A/crm.quote.update" "{\"id\":$Q1,\"fields\":{\"STATUS_ID\":\"APPROVED\",\"QUOTE_NUMBER\":\"X-1\"}}" >/dev/null
out=$(get "$A/crm.quote.get?id=$Q1")
expect_jq "approved quote is closed; QUOTE_NUMBER read-only" "$out" '.result.CLOSED + ":" + .result.QUOTE_NUMBER' "Y:$Q1"
out=$(post "$A/crm.quote.add" '{"fields":{"TITLE":"Bad","DEAL_ID":999}}')
expect_code "quote linked to a missing deal" "$out" "400 INVALID_ARG_VALUE"
out=$(get "$A/crm.deal.delete?id=$D2")
expect_jq "deleting a deal clears quotes' DEAL_ID" "$(get "$A/crm.quote.get?id=$Q1")" '.result.DEAL_ID' 0
out=$(get "$A/crm.quote.delete?id=$Q1")
expect_jq "crm.quote.delete" "$out" '.result' true
expect_code "deleted quote is not found" "$(get "$A/crm.quote.get?id=$Q1")" "400 NOT_FOUND"

# ---------------------------------------------------------------- delete
out=$(get "$A/crm.lead.delete?id=2")
expect_jq "crm.lead.delete" "$out" '.result' true
expect_code "deleted lead: get is 400 NOT_FOUND" "$(get "$A/crm.lead.get?id=2")" "400 NOT_FOUND"
expect_jq "NOT_FOUND description" "$(get "$A/crm.lead.get?id=2")" '.error_description' "Not found"
expect_eq "deleted lead's multi-fields and history are gone" "$(sql "SELECT (SELECT COUNT(*) FROM crm_fm WHERE owner_type = 1 AND owner_id = 2) + (SELECT COUNT(*) FROM crm_timeline WHERE owner_type = 1 AND owner_id = 2)")" 0

# ---------------------------------------------------------------- history
expect_eq "history: created rows" "$(sql "SELECT COUNT(*) FROM crm_timeline WHERE owner_type = 1 AND owner_id = 1 AND type = 'created'")" 1
expect_eq "history: lead status moves" "$(sql "SELECT group_concat(json_extract(data, '\$.old') || '>' || json_extract(data, '\$.new'), ',') FROM crm_timeline WHERE owner_type = 1 AND owner_id = 1 AND type = 'stage_changed'")" "NEW>CONVERTED,CONVERTED>IN_PROCESS"
expect_eq "history: field change with old and new" "$(sql "SELECT json_extract(data, '\$.old') || '>' || json_extract(data, '\$.new') FROM crm_timeline WHERE owner_type = 1 AND owner_id = 1 AND type = 'field_changed' AND json_extract(data, '\$.field') = 'TITLE'")" "Web lead>Won lead"
expect_eq "history: system fields are not logged" "$(sql "SELECT COUNT(*) FROM crm_timeline WHERE json_extract(data, '\$.field') IN ('DATE_MODIFY', 'MODIFY_BY_ID')")" 0
expect_eq "history: author recorded" "$(sql "SELECT DISTINCT author_id FROM crm_timeline")" 1

# ---------------------------------------------------------------- currencies
out=$(get "$A/crm.currency.list")
expect_jq "currency.list: USD is the base" "$out" '.result[] | select(.CURRENCY == "USD") | .BASE' Y
expect_match "currency.list has the seeded codes" "$(jqo "$out" '[.result[].CURRENCY] | join(",")')" 'USD,EUR,GBP,BRL,KES,TZS,UGX'
out=$(get "$A/crm.currency.get?id=kes")
expect_jq "currency.get with LANG" "$out" '.result.CURRENCY + ":" + .result.LANG.en.FULL_NAME' "KES:Kenyan Shilling"
expect_code "currency.get of an unknown code" "$(get "$A/crm.currency.get?id=XXX")" "400 NOT_FOUND"
get "$A/crm.currency.base.set?id=KES" >/dev/null
expect_jq "currency.base.get" "$(get "$A/crm.currency.base.get")" '.result' KES
D3=$(add "$A" deal '{"TITLE":"In shillings"}')
expect_jq "new deals take the base currency" "$(get "$A/crm.deal.get?id=$D3")" '.result.CURRENCY_ID' KES
expect_code "currency.base.set is crm_config's" "$(get "$B/crm.currency.base.set?id=USD")" "200 "
out=$(post "$A/crm.deal.add" '{"fields":{"CURRENCY_ID":"XYZ"}}')
expect_code "unknown currency refused" "$out" "400 INVALID_ARG_VALUE"
expect_jq "crm.multifield.fields" "$(get "$A/crm.multifield.fields")" '[.result | keys[]] | join(",")' "ID,TYPE_ID,VALUE,VALUE_TYPE"

t_finish
