#!/usr/bin/env bash
# The universal API crm.item.* over leads, deals, contacts, companies, quotes and smart
# invoices: typed values and camelCase names, {"item"}/{"items"}/{"fields"} shapes, `fm`
# multi-fields, filters with nested OR groups and camelCase keys, order, select and paging over
# 120 items, smart invoices linked to a deal (parentId2) with their stages and product rows,
# moving a deal to another pipeline, and refused input that writes nothing.
# shellcheck source=tests/api/crm_common.bash
source "$(dirname "$0")/crm_common.bash"

ISO='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[+-][0-9]{2}:[0-9]{2}$'
TODAY=$(date +%Y-%m-%d)
# item BASE METHOD JSON: POSTs crm.item.METHOD
item() { post "$1/crm.item.$2" "$3"; }
snapshot() {
    sql "SELECT (SELECT COUNT(*) FROM crm_deal) || '/' || (SELECT COUNT(*) FROM crm_contact) || '/' ||
        (SELECT COUNT(*) FROM crm_invoice) || '/' || (SELECT COUNT(*) FROM crm_fm) || '/' ||
        (SELECT COUNT(*) FROM crm_timeline) || '/' || (SELECT MAX(date_modify) FROM crm_deal) || '/' ||
        (SELECT group_concat(category_id || stage_id) FROM crm_deal)"
}
refused() { # NAME OUT "STATUS CODE": the code, and nothing written since the last snapshot
    expect_code "$1" "$2" "$3"
    expect_eq "$1: nothing written" "$(snapshot)" "$SNAP"
}

# ---------------------------------------------------------------- deals: CRUD and shapes
out=$(item "$A" fields '{"entityTypeId":2}')
expect_jq "fields: {fields: {...}} with upperName" "$out" '.result.fields.assignedById.upperName + ":" + .result.fields.title.type' "ASSIGNED_BY_ID:string"
expect_jq "fields: system names" "$out" '[.result.fields | has("createdTime", "updatedTime", "createdBy", "updatedBy", "stageId", "categoryId")] | all' true
out=$(item "$A" add '{"entityTypeId":2,"fields":{"title":"Typed deal","opportunity":"1500.5","currencyId":"eur","opened":false,"NOPE":1}}')
expect_jq "add: {item: ...}" "$out" '.result.item | "\(.title):\(.opportunity):\(.currencyId):\(.opened):\(.stageId):\(.categoryId):\(.entityTypeId)"' "Typed deal:1500.5:EUR:N:NEW:0:2"
expect_jq "add: typed numbers" "$out" '.result.item | "\(.id|type):\(.opportunity|type):\(.assignedById|type)"' "number:number:number"
D=$(jqo "$out" .result.item.id)
expect_match "add: createdTime is ISO" "$(jqo "$out" .result.item.createdTime)" "$ISO"
expect_jq "add: createdBy, begindate as a date" "$out" '.result.item | "\(.createdBy):\(.begindate)"' "1:$TODAY"
expect_jq "legacy view of the same deal" "$(get "$A/crm.deal.get?id=$D")" '.result.TITLE + ":" + .result.OPPORTUNITY' "Typed deal:1500.50"
out=$(item "$A" get "{\"entityTypeId\":2,\"id\":$D}")
expect_jq "get" "$out" '.result.item.title' "Typed deal"
expect_jq "get: no multi-field block on deals" "$out" '.result.item | has("fm")' false
out=$(item "$A" update "{\"entityTypeId\":2,\"id\":$D,\"fields\":{\"title\":\"Renamed\",\"stageId\":\"PREPARATION\",\"PROBABILITY\":40}}")
expect_jq "update: {item: ...} after the change" "$out" '.result.item | "\(.title):\(.stageId):\(.probability)"' "Renamed:PREPARATION:40"
out=$(item "$A" update "{\"entityTypeId\":2,\"id\":$D,\"fields\":{\"stageId\":\"WON\"}}")
expect_jq "update: closing stage" "$out" '.result.item | "\(.stageSemanticId):\(.closed)"' "S:Y"

