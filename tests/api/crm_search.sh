#!/usr/bin/env bash
# Search (crm.search): ranked hits across leads, contacts, companies, deals and quotes by
# title, names, company names, phones and e-mails (raw and normalised), prefix matching of the
# last word, diacritics ignored; the index follows adds, updates, deletes and merges, and is
# rebuilt at start-up when it is out of step; hits are narrowed to what the caller may read;
# bad input is a 400 with a code and query syntax in the text is never an error.
# shellcheck source=tests/api/crm_common.bash
source "$(dirname "$0")/crm_common.bash"

# hits OUT: "type:id" of each hit, comma-separated, in rank order
hits() { jqo "$1" '[.result[] | "\(.entityTypeId):\(.id)"] | join(",")'; }
search() { post "$1/crm.search" "$2"; }

CM=$(add "$A" contact '{"NAME":"Jürgen","LAST_NAME":"Müller","POST":"Buyer","PHONE":[{"VALUE":"+49 (30) 1234-5678"}],"EMAIL":[{"VALUE":"j.mueller@example.de"}]}')
CS=$(add "$A" contact '{"NAME":"John","LAST_NAME":"Smith","EMAIL":[{"VALUE":"john.smith@example.com"}],"ASSIGNED_BY_ID":2}')
CO=$(add "$A" company '{"TITLE":"Muller Logistics","PHONE":[{"VALUE":"+1 555 0199"}]}')
LD=$(add "$A" lead '{"TITLE":"Enquiry from Café Olé","NAME":"Zoë","COMPANY_TITLE":"Olé Foods"}')
DL=$(add "$A" deal '{"TITLE":"Smith renewal","OPPORTUNITY":2500,"CURRENCY_ID":"USD"}')
QT=$(add "$A" quote '{"TITLE":"Quote for Muller Logistics"}')

# ---------------------------------------------------------------- matching
out=$(search "$A" '{"query":"mull"}')
expect_code "search" "$out" "200 "
expect_eq "prefix, diacritics ignored" "$(jqo "$out" '[.result[] | "\(.entityTypeId):\(.id)"] | sort | join(",")')" "3:$CM,4:$CO,7:$QT"
expect_jq "hit shape" "$out" '.result[0] | keys | join(",")' "entityTypeId,id,rank,subtitle,title"
expect_jq "hit: title and subtitle" "$out" '.result[] | select(.entityTypeId == 3) | .title + " / " + .subtitle' "Jürgen Müller / Buyer, +49 (30) 1234-5678"
expect_jq "ranks fall" "$out" '[.result[].rank] | . == (sort | reverse)' true
expect_eq "typed with diacritics" "$(hits "$(search "$A" '{"query":"MÜLLER"}')")" "$(hits "$out")"
expect_eq "two words: both must match, the last as a prefix" "$(hits "$(search "$A" '{"query":"john smi"}')")" "3:$CS"
expect_eq "a whole word is not a prefix unless last" "$(hits "$(search "$A" '{"query":"smi renewal"}')")" ""
expect_eq "company name of a lead" "$(hits "$(search "$A" '{"query":"ole foods"}')")" "1:$LD"
CF=$(add "$A" company '{"TITLE":"Foods Inc"}')
expect_eq "a title match ranks above a name match" "$(hits "$(search "$A" '{"query":"foods"}')")" "4:$CF,1:$LD"
expect_eq "e-mail, typed ahead" "$(hits "$(search "$A" '{"query":"j.mueller@exa"}')")" "3:$CM"
expect_eq "phone as stored" "$(hits "$(search "$A" '{"query":"+49 (30) 1234"}')")" "3:$CM"
expect_eq "phone digits only (normalised)" "$(hits "$(search "$A" '{"query":"4930123"}')")" "3:$CM"
expect_eq "phone with other separators" "$(hits "$(search "$A" '{"query":"49-30-1234-5678"}')")" "3:$CM"
expect_eq "deal by title" "$(hits "$(search "$A" '{"query":"renewal"}')")" "2:$DL"
expect_jq "deal subtitle: its amount" "$(search "$A" '{"query":"renewal"}')" '.result[0].subtitle' "2500.00 USD"
expect_eq "entityTypes by id" "$(hits "$(search "$A" '{"query":"smith","entityTypes":[3]}')")" "3:$CS"
expect_eq "entityTypes by name, form encoding" "$(hits "$(get "$A/crm.search?query=smith&entityTypes[]=deal")")" "2:$DL"
expect_jq "limit" "$(search "$A" '{"query":"mull","limit":1}')" '.result | length' 1
expect_jq "no match: an empty list" "$(search "$A" '{"query":"zzzz"}')" '.result | "\(type)/\(length)"' "array/0"
expect_jq "query syntax in the text is plain text" "$(search "$A" '{"query":"\"smith OR NOT * ( NEAR"}')" '.result | type' array
expect_jq "punctuation only finds nothing" "$(search "$A" '{"query":"-- ..."}')" '.result | length' 0
CB=$(add "$A" contact '{"NAME":"Bob","LAST_NAME":"Stone","PHONE":[{"VALUE":"555-0002"}]}')
expect_eq "a word and a phone-like word" "$(hits "$(search "$A" '{"query":"Bob 555-0002"}')")" "3:$CB"
expect_eq "... in either order" "$(hits "$(search "$A" '{"query":"555-0002 bob"}')")" "3:$CB"
expect_eq "... and two phone-like words" "$(hits "$(search "$A" '{"query":"555-0002 555-0002"}')")" "3:$CB"
for q in 'Bob 555-0002 "' 'a (b) 12-34 OR' '555-0002 NEAR(' '-x 12-34 ^y' 'x: 1-2-3 *' '"" 99-99 NOT'; do
    out=$(search "$A" "$(jq -cn --arg q "$q" '{query: $q}')")
    expect_jq "syntax with a phone-like word is plain text: $q" "$out" '.result | type' array
