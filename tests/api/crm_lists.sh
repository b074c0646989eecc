#!/usr/bin/env bash
# CRM lists: paging over 120 deals (total/next, start=-1 with >ID as the SDKs page), every
# filter operator on number, text, date and flag fields, order, select and its masks,
# multi-field filters, the same through GET brackets and batch, and user fields (every type;
# in select, filter and order; list items; mandatory; delete).
# shellcheck source=tests/api/crm_common.bash
source "$(dirname "$0")/crm_common.bash"

# ids OUT: the IDs of a list result, comma-joined
ids() { jqo "$1" '[.result[].ID] | join(",")'; }

# ---------------------------------------------------------------- 120 deals by batch
# deal n: TITLE "Deal n", OPPORTUNITY n*100, stage by n mod 4, owner 2 for even n
stages=(NEW PREPARATION EXECUTING WON)
for b in 0 1 2; do
    cmd=""
    for i in $(seq $((b * 40 + 1)) $((b * 40 + 40))); do
        owner=$((i % 2 == 0 ? 2 : 1))
        cmd+="\"d$i\":\"crm.deal.add?fields[TITLE]=Deal%20$i&fields[OPPORTUNITY]=$((i * 100))&fields[STAGE_ID]=${stages[$((i % 4))]}&fields[ASSIGNED_BY_ID]=$owner\","
    done
    out=$(post "$A/batch" "{\"halt\":1,\"cmd\":{${cmd%,}}}")
    expect_jq "batch of 40 crm.deal.add ($b)" "$out" '.result.result | length' 40
done
expect_eq "120 deals stored" "$(count deal)" 120

out=$(get "$A/crm.deal.list")
expect_jq "list page 1: 50 rows, total, next" "$out" '"\(.result|length)/\(.total)/\(.next)"' "50/120/50"
expect_jq "list default order is by ID" "$out" '.result[0].ID + "," + .result[49].ID' "1,50"
expect_jq "default select has every plain field" "$out" '.result[0] | has("STAGE_SEMANTIC_ID") and has("DATE_CREATE") and (has("CONTACT_IDS")|not)' true
out=$(get "$A/crm.deal.list?start=50")
expect_jq "page 2" "$out" '"\(.result|length)/\(.total)/\(.next)/\(.result[0].ID)"' "50/120/100/51"
out=$(post "$A/crm.deal.list" '{"start":100}')
expect_jq "last page has no next" "$out" '"\(.result|length)/\(.total)/\(has("next"))"' "20/120/false"
out=$(post "$A/crm.deal.list" '{"start":"abc"}')
expect_code "bad start" "$out" "400 INVALID_ARG_VALUE"
# every list refuses a start that is not an offset or -1 the same way
bad_start="parameter 'start' must be a non-negative offset or -1"
for call in "crm.deal.list|{}" "crm.item.list|{\"entityTypeId\":2}" "crm.activity.list|{}" \
    "crm.product.list|{}" "crm.dealcategory.list|{}" "user.get|{}" \
    "crm.timeline.comment.list|{\"filter\":{\"ENTITY_TYPE\":\"deal\",\"ENTITY_ID\":1}}" \
    "crm.item.productrow.list|{\"filter\":{\"=ownerType\":\"D\",\"=ownerId\":1}}"; do
    method=${call%%|*}
    body=$(jq -c '. + {"start": -5}' <<<"${call#*|}")
    out=$(post "$A/$method" "$body")
    expect_eq "$method: start=-5 refused in the one wording" \
        "${out%% *} $(jqo "$out" '.error + " " + .error_description')" "400 INVALID_ARG_VALUE $bad_start"
done

# the SDKs' fetchList: order ID ASC, >ID, start=-1, stop below 50 rows
last=0
seen=0
pages=0
while :; do
    out=$(post "$A/crm.deal.list" "{\"order\":{\"ID\":\"ASC\"},\"filter\":{\">ID\":$last},\"select\":[\"ID\"],\"start\":-1}")
    n=$(jqo "$out" '.result | length')
    [ "$pages" -eq 0 ] && expect_jq "start=-1: no next" "$out" 'has("next")' false
    seen=$((seen + n))
    pages=$((pages + 1))
    [ "$n" -lt 50 ] && break
    last=$(jqo "$out" '.result[-1].ID')
    [ "$pages" -gt 5 ] && break