SNAP=$(snapshot)
refused "unknown entity type" "$(item "$A" list '{"entityTypeId":5}')" "400 ENTITY_TYPE_NOT_SUPPORTED"
refused "smart process type" "$(item "$A" add '{"entityTypeId":128,"fields":{"title":"x"}}')" "400 ENTITY_TYPE_NOT_SUPPORTED"
refused "no entityTypeId" "$(item "$A" add '{"fields":{"title":"x"}}')" "400 INVALID_ARG_VALUE"
refused "missing item: get" "$(item "$A" get '{"entityTypeId":2,"id":9999}')" "400 NOT_FOUND"
expect_jq "missing item: message" "$(item "$A" get '{"entityTypeId":2,"id":9999}')" '.error_description' "Item not found"
refused "missing item: update" "$(item "$A" update '{"entityTypeId":2,"id":9999,"fields":{"title":"x"}}')" "400 NOT_FOUND"
refused "missing item: delete" "$(item "$A" delete '{"entityTypeId":2,"id":9999}')" "400 NOT_FOUND"
refused "bad id" "$(item "$A" get '{"entityTypeId":2,"id":"abc"}')" "400 INVALID_ARG_VALUE"
refused "add without fields" "$(item "$A" add '{"entityTypeId":2}')" "400 INVALID_ARG_VALUE"
refused "add with a bad amount" "$(item "$A" add '{"entityTypeId":2,"fields":{"title":"x","opportunity":"lots"}}')" "400 INVALID_ARG_VALUE"
refused "update with a stage of no pipeline" "$(item "$A" update "{\"entityTypeId\":2,\"id\":$D,\"fields\":{\"title\":\"x\",\"stageId\":\"NOPE\"}}")" "400 INVALID_ARG_VALUE"
refused "update with a missing company" "$(item "$A" update "{\"entityTypeId\":2,\"id\":$D,\"fields\":{\"companyId\":999}}")" "400 INVALID_ARG_VALUE"

# ---------------------------------------------------------------- contacts with fm, leads
out=$(item "$A" add '{"entityTypeId":3,"fields":{"name":"Ann","lastName":"Lee","fm":[{"typeId":"PHONE","valueType":"WORK","value":"+1 555 100"},{"typeId":"EMAIL","valueType":"WORK","value":"ann@example.com"},{"value":"no type"}]}}')
CT=$(jqo "$out" .result.item.id)
expect_jq "contact: fm entries" "$out" '[.result.item.fm[] | .typeId + ":" + .valueType + ":" + .value] | join(",")' "PHONE:WORK:+1 555 100,EMAIL:WORK:ann@example.com"
expect_jq "contact: hasPhone" "$out" '.result.item.hasPhone + .result.item.lastName' "YLee"
PH=$(jqo "$out" '.result.item.fm[] | select(.typeId == "PHONE") | .id')
EM=$(jqo "$out" '.result.item.fm[] | select(.typeId == "EMAIL") | .id')
out=$(item "$A" update "{\"entityTypeId\":3,\"id\":$CT,\"fields\":{\"fm\":{\"n0\":{\"typeId\":\"PHONE\",\"valueType\":\"MOBILE\",\"value\":\"777\"},\"$PH\":{\"typeId\":\"PHONE\",\"valueType\":\"WORK\",\"value\":\"+1 555 101\"},\"$EM\":{\"typeId\":\"EMAIL\",\"value\":\"\"}}}}")
expect_jq "contact: fm update adds, changes and deletes" "$out" '[.result.item.fm[] | .typeId + ":" + .value] | join(",")' "PHONE:+1 555 101,PHONE:777"
expect_jq "contact: hasEmail cleared" "$out" '.result.item.hasEmail' N
out=$(item "$A" add '{"entityTypeId":1,"fields":{"title":"Typed lead","name":"Bo"}}')
LD=$(jqo "$out" .result.item.id)
expect_jq "lead: status as stageId" "$out" '.result.item.stageId + ":" + .result.item.stageSemanticId' "NEW:P"
expect_jq "lead: stageId in, STATUS_ID stored" "$(item "$A" update "{\"entityTypeId\":1,\"id\":$LD,\"fields\":{\"stageId\":\"IN_PROCESS\"}}" >/dev/null; get "$A/crm.lead.get?id=$LD")" '.result.STATUS_ID' IN_PROCESS
expect_jq "company" "$(item "$A" add '{"entityTypeId":4,"fields":{"title":"Acme"}}')" '.result.item.title + ":" + (.result.item.entityTypeId|tostring)' "Acme:4"
expect_jq "quote" "$(item "$A" add "{\"entityTypeId\":7,\"fields\":{\"title\":\"Offer\",\"dealId\":$D}}")" '.result.item | "\(.stageId):\(.dealId)"' "DRAFT:$D"