done

# ---------------------------------------------------------------- the index follows writes
expect_code "rename the company" "$(post "$A/crm.company.update" "{\"id\":$CO,\"fields\":{\"TITLE\":\"Northwind Freight\"}}")" "200 "
expect_eq "old title gone" "$(hits "$(search "$A" '{"query":"muller","entityTypes":[4]}')")" ""
expect_eq "new title found" "$(hits "$(search "$A" '{"query":"northw"}')")" "4:$CO"
expect_code "add a phone" "$(post "$A/crm.contact.update" "{\"id\":$CS,\"fields\":{\"PHONE\":[{\"VALUE\":\"+44 7700 900123\"}]}}")" "200 "
expect_eq "new phone found" "$(hits "$(search "$A" '{"query":"447700"}')")" "3:$CS"
expect_code "delete the deal" "$(get "$A/crm.deal.delete?id=$DL")" "200 "
expect_eq "deleted deal gone" "$(hits "$(search "$A" '{"query":"renewal"}')")" ""
DUP=$(add "$A" contact '{"NAME":"Jurgen","LAST_NAME":"Mueller-Dup"}')
expect_code "merge" "$(post "$A/crm.contact.merge" "{\"id\":$CM,\"ids\":[$DUP]}")" "200 "
expect_eq "merged victim gone" "$(hits "$(search "$A" '{"query":"mueller-dup"}')")" ""
out=$(post "$A/crm.lead.convert" "{\"id\":$LD}")
expect_eq "converted records are found" "$(hits "$(search "$A" '{"query":"zoe","entityTypes":["contact","lead"]}')")" "3:$(jqo "$out" .result.CONTACT_ID),1:$LD"
expect_eq "index rows = records" "$(sql "SELECT COUNT(*) FROM crm_search")" "$(sql "SELECT (SELECT COUNT(*) FROM crm_lead) + (SELECT COUNT(*) FROM crm_deal) + (SELECT COUNT(*) FROM crm_contact) + (SELECT COUNT(*) FROM crm_company) + (SELECT COUNT(*) FROM crm_quote)")"

# ---------------------------------------------------------------- bad input
expect_code "query is required" "$(search "$A" '{}')" "400 BX_EMPTY_REQUIRED"
expect_code "empty query" "$(search "$A" '{"query":""}')" "400 BX_EMPTY_REQUIRED"
expect_code "limit 0" "$(search "$A" '{"query":"a","limit":0}')" "400 INVALID_ARG_VALUE"
expect_code "limit over 50" "$(search "$A" '{"query":"a","limit":51}')" "400 INVALID_ARG_VALUE"
expect_code "limit not a number" "$(search "$A" '{"query":"a","limit":"many"}')" "400 INVALID_ARG_VALUE"
expect_code "unknown entity type" "$(search "$A" '{"query":"a","entityTypes":[99]}')" "400 INVALID_ARG_VALUE"
expect_code "query too long" "$(search "$A" "{\"query\":\"$(printf 'a%.0s' $(seq 1 201))\"}")" "400 INVALID_ARG_VALUE"

# ---------------------------------------------------------------- permissions
ROLE=$(jqo "$(post "$A/role.add" '{"fields":{"NAME":"Own contacts","PERMISSIONS":{"*":{"READ":"all","ADD":"all","UPDATE":"all","DELETE":"all"},"crm_contact":{"READ":"own","ADD":"all","UPDATE":"own","DELETE":"own"},"crm_quote":{"READ":"none","ADD":"none","UPDATE":"none","DELETE":"none"}}}}')" .result)
expect_jq "role assigned to Bob" "$(post "$A/role.assign" "{\"ROLE_ID\":$ROLE,\"USER_ID\":2}")" .result true
QT2=$(add "$A" quote '{"TITLE":"Smith quote"}')
expect_eq "admin sees every Smith" "$(hits "$(search "$A" '{"query":"smith"}')")" "7:$QT2,3:$CS"
expect_eq "READ=own: Bob sees his contact, not the quote" "$(hits "$(search "$B" '{"query":"smith"}')")" "3:$CS"
expect_eq "READ=own: another's contact is not a hit" "$(hits "$(search "$B" '{"query":"jurgen"}')")" ""
expect_eq "Cid (default role) sees the other contact" "$(hits "$(search "$C" '{"query":"jurgen"}')")" "3:$CM"
expect_eq "READ=none: asking for quotes only gives nothing" "$(hits "$(search "$B" '{"query":"smith","entityTypes":[7]}')")" ""
expect_code "no crm scope" "$(search "$N" '{"query":"smith"}')" "403 insufficient_scope"

# ---------------------------------------------------------------- rebuilt at start-up
kazi_stop
sql "DELETE FROM crm_search WHERE rowid % 64 = 3" >/dev/null
expect_eq "contacts dropped from the index" "$(sql "SELECT COUNT(*) FROM crm_search WHERE rowid % 64 = 3")" 0
kazi_start --https off || not_ok "kazi restarts"
A=$HTTP_URL$PA
expect_eq "the index is rebuilt" "$(hits "$(search "$A" '{"query":"jurgen"}')")" "3:$CM"
expect_match "the rebuild is logged" "$(cat "$T_DIR/stderr" "$T_DIR/stdout")" "rebuilding the search index"

t_finish