done
expect_eq "cursor paging saw every deal in 3 pages" "$seen/$pages" "120/3"

# ---------------------------------------------------------------- filters
f() { post "$A/crm.deal.list" "{\"filter\":$1,\"select\":[\"ID\"],\"order\":{\"ID\":\"ASC\"}}"; }
expect_jq "= on a number" "$(f '{"OPPORTUNITY":500}')" '[.result[].ID]|join(",")' 5
expect_jq "=OPPORTUNITY as a string" "$(f '{"=OPPORTUNITY":"500"}')" '[.result[].ID]|join(",")' 5
expect_jq "! (not equal)" "$(f '{"!OPPORTUNITY":500}')" '.total' 119
expect_jq "!= (not equal)" "$(f '{"!=OPPORTUNITY":500}')" '.total' 119
expect_jq "> and <" "$(f '{">OPPORTUNITY":11500,"<OPPORTUNITY":"11900"}')" '[.result[].ID]|join(",")' "116,117,118"
expect_jq ">= and <=" "$(f '{">=OPPORTUNITY":11800,"<=OPPORTUNITY":12000}')" '[.result[].ID]|join(",")' "118,119,120"
expect_jq "@ (in)" "$(f '{"@ID":[3,5,7]}')" '[.result[].ID]|join(",")' "3,5,7"
expect_jq "array value = in" "$(f '{"ID":["2","4"]}')" '[.result[].ID]|join(",")' "2,4"
expect_jq "!@ (not in)" "$(f '{"!@ID":[1,2,3],"<ID":6}')" '[.result[].ID]|join(",")' "4,5"
expect_jq ">< (between)" "$(f '{"><OPPORTUNITY":[1000,1200]}')" '[.result[].ID]|join(",")' "10,11,12"
expect_jq "!>< (not between)" "$(f '{"!><ID":[2,119]}')" '[.result[].ID]|join(",")' "1,120"
expect_jq "% (substring)" "$(f '{"%TITLE":"al 11"}')" '.total' 11
expect_jq "% escapes the client's own %" "$(f '{"%TITLE":"%"}')" '.total' 0
expect_jq "=% (pattern)" "$(f '{"=%TITLE":"Deal 1_"}')" '.total' 10
expect_jq "%= (pattern)" "$(f '{"%=TITLE":"Deal 10%"}')" '.total' 11
expect_jq "!% (not substring)" "$(f '{"!%TITLE":"1"}')" '.total' 80
expect_jq "!=% (not pattern)" "$(f '{"!=%TITLE":"Deal 1%"}')" '.total' 88
# letters outside ASCII match in either case (SQLite's LIKE folds ASCII only)
for t in 'ÁGUA PURA Lda' 'Café Élise' 'МОСКВА Трейд'; do
    post "$A/crm.lead.add" "{\"fields\":{\"TITLE\":\"$t\"}}" >/dev/null
done
lf() { post "$A/crm.lead.list" "{\"filter\":$1,\"select\":[\"TITLE\"]}"; }
expect_jq "% folds accented capitals" "$(lf '{"%TITLE":"água"}')" '[.result[].TITLE] | join("|")' 'ÁGUA PURA Lda'
expect_jq "% folds the pattern too" "$(lf '{"%TITLE":"CAFÉ ÉLISE"}')" '[.result[].TITLE] | join("|")' 'Café Élise'
expect_jq "% folds Cyrillic" "$(lf '{"%TITLE":"москва"}')" '[.result[].TITLE] | join("|")' 'МОСКВА Трейд'
expect_jq "!% with folding" "$(lf '{"!%TITLE":"água","%TITLE":"a"}')" '[.result[].TITLE] | index("ÁGUA PURA Lda")' null
expect_jq "stage @ list" "$(f '{"@STAGE_ID":["WON","EXECUTING"]}')" '.total' 60
expect_jq "semantic and CLOSED follow the stage" "$(f '{"STAGE_SEMANTIC_ID":"S","CLOSED":"Y"}')" '.total' 30
expect_jq "flag filter accepts true/false" "$(f '{"CLOSED":false}')" '.total' 90
expect_jq "owner filter" "$(f '{"ASSIGNED_BY_ID":2}')" '.total' 60
expect_jq "empty string matches empty" "$(f '{"TYPE_ID":""}')" '.total' 120
expect_jq "!empty" "$(f '{"!TYPE_ID":""}')" '.total' 0
today=$(date +%Y-%m-%d)
expect_jq "date filter >=today" "$(f "{\">=DATE_CREATE\":\"$today\"}")" '.total' 120
expect_jq "date filter <today" "$(f "{\"<DATE_CREATE\":\"$today\"}")" '.total' 0
expect_jq "date filter as DD.MM.YYYY" "$(f "{\">=DATE_CREATE\":\"$(date +%d.%m.%Y)\"}")" '.total' 120
out=$(f '{"NO_SUCH":1}')
expect_code "unknown filter field" "$out" "400 INVALID_ARG_VALUE"
expect_match "the message names it" "$(jqo "$out" .error_description)" "NO_SUCH"
expect_code "wrong filter value type" "$(f '{">OPPORTUNITY":"lots"}')" "400 INVALID_ARG_VALUE"
expect_code "LIKE on a number is refused" "$(f '{"%OPPORTUNITY":"1"}')" "400 INVALID_ARG_VALUE"
expect_code "filter must be an object" "$(post "$A/crm.deal.list" '{"filter":"x"}')" "400 INVALID_ARG_VALUE"