# ---------------------------------------------------------------- smart invoices
out=$(get "$A/crm.status.list?filter[ENTITY_ID]=SMART_INVOICE_STAGE_1")
expect_jq "invoice stages seeded" "$out" '[.result[].STATUS_ID] | join(",")' "DT31_1:N,DT31_1:S,DT31_1:P,DT31_1:D"
out=$(item "$A" fields '{"entityTypeId":31}')
expect_jq "invoice fields" "$out" '[.result.fields | has("accountNumber", "parentId2", "stageId", "previousStageId", "xmlId")] | all' true
out=$(item "$A" add "{\"entityTypeId\":31,\"fields\":{\"parentId2\":$D,\"contactId\":$CT,\"currencyId\":\"EUR\",\"comments\":\"first\"}}")
INV=$(jqo "$out" .result.item.id)
expect_jq "invoice: defaults" "$out" '.result.item | "\(.stageId):\(.categoryId):\(.accountNumber):\(.title):\(.begindate):\(.entityTypeId)"' "DT31_1:N:1:$INV:Invoice #$INV:$TODAY:31"
expect_jq "invoice: linked to the deal and the contact" "$out" '.result.item | "\(.parentId2):\(.contactId):\(.contactIds|tostring)"' "$D:$CT:[$CT]"
out=$(item "$A" update "{\"entityTypeId\":31,\"id\":$INV,\"fields\":{\"stageId\":\"DT31_1:P\",\"accountNumber\":\"INV-7\"}}")
expect_jq "invoice: paid, previous stage kept" "$out" '.result.item | "\(.stageId):\(.previousStageId):\(.accountNumber)"' "DT31_1:P:DT31_1:N:INV-7"
expect_match "invoice: movedTime set" "$(jqo "$out" .result.item.movedTime)" "$ISO"
SNAP=$(snapshot)
refused "invoice: a deal stage" "$(item "$A" update "{\"entityTypeId\":31,\"id\":$INV,\"fields\":{\"stageId\":\"NEW\"}}")" "400 INVALID_ARG_VALUE"
refused "invoice: a missing deal" "$(item "$A" add '{"entityTypeId":31,"fields":{"parentId2":999}}')" "400 INVALID_ARG_VALUE"
INV2=$(jqo "$(item "$A" add '{"entityTypeId":31,"fields":{"title":"Other","accountNumber":"X-1"}}')" .result.item.id)
out=$(item "$A" list "{\"entityTypeId\":31,\"filter\":{\"parentId2\":$D},\"select\":[\"id\",\"title\",\"parentId2\"]}")
expect_jq "invoice list by deal" "$out" '[.result.items[].id] | map(tostring) | join(",")' "$INV"
expect_jq "invoice list total" "$out" '.total' 1
out=$(post "$A/crm.item.productrow.set" "{\"ownerType\":\"SI\",\"ownerId\":$INV,\"productRows\":[{\"productName\":\"Consulting\",\"price\":120,\"quantity\":2,\"taxRate\":20}]}")
expect_jq "invoice rows" "$out" '.result.productRows[0].ownerType' SI
out=$(item "$A" get "{\"entityTypeId\":31,\"id\":$INV}")
expect_jq "invoice amount and tax from its rows" "$out" '.result.item | "\(.opportunity):\(.taxValue)"' "240:40"
expect_eq "invoice history: created and stage change" "$(sql "SELECT group_concat(type, ',') FROM (SELECT type FROM crm_timeline WHERE owner_type = 31 AND owner_id = $INV AND type IN ('created', 'stage_changed') ORDER BY id)")" "created,stage_changed"
out=$(item "$A" delete "{\"entityTypeId\":31,\"id\":$INV2}")
expect_eq "delete answers []" "$(jqo "$out" '.result | tojson')" "[]"
expect_code "deleted invoice is gone" "$(item "$A" get "{\"entityTypeId\":31,\"id\":$INV2}")" "400 NOT_FOUND"

# ---------------------------------------------------------------- lists: 120 deals
for b in 0 1 2; do
    cmd=$(jq -nc --argjson b "$b" '[range(1; 41) | . + $b * 40 |
        {key: "d\(.)", value: "crm.deal.add?fields[TITLE]=L-\(. | tostring | ("000" + .)[-3:])&fields[OPPORTUNITY]=\(. * 10)&fields[STAGE_ID]=\(if . % 4 == 0 then "WON" else "NEW" end)"}] | from_entries')
    out=$(post "$A/batch" "{\"halt\":1,\"cmd\":$cmd}")
    expect_jq "batch $b added 40 deals" "$out" '.result.result | length' 40