# ---------------------------------------------------------------- order and select
out=$(post "$A/crm.deal.list" '{"order":{"OPPORTUNITY":"DESC"},"select":["ID","OPPORTUNITY"]}')
expect_jq "order DESC" "$out" '.result[0].ID + ":" + .result[0].OPPORTUNITY' "120:12000.00"
expect_jq "select only named fields" "$out" '.result[0] | keys | join(",")' "ID,OPPORTUNITY"
out=$(post "$A/crm.deal.list" '{"order":{"STAGE_ID":"asc","ID":"desc"},"select":["STAGE_ID"]}')
expect_jq "order on two fields; ID always selected" "$out" '.result[0].STAGE_ID + ":" + .result[0].ID' "EXECUTING:118"
expect_code "unknown order field" "$(post "$A/crm.deal.list" '{"order":{"NOPE":"ASC"}}')" "400 INVALID_ARG_VALUE"
expect_code "bad order direction" "$(post "$A/crm.deal.list" '{"order":{"ID":"UP"}}')" "400 INVALID_ARG_VALUE"
expect_code "unknown select field" "$(post "$A/crm.deal.list" '{"select":["ID","NOPE"]}')" "400 INVALID_ARG_VALUE"
out=$(post "$A/crm.deal.list" '{"select":["ID","CONTACT_IDS"]}')
expect_jq "CONTACT_IDS cannot be selected in lists" "$out" '.result[0] | keys | join(",")' "ID"
out=$(get "$A/crm.deal.list?filter[>=OPPORTUNITY]=11900&select[]=ID&select[]=TITLE&order[ID]=DESC")
expect_jq "GET brackets: filter, select, order" "$out" '[.result[] | .ID + ":" + .TITLE] | join(",")' "120:Deal 120,119:Deal 119"
out=$(get "$A/crm.deal.list?filter[@STAGE_ID][]=WON&filter[@STAGE_ID][]=NEW&filter[<ID]=9&select[0]=ID")
expect_jq "GET brackets: @ list" "$out" '[.result[].ID] | join(",")' "3,4,7,8"
out=$(post "$A/batch" '{"cmd":{"a":"crm.deal.list?filter[>ID]=100&select[]=ID","b":"crm.deal.list?start=100"}}')
expect_jq "batch lists: totals and rows" "$out" '"\(.result.result.a|length)/\(.result.result_total.a)/\(.result.result_total.b)"' "20/20/120"

# ---------------------------------------------------------------- multi-field filters
L1=$(add "$A" lead '{"TITLE":"A","PHONE":[{"VALUE":"+254700000001"}],"EMAIL":[{"VALUE":"a@x.io"}]}')
L2=$(add "$A" lead '{"TITLE":"B","PHONE":[{"VALUE":"+254700000002"},{"VALUE":"+254700000003"}]}')
out=$(post "$A/crm.lead.list" '{"filter":{"PHONE":"+254700000003"},"select":["ID","PHONE"]}')
expect_jq "filter by phone (exact)" "$out" '[.result[].ID] | join(",")' "$L2"
expect_jq "selected PHONE comes with every value" "$out" '.result[0].PHONE | length' 2
expect_jq "filter by several phones" "$(post "$A/crm.lead.list" '{"filter":{"PHONE":["+254700000001","+254700000002"]}}')" '.total' 2
out=$(post "$A/crm.lead.list" '{"select":["*"]}')
expect_jq "* leaves multi-fields out" "$out" '.result[0] | has("PHONE")' false
expect_jq "HAS_EMAIL filter" "$(post "$A/crm.lead.list" '{"filter":{"HAS_EMAIL":"Y"}}')" '[.result[].ID] | join(",")' "$L1"

# ---------------------------------------------------------------- user fields
uf() { post "$A/crm.deal.userfield.add" "{\"fields\":$1}"; }
out=$(uf '{"FIELD_NAME":"SCORE","USER_TYPE_ID":"integer","LABEL":"Score"}')
expect_jq "userfield.add returns an id" "$out" '.result | type' number
UF_SCORE=$(jqo "$out" .result)
uf '{"FIELD_NAME":"UF_NOTE","USER_TYPE_ID":"string","EDIT_FORM_LABEL":{"en":"Note"}}' >/dev/null
uf '{"FIELD_NAME":"UF_CRM_KIND","USER_TYPE_ID":"enumeration","LIST":[{"VALUE":"Hot","SORT":10},{"VALUE":"Cold","SORT":20}]}' >/dev/null
uf '{"FIELD_NAME":"VIP","USER_TYPE_ID":"boolean"}' >/dev/null
uf '{"FIELD_NAME":"TAGS","USER_TYPE_ID":"string","MULTIPLE":"Y"}' >/dev/null
uf '{"FIELD_NAME":"DUE","USER_TYPE_ID":"date"}' >/dev/null
uf '{"FIELD_NAME":"PRICE","USER_TYPE_ID":"money"}' >/dev/null
uf '{"FIELD_NAME":"LINK","USER_TYPE_ID":"crm"}' >/dev/null
expect_code "duplicate user field" "$(uf '{"FIELD_NAME":"SCORE","USER_TYPE_ID":"string"}')" "400 ERROR_ARGUMENT"
expect_code "unsupported user field type" "$(uf '{"FIELD_NAME":"X","USER_TYPE_ID":"hologram"}')" "400 INVALID_ARG_VALUE"
expect_code "user field without type" "$(uf '{"FIELD_NAME":"X"}')" "400 BX_EMPTY_REQUIRED"
out=$(get "$A/crm.deal.userfield.list")
expect_jq "userfield.list: names normalised to UF_CRM_" "$out" '[.result[].FIELD_NAME] | join(",")' \
    "UF_CRM_SCORE,UF_CRM_NOTE,UF_CRM_KIND,UF_CRM_VIP,UF_CRM_TAGS,UF_CRM_DUE,UF_CRM_PRICE,UF_CRM_LINK"
expect_jq "userfield.list: enumeration items" "$out" '.result[2].LIST | map(.VALUE) | join(",")' "Hot,Cold"
expect_jq "userfield.list filter" "$(post "$A/crm.deal.userfield.list" '{"filter":{"USER_TYPE_ID":"string","LANG":"en"}}')" '[.result[].FIELD_NAME] | join(",")' "UF_CRM_NOTE,UF_CRM_TAGS"
HOT=$(jqo "$out" '.result[2].LIST[0].ID')
COLD=$(jqo "$out" '.result[2].LIST[1].ID')
out=$(get "$A/crm.deal.userfield.get?id=$UF_SCORE")
expect_jq "userfield.get" "$out" '.result.FIELD_NAME + ":" + .result.EDIT_FORM_LABEL + ":" + .result.ENTITY_ID + ":" + .result.MULTIPLE' "UF_CRM_SCORE:Score:CRM_DEAL:N"
expect_code "userfield.get of another entity's field" "$(get "$A/crm.lead.userfield.get?id=$UF_SCORE")" "400 NOT_FOUND"
out=$(post "$A/crm.deal.userfield.update" "{\"id\":$UF_SCORE,\"fields\":{\"EDIT_FORM_LABEL\":\"Rating\",\"SORT\":1}}")
expect_jq "userfield.update" "$out" '.result' true
expect_jq "crm.deal.fields lists user fields" "$(get "$A/crm.deal.fields")" '.result.UF_CRM_SCORE.type + ":" + .result.UF_CRM_SCORE.title + ":" + (.result.UF_CRM_SCORE.isDynamic|tostring) + ":" + (.result.UF_CRM_KIND.items|length|tostring)' "integer:Rating:true:2"