done
F='"filter":{"%title":"L-"}'
out=$(item "$A" list "{\"entityTypeId\":2,$F,\"order\":{\"id\":\"ASC\"}}")
expect_jq "page 1: 50 items, total 120, next 50" "$out" '"\(.result.items | length):\(.total):\(.next)"' "50:120:50"
expect_jq "page 1 starts at L-001" "$out" '.result.items[0].title' L-001
out=$(item "$A" list "{\"entityTypeId\":2,$F,\"order\":{\"id\":\"ASC\"},\"start\":50}")
expect_jq "page 2: next 100" "$out" '"\(.result.items | length):\(.next):\(.result.items[0].title)"' "50:100:L-051"
out=$(item "$A" list "{\"entityTypeId\":2,$F,\"order\":{\"id\":\"ASC\"},\"start\":100}")
expect_jq "page 3: 20 items, no next" "$out" '"\(.result.items | length):\(.next // "none")"' "20:none"
out=$(item "$A" list "{\"entityTypeId\":2,$F,\"start\":-1}")
expect_jq "start=-1: no count" "$out" '"\(.result.items | length):\(.total):\(.next // "none")"' "50:0:none"
out=$(item "$A" list "{\"entityTypeId\":2,$F,\"order\":{\"opportunity\":\"DESC\"},\"select\":[\"id\",\"title\"]}")
expect_jq "order by a camelCase field" "$out" '.result.items[0].title' L-120
expect_jq "select: only the chosen fields" "$out" '.result.items[0] | has("opportunity")' false
expect_jq "select: chosen fields present" "$out" '.result.items[0] | has("title") and has("id")' true
out=$(item "$A" list "{\"entityTypeId\":2,\"select\":[\"*\"],\"filter\":{\"=title\":\"L-007\"}}")
expect_jq "select *" "$out" '.result.items[0] | "\(.title):\(.opportunity):\(.stageId)"' "L-007:70:NEW"
out=$(item "$A" list '{"entityTypeId":2,"filter":{"logic":"OR","0":{"=title":"L-001"},"1":{">=opportunity":1190,"<opportunity":1500}},"order":{"id":"ASC"}}')
expect_jq "OR group at the top, an AND group inside" "$out" '[.result.items[].title] | join(",")' "L-001,L-119,L-120"
out=$(item "$A" list '{"entityTypeId":2,"filter":{"%title":"L-","0":{"logic":"OR","0":{"=stageId":"WON"},"1":{"<opportunity":30}},"<=opportunity":160},"order":{"id":"ASC"}}')
expect_jq "nested OR group ANDed with the rest" "$out" '[.result.items[].title] | join(",")' "L-001,L-002,L-004,L-008,L-012,L-016"
out=$(item "$A" list '{"entityTypeId":2,"filter":{"@stageId":["WON"],"%title":"L-","0":{"logic":"OR","0":{"!=title":"L-004"},"1":{"<opportunity":0}}}}')
expect_jq "@ list with a negated OR member" "$out" '.total' 29
out=$(item "$A" list "{\"entityTypeId\":2,\"filter\":{\">=createdTime\":\"$TODAY\",\"%title\":\"L-\"}}")
expect_jq "date filter on createdTime" "$out" '.total' 120
expect_code "unknown filter field" "$(item "$A" list '{"entityTypeId":2,"filter":{"nope":1}}')" "400 INVALID_ARG_VALUE"
expect_code "unknown order field" "$(item "$A" list '{"entityTypeId":2,"order":{"nope":"ASC"}}')" "400 INVALID_ARG_VALUE"
expect_code "bad start" "$(item "$A" list '{"entityTypeId":2,"start":"x"}')" "400 INVALID_ARG_VALUE"