post "$A/crm.deal.update" "{\"id\":1,\"fields\":{\"UF_CRM_SCORE\":\"70\",\"UF_CRM_NOTE\":\"call back\",\"UF_CRM_KIND\":$HOT,\"UF_CRM_VIP\":\"Y\",\"UF_CRM_TAGS\":[\"a\",\"b\"],\"UF_CRM_DUE\":\"2031-05-06\",\"UF_CRM_PRICE\":\"300|eur\",\"UF_CRM_LINK\":\"D_2\"}}" >/dev/null
post "$A/crm.deal.update" "{\"id\":2,\"fields\":{\"UF_CRM_SCORE\":90,\"UF_CRM_KIND\":$COLD,\"UF_CRM_TAGS\":[\"b\"],\"UF_CRM_VIP\":false}}" >/dev/null
get "$A/crm.deal.update?id=3&fields[UF_CRM_SCORE]=80&fields[UF_CRM_TAGS][]=c&fields[UF_CRM_PRICE]=12.5" >/dev/null
out=$(get "$A/crm.deal.get?id=1")
expect_jq "get returns user fields as legacy values" "$out" '[.result.UF_CRM_SCORE, .result.UF_CRM_NOTE, .result.UF_CRM_KIND, .result.UF_CRM_VIP, (.result.UF_CRM_TAGS|join("+")), .result.UF_CRM_PRICE, .result.UF_CRM_LINK] | join(",")' \
    "70,call back,$HOT,1,a+b,300|EUR,D_2"
expect_match "date user field as ISO" "$(jqo "$out" .result.UF_CRM_DUE)" '^2031-05-06T00:00:00'
expect_jq "unset user fields are null, multiple ones []" "$(get "$A/crm.deal.get?id=4")" '(.result.UF_CRM_SCORE|tostring) + ":" + (.result.UF_CRM_TAGS|length|tostring)' "null:0"
expect_jq "money without a currency takes the base" "$(get "$A/crm.deal.get?id=3")" '.result.UF_CRM_PRICE' "12.5|USD"
out=$(post "$A/crm.deal.list" '{"filter":{">UF_CRM_SCORE":60},"order":{"UF_CRM_SCORE":"DESC"},"select":["ID","UF_CRM_SCORE"]}')
expect_jq "filter and order by a user field" "$out" '[.result[] | .ID + "=" + .UF_CRM_SCORE] | join(",")' "2=90,3=80,1=70"
expect_jq "selected user field only" "$out" '.result[0] | keys | join(",")' "ID,UF_CRM_SCORE"
out=$(post "$A/crm.deal.list" '{"filter":{"<ID":3},"select":["ID","UF_*"]}')
expect_jq "UF_* selects every user field, multiple ones too" "$out" '.result[0] | keys | map(select(startswith("UF_"))) | length' 8
expect_jq "default select includes user fields" "$(post "$A/crm.deal.list" '{"filter":{"ID":1}}')" '.result[0].UF_CRM_NOTE' "call back"
expect_jq "* alone leaves user fields out" "$(post "$A/crm.deal.list" '{"filter":{"ID":1},"select":["*"]}')" '.result[0] | has("UF_CRM_NOTE")' false
expect_jq "filter by a list item" "$(post "$A/crm.deal.list" "{\"filter\":{\"UF_CRM_KIND\":$COLD}}")" '[.result[].ID]|join(",")' 2
expect_jq "filter by a boolean user field (Y)" "$(post "$A/crm.deal.list" '{"filter":{"UF_CRM_VIP":"Y"}}')" '[.result[].ID]|join(",")' 1
expect_jq "filter by a boolean user field (0)" "$(post "$A/crm.deal.list" '{"filter":{"UF_CRM_VIP":0}}')" '[.result[].ID]|join(",")' 2
expect_jq "filter by a multiple user field" "$(post "$A/crm.deal.list" '{"filter":{"UF_CRM_TAGS":"b"},"order":{"ID":"ASC"}}')" '[.result[].ID]|join(",")' "1,2"
expect_jq "% on a text user field" "$(post "$A/crm.deal.list" '{"filter":{"%UF_CRM_NOTE":"back"}}')" '.total' 1
expect_jq "date user field filter" "$(post "$A/crm.deal.list" '{"filter":{">UF_CRM_DUE":"2031-01-01"}}')" '.total' 1
before=$(sql "SELECT COUNT(*) FROM crm_uf_value")
expect_code "unknown list item refused" "$(post "$A/crm.deal.update" '{"id":4,"fields":{"UF_CRM_KIND":99999,"TITLE":"x"}}')" "400 INVALID_ARG_VALUE"
expect_code "integer user field with text" "$(post "$A/crm.deal.update" '{"id":4,"fields":{"UF_CRM_SCORE":"high"}}')" "400 INVALID_ARG_VALUE"
expect_code "bad money" "$(post "$A/crm.deal.update" '{"id":4,"fields":{"UF_CRM_PRICE":"12|EURO"}}')" "400 INVALID_ARG_VALUE"
expect_code "crm link to a missing record" "$(post "$A/crm.deal.update" '{"id":4,"fields":{"UF_CRM_LINK":"C_999"}}')" "400 INVALID_ARG_VALUE"
expect_eq "refused user-field writes changed nothing" "$(sql "SELECT COUNT(*) FROM crm_uf_value")/$(jqo "$(get "$A/crm.deal.get?id=4")" .result.TITLE)" "$before/Deal 4"
out=$(post "$A/crm.deal.update" '{"id":1,"fields":{"UF_CRM_TAGS":[],"UF_CRM_NOTE":""}}')
expect_jq "emptying user fields" "$(get "$A/crm.deal.get?id=1")" '(.result.UF_CRM_TAGS|length|tostring) + ":" + (.result.UF_CRM_NOTE|tostring)' "0:null"
post "$A/crm.deal.userfield.update" "{\"id\":$(jqo "$(get "$A/crm.deal.userfield.list")" '.result[] | select(.FIELD_NAME=="UF_CRM_KIND") | .ID'),\"fields\":{\"LIST\":[{\"ID\":$HOT,\"DEL\":\"Y\"},{\"VALUE\":\"Warm\"}]}}" >/dev/null
expect_jq "list items: delete one, add one" "$(get "$A/crm.deal.userfield.list")" '.result[] | select(.FIELD_NAME=="UF_CRM_KIND") | .LIST | map(.VALUE) | join(",")' "Cold,Warm"
expect_jq "values of a deleted item are gone" "$(get "$A/crm.deal.get?id=1")" '.result.UF_CRM_KIND | tostring' null
uf '{"FIELD_NAME":"DOC","USER_TYPE_ID":"file"}' >/dev/null
uf '{"FIELD_NAME":"AT","USER_TYPE_ID":"datetime"}' >/dev/null
uf '{"FIELD_NAME":"RATE","USER_TYPE_ID":"double"}' >/dev/null
out=$(post "$A/crm.deal.update" '{"id":5,"fields":{"UF_CRM_DOC":{"fileData":["a.txt","aGVsbG8="]},"UF_CRM_AT":"2030-01-02T03:04:05+00:00","UF_CRM_RATE":"2.5"}}')
expect_jq "file, datetime and double user fields" "$out" '.result' true
out=$(get "$A/crm.deal.get?id=5")
expect_jq "file value: id and name" "$out" '(.result.UF_CRM_DOC.id|type) + ":" + .result.UF_CRM_DOC.name' "string:a.txt"
expect_match "datetime value as ISO" "$(jqo "$out" .result.UF_CRM_AT)" '^2030-01-0[12]T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}$'
expect_jq "double value" "$out" '.result.UF_CRM_RATE' 2.5
expect_eq "the file is stored with its size" "$(sql "SELECT name || ':' || size FROM crm_file")" "a.txt:5"
post "$A/crm.deal.update" '{"id":5,"fields":{"UF_CRM_DOC":["b.txt","d29ybGQ="]}}' >/dev/null
expect_eq "replacing a file drops the old one" "$(sql "SELECT group_concat(name) FROM crm_file")" "b.txt"
expect_jq "filter by a datetime user field" "$(post "$A/crm.deal.list" '{"filter":{">UF_CRM_AT":"2030-01-01"},"select":["ID"]}')" '[.result[].ID]|join(",")' 5
expect_code "bad file data" "$(post "$A/crm.deal.update" '{"id":5,"fields":{"UF_CRM_DOC":["c.txt","not base64!"]}}')" "400 INVALID_ARG_VALUE"
post "$A/crm.deal.update" '{"id":5,"fields":{"UF_CRM_DOC":{"remove":"Y"}}}' >/dev/null
expect_eq "removing the file" "$(jqo "$(get "$A/crm.deal.get?id=5")" '.result.UF_CRM_DOC|tostring'):$(sql "SELECT COUNT(*) FROM crm_file")" "null:0"
out=$(post "$A/crm.lead.userfield.add" '{"fields":{"FIELD_NAME":"MUST","USER_TYPE_ID":"string","MANDATORY":"Y"}}')
n=$(count lead)
expect_code "mandatory user field is required on add" "$(post "$A/crm.lead.add" '{"fields":{"TITLE":"x"}}')" "400 BX_EMPTY_REQUIRED"
expect_eq "nothing added" "$(count lead)" "$n"
expect_code "with it the add works" "$(post "$A/crm.lead.add" '{"fields":{"TITLE":"x","UF_CRM_MUST":"here"}}')" "200 "
out=$(get "$A/crm.deal.userfield.delete?id=$UF_SCORE")
expect_jq "userfield.delete" "$out" '.result' true
expect_jq "deleted user field leaves fields and records" "$(get "$A/crm.deal.get?id=2")" '.result | has("UF_CRM_SCORE")' false
expect_code "deleted user field is unknown to filters" "$(post "$A/crm.deal.list" '{"filter":{"UF_CRM_SCORE":1}}')" "400 INVALID_ARG_VALUE"
expect_eq "its values are deleted" "$(sql "SELECT COUNT(*) FROM crm_uf_value WHERE field_id = $UF_SCORE")" 0