# ---------------------------------------------------------------- moving a deal to a pipeline
P=$(jqo "$(post "$A/crm.category.add" '{"entityTypeId":2,"fields":{"name":"Second"}}')" .result.category.id)
check "second pipeline" test -n "$P" -a "$P" != null
DM=$(add "$A" deal '{"TITLE":"Mover","STAGE_ID":"PREPARATION"}')
SNAP=$(snapshot)
refused "move: a stage of the old pipeline" "$(item "$A" update "{\"entityTypeId\":2,\"id\":$DM,\"fields\":{\"categoryId\":$P,\"stageId\":\"PREPARATION\"}}")" "400 INVALID_ARG_VALUE"
refused "move: a missing pipeline" "$(item "$A" update "{\"entityTypeId\":2,\"id\":$DM,\"fields\":{\"categoryId\":999}}")" "400 INVALID_ARG_VALUE"
refused "move: pipeline not a number" "$(item "$A" update "{\"entityTypeId\":2,\"id\":$DM,\"fields\":{\"categoryId\":\"second\"}}")" "400 INVALID_ARG_VALUE"
out=$(item "$A" update "{\"entityTypeId\":2,\"id\":$DM,\"fields\":{\"categoryId\":$P,\"title\":\"Moved\"}}")
expect_jq "move: first stage of the new pipeline" "$out" '.result.item | "\(.categoryId):\(.stageId):\(.title):\(.isNew)"' "$P:C$P:NEW:Moved:Y"
expect_jq "move: legacy view" "$(get "$A/crm.deal.get?id=$DM")" '.result.CATEGORY_ID + ":" + .result.STAGE_ID' "$P:C$P:NEW"
expect_eq "move: history has the pipeline change" "$(sql "SELECT json_extract(data, '\$.old') || '>' || json_extract(data, '\$.new') FROM crm_timeline WHERE owner_type = 2 AND owner_id = $DM AND type = 'field_changed' AND json_extract(data, '\$.field') = 'CATEGORY_ID'")" "0>$P"
out=$(item "$A" update "{\"entityTypeId\":2,\"id\":$DM,\"fields\":{\"categoryId\":0,\"stageId\":\"WON\"}}")
expect_jq "move back with a given stage" "$out" '.result.item | "\(.categoryId):\(.stageId):\(.closed)"' "0:WON:Y"
out=$(item "$A" update "{\"entityTypeId\":2,\"id\":$DM,\"fields\":{\"categoryId\":0,\"stageId\":\"LOSE\"}}")
expect_jq "same pipeline: a plain update" "$out" '.result.item | "\(.categoryId):\(.stageId)"' "0:LOSE"
expect_jq "crm.deal.update still cannot move" "$(post "$A/crm.deal.update" "{\"id\":$DM,\"fields\":{\"CATEGORY_ID\":$P}}" >/dev/null; get "$A/crm.deal.get?id=$DM")" '.result.CATEGORY_ID' 0

# ---------------------------------------------------------------- permissions by entity type
out=$(post "$A/role.add" '{"fields":{"NAME":"No invoices","PERMISSIONS":{"*":{"READ":"all","ADD":"all","UPDATE":"all","DELETE":"all"},"crm_invoice":{"READ":"none","ADD":"none","UPDATE":"none","DELETE":"none"},"crm_deal":{"READ":"own","ADD":"all","UPDATE":"own","DELETE":"own"}}}}')
post "$A/role.assign" "{\"ROLE_ID\":$(jqo "$out" .result),\"USER_ID\":2}" >/dev/null
DB2=$(add "$A" deal '{"TITLE":"L-Bob","ASSIGNED_BY_ID":2}')
SNAP=$(snapshot)
refused "role: invoices READ=none" "$(item "$B" list '{"entityTypeId":31}')" "403 ACCESS_DENIED"
refused "role: invoices ADD=none" "$(item "$B" add '{"entityTypeId":31,"fields":{"title":"x"}}')" "403 ACCESS_DENIED"
refused "role: another's deal" "$(item "$B" get "{\"entityTypeId\":2,\"id\":$D}")" "403 ACCESS_DENIED"
refused "role: moving another's deal" "$(item "$B" update "{\"entityTypeId\":2,\"id\":$D,\"fields\":{\"categoryId\":$P}}")" "403 ACCESS_DENIED"
expect_jq "role: deal list narrowed to own" "$(item "$B" list '{"entityTypeId":2,"filter":{"%title":"L-"}}')" '"\(.total):\(.result.items[0].id)"' "1:$DB2"
expect_code "no crm scope" "$(item "$N" list '{"entityTypeId":2}')" "403 insufficient_scope"

# ---------------------------------------------------------------- links cleared
expect_jq "deleting the deal" "$(item "$A" delete "{\"entityTypeId\":2,\"id\":$D}")" '.result | length' 0
expect_jq "the invoice loses its deal" "$(item "$A" get "{\"entityTypeId\":31,\"id\":$INV}")" '.result.item.parentId2' 0

t_finish