# ---------------------------------------------------------------- get: text and value agree
# crm.<entity>.get writes the record straight into the reply; inside batch the same record is
# built as a JSON value. Both must give the same fields, in the same order, with the same values.
K=$(add "$A" contact '{"NAME":"Zoë \"Q\"\tTab","LAST_NAME":"Ünïcode ☃ \\ /","PHONE":[{"VALUE":"+1 555 0100","VALUE_TYPE":"WORK"},{"VALUE":"+1 555 0101","VALUE_TYPE":"MOBILE"}],"EMAIL":[{"VALUE":"z@example.com","VALUE_TYPE":"WORK"}],"WEB":[{"VALUE":"https://example.com/a?b=<c>&d","VALUE_TYPE":"WORK"}],"IM":[{"VALUE":"zoe","VALUE_TYPE":"TELEGRAM"}],"COMMENTS":"line 1\nline 2 \u0001"}')
L=$(add "$A" lead '{"TITLE":"Same text","UF_CRM_MUST":"a \"must\"","OPPORTUNITY":"1234.5","PHONE":[{"VALUE":"+1 555 0199","VALUE_TYPE":"WORK"}]}')
post "$A/crm.deal.update" "{\"id\":1,\"fields\":{\"CONTACT_IDS\":[$K],\"UF_CRM_NOTE\":\"call back\",\"UF_CRM_TAGS\":[\"a\",\"b\"]}}" >/dev/null
for rec in "contact $K" "lead $L" "deal 1" "deal 2" "deal 4"; do
    set -- $rec
    direct=$(curl -s -g "$A/crm.$1.get?id=$2" | jq -c .result)
    batched=$(curl -s -g "$A/batch?cmd[x]=crm.$1.get%3Fid%3D$2" | jq -c .result.result.x)
    expect_eq "crm.$1.get of $1 $2: the reply and batch's value agree" "$direct" "$batched"
    expect_eq "crm.$1.get of $1 $2 answers the record" "$(jq -r .ID <<<"$direct")" "$2"
done
expect_jq "the contact's text survives the reply" "$(get "$A/crm.contact.get?id=$K")" \
    '.result.NAME + "|" + .result.LAST_NAME + "|" + (.result.IM | length | tostring) + "|" + (.result.PHONE | length | tostring)' \
    "Zoë \"Q\"	Tab|Ünïcode ☃ \\ /|1|2"
expect_jq "the deal's user fields and contacts in the reply" "$(get "$A/crm.deal.get?id=1")" \
    '(.result.CONTACT_IDS | join(",")) + "|" + .result.UF_CRM_NOTE + "|" + (.result.UF_CRM_TAGS | join("+"))' \
    "$K|call back|a+b"

t_finish
