#!/usr/bin/env bash
# Dictionaries and pipelines: crm.status.* with the seeded sets and their semantics, custom
# statuses and stages, crm.category.* and crm.dealcategory.*, a new pipeline with its own
# C<n>: stages, and the deal stage rules: a WON stage closes the deal with semantics S, a stage
# of another pipeline is refused with nothing written, CATEGORY_ID does not change by update;
# lead and quote statuses likewise.
# shellcheck source=tests/api/crm_common.bash
source "$(dirname "$0")/crm_common.bash"

# ---------------------------------------------------------------- dictionaries
out=$(post "$A/crm.status.list" '{"filter":{"ENTITY_ID":"STATUS"}}')
expect_jq "lead statuses in order" "$out" '[.result[].STATUS_ID] | join(",")' "NEW,IN_PROCESS,PROCESSED,CONVERTED,JUNK"
expect_jq "lead status semantics" "$out" '[.result[] | .SEMANTICS // "-"] | join(",")' "-,-,-,S,F"
expect_jq "status rows: legacy strings and EXTRA" "$out" '.result[3] | "\(.SORT):\(.SYSTEM):\(.EXTRA.SEMANTICS):\(.ID|type)"' "40:Y:success:string"
out=$(get "$A/crm.status.list?filter[ENTITY_ID]=DEAL_STAGE&order[SORT]=DESC")
expect_jq "deal stages by SORT DESC" "$out" '[.result[].STATUS_ID] | join(",")' "APOLOGY,LOSE,WON,FINAL_INVOICE,EXECUTING,PREPAYMENT_INVOICE,PREPARATION,NEW"
expect_jq "deal stages of pipeline 0" "$out" '.result[0].CATEGORY_ID' 0
for d in SOURCE CONTACT_TYPE COMPANY_TYPE EMPLOYEES INDUSTRY DEAL_TYPE QUOTE_STATUS HONORIFIC; do
    n=$(jqo "$(get "$A/crm.status.entity.items?entityId=$d")" '.result | length')
    check "dictionary $d is seeded ($n)" test "$n" -ge 4
done
out=$(get "$A/crm.status.entity.items?entityId=SOURCE")
expect_jq "entity.items: NAME, SORT, STATUS_ID" "$out" '.result[0] | keys | join(",")' "NAME,SORT,STATUS_ID"
out=$(get "$A/crm.status.entity.types")
expect_jq "entity.types: lead statuses' semantic info" "$out" '.result[] | select(.ID == "STATUS") | .SEMANTIC_INFO | "\(.START_FIELD)/\(.FINAL_SUCCESS_FIELD)/\(.FINAL_UNSUCCESS_FIELD)"' "NEW/CONVERTED/JUNK"
expect_jq "entity.types: DEAL_STAGE" "$out" '.result[] | select(.ID == "DEAL_STAGE") | "\(.ENTITY_TYPE_ID):\(.CATEGORY_ID)"' "2:0"
expect_jq "crm.status.fields" "$(get "$A/crm.status.fields")" '.result.STATUS_ID.isImmutable' true
expect_code "entity.items needs entityId" "$(get "$A/crm.status.entity.items")" "400 BX_EMPTY_REQUIRED"

out=$(post "$A/crm.status.add" '{"fields":{"ENTITY_ID":"SOURCE","STATUS_ID":"FAIR","NAME":"Trade fair","SORT":5}}')
expect_jq "crm.status.add returns an id" "$out" '.result | type' number
SFAIR=$(jqo "$out" .result)
out=$(get "$A/crm.status.get?id=$SFAIR")
expect_jq "custom status: not system, no semantics" "$out" '"\(.result.SYSTEM):\(.result.SEMANTICS):\(.result | has("EXTRA"))"' "N:null:false"
post "$A/crm.status.update" "{\"id\":$SFAIR,\"fields\":{\"NAME\":\"Fair\",\"STATUS_ID\":\"NOPE\",\"SORT\":500}}" >/dev/null
expect_jq "status.update changes NAME/SORT only" "$(get "$A/crm.status.get?id=$SFAIR")" '.result.NAME + ":" + .result.SORT + ":" + .result.STATUS_ID' "Fair:500:FAIR"
L=$(add "$A" lead '{"SOURCE_ID":"FAIR"}')
expect_jq "a lead takes the new source" "$(get "$A/crm.lead.get?id=$L")" '.result.SOURCE_ID' FAIR
expect_code "unknown SOURCE_ID refused" "$(post "$A/crm.lead.add" '{"fields":{"SOURCE_ID":"NOPE"}}')" "400 INVALID_ARG_VALUE"
expect_code "duplicate status" "$(post "$A/crm.status.add" '{"fields":{"ENTITY_ID":"SOURCE","STATUS_ID":"FAIR","NAME":"x"}}')" "400 INVALID_ARG_VALUE"
expect_code "unknown dictionary" "$(post "$A/crm.status.add" '{"fields":{"ENTITY_ID":"NOPE","STATUS_ID":"A","NAME":"x"}}')" "400 INVALID_ARG_VALUE"
expect_code "stage code with bad characters" "$(post "$A/crm.status.add" '{"fields":{"ENTITY_ID":"DEAL_STAGE","STATUS_ID":"A B","NAME":"x"}}')" "400 INVALID_ARG_VALUE"
expect_code "a second success stage" "$(post "$A/crm.status.add" '{"fields":{"ENTITY_ID":"STATUS","STATUS_ID":"WIN2","NAME":"x","SEMANTICS":"S"}}')" "400 INVALID_ARG_VALUE"
expect_code "missing NAME" "$(post "$A/crm.status.add" '{"fields":{"ENTITY_ID":"SOURCE","STATUS_ID":"Q"}}')" "400 BX_EMPTY_REQUIRED"
# a stage sorted after the success stage is a failure, one before it in progress
out=$(post "$A/crm.status.add" '{"fields":{"ENTITY_ID":"DEAL_STAGE","STATUS_ID":"NEGOTIATION","NAME":"Negotiation","SORT":45}}')
SNEG=$(jqo "$out" .result)
out=$(post "$A/crm.status.add" '{"fields":{"ENTITY_ID":"DEAL_STAGE","STATUS_ID":"NO_BUDGET","NAME":"No budget","SORT":75}}')
SNOB=$(jqo "$out" .result)
expect_jq "stage before WON is in progress" "$(get "$A/crm.status.get?id=$SNEG")" '.result.EXTRA.SEMANTICS' process
expect_jq "stage after WON is a failure" "$(get "$A/crm.status.get?id=$SNOB")" '.result.SEMANTICS + ":" + .result.EXTRA.SEMANTICS' "F:failure"
D=$(add "$A" deal '{"STAGE_ID":"NO_BUDGET"}')
expect_jq "a deal in a custom failure stage is closed" "$(get "$A/crm.deal.get?id=$D")" '.result.STAGE_SEMANTIC_ID + ":" + .result.CLOSED' "F:Y"
expect_code "a stage in use cannot be deleted" "$(get "$A/crm.status.delete?id=$SNOB")" "400 ERROR_ARGUMENT"
WON=$(jqo "$(post "$A/crm.status.list" '{"filter":{"ENTITY_ID":"DEAL_STAGE","STATUS_ID":"WON"}}')" '.result[0].ID')
expect_code "a system status needs FORCED" "$(get "$A/crm.status.delete?id=$(jqo "$(post "$A/crm.status.list" '{"filter":{"ENTITY_ID":"SOURCE","STATUS_ID":"OTHER"}}')" '.result[0].ID')")" "400 ERROR_ARGUMENT"
expect_code "the success stage is never deleted" "$(get "$A/crm.status.delete?id=$WON&params[FORCED]=Y")" "400 ERROR_ARGUMENT"
expect_jq "crm.status.delete" "$(get "$A/crm.status.delete?id=$SNEG")" '.result' true
expect_code "deleted status is gone" "$(get "$A/crm.status.get?id=$SNEG")" "400 NOT_FOUND"
expect_code "status.list unknown filter field" "$(post "$A/crm.status.list" '{"filter":{"NOPE":1}}')" "400 INVALID_ARG_VALUE"

# ---------------------------------------------------------------- pipelines (new API)
out=$(get "$A/crm.category.list?entityTypeId=2")
expect_jq "category.list: the default pipeline 0" "$out" '.result.categories | map("\(.id):\(.name):\(.isDefault):\(.entityTypeId)") | join(",")' "0:General:Y:2"
expect_jq "category.list total" "$out" '.total' 1
expect_code "pipelines of leads are not supported" "$(get "$A/crm.category.list?entityTypeId=1")" "400 ENTITY_TYPE_NOT_SUPPORTED"
out=$(post "$A/crm.category.add" '{"entityTypeId":2,"fields":{"name":"Wholesale","sort":200}}')
expect_jq "category.add" "$out" '.result.category | "\(.id):\(.name):\(.sort):\(.isDefault)"' "1:Wholesale:200:N"
out=$(post "$A/crm.dealcategory.stage.list" '{"id":1}')
expect_jq "the new pipeline has C1: stages" "$out" '[.result[].STATUS_ID] | join(",")' \
    "C1:NEW,C1:PREPARATION,C1:PREPAYMENT_INVOICE,C1:EXECUTING,C1:FINAL_INVOICE,C1:WON,C1:LOSE,C1:APOLOGY"
expect_jq "its dictionary is DEAL_STAGE_1" "$out" '.result[0].ENTITY_ID + ":" + .result[0].CATEGORY_ID' "DEAL_STAGE_1:1"
out=$(get "$A/crm.status.entity.types")
expect_jq "entity.types has DEAL_STAGE_1" "$out" '.result[] | select(.ID == "DEAL_STAGE_1") | "\(.PREFIX):\(.PARENT_ID):\(.CATEGORY_ID):\(.SEMANTIC_INFO.FINAL_SUCCESS_FIELD)"' "C1:DEAL_STAGE:1:C1:WON"
out=$(post "$A/crm.status.add" '{"fields":{"ENTITY_ID":"DEAL_STAGE_1","STATUS_ID":"REVIEW","NAME":"Review","SORT":15}}')
expect_jq "status.add prefixes pipeline stages" "$(get "$A/crm.status.get?id=$(jqo "$out" .result)")" '.result.STATUS_ID + ":" + .result.CATEGORY_ID' "C1:REVIEW:1"
expect_code "status.add to a missing pipeline" "$(post "$A/crm.status.add" '{"fields":{"ENTITY_ID":"DEAL_STAGE_9","STATUS_ID":"A","NAME":"x"}}')" "400 INVALID_ARG_VALUE"
expect_jq "category.get" "$(get "$A/crm.category.get?entityTypeId=2&id=1")" '.result.category.name' Wholesale
expect_code "category.get of a missing id" "$(get "$A/crm.category.get?entityTypeId=2&id=7")" "400 NOT_FOUND"
out=$(post "$A/crm.category.update" '{"entityTypeId":2,"id":1,"fields":{"name":"Wholesale B2B"}}')
expect_jq "category.update" "$out" '.result.category.name' "Wholesale B2B"
expect_jq "category.fields" "$(get "$A/crm.category.fields?entityTypeId=2")" '.result.fields | keys | join(",")' "entityTypeId,id,isDefault,name,originId,originatorId,sort"

# ---------------------------------------------------------------- deal stage rules
D1=$(add "$A" deal '{"TITLE":"Bulk order","CATEGORY_ID":1}')
out=$(get "$A/crm.deal.get?id=$D1")
expect_jq "deal in pipeline 1 starts at C1:NEW" "$out" '.result.CATEGORY_ID + ":" + .result.STAGE_ID + ":" + .result.IS_NEW' "1:C1:NEW:Y"
post "$A/crm.deal.update" "{\"id\":$D1,\"fields\":{\"STAGE_ID\":\"C1:REVIEW\"}}" >/dev/null
expect_jq "moving inside the pipeline" "$(get "$A/crm.deal.get?id=$D1")" '.result.STAGE_ID + ":" + .result.IS_NEW + ":" + .result.CLOSED' "C1:REVIEW:N:N"
sleep 1
post "$A/crm.deal.update" "{\"id\":$D1,\"fields\":{\"STAGE_ID\":\"C1:WON\"}}" >/dev/null
out=$(get "$A/crm.deal.get?id=$D1")
expect_jq "WON: CLOSED=Y, STAGE_SEMANTIC_ID=S" "$out" '.result.CLOSED + ":" + .result.STAGE_SEMANTIC_ID' "Y:S"
expect_jq "WON: MOVED_TIME moved, MOVED_BY_ID set" "$out" '(.result.MOVED_TIME != .result.DATE_CREATE|tostring) + ":" + .result.MOVED_BY_ID' "true:1"
modified=$(jqo "$out" .result.DATE_MODIFY)
sleep 1
out=$(post "$A/crm.deal.update" "{\"id\":$D1,\"fields\":{\"STAGE_ID\":\"NEW\",\"TITLE\":\"Changed\"}}")
expect_code "a stage of another pipeline is refused" "$out" "400 INVALID_ARG_VALUE"
expect_match "the message names the stage" "$(jqo "$out" .error_description)" "'NEW' is not a stage of 'DEAL_STAGE_1'"
out=$(get "$A/crm.deal.get?id=$D1")
expect_jq "refused stage change wrote nothing" "$out" '.result.STAGE_ID + ":" + .result.TITLE + ":" + (.result.DATE_MODIFY == "'"$modified"'" | tostring)' "C1:WON:Bulk order:true"
post "$A/crm.deal.update" "{\"id\":$D1,\"fields\":{\"CATEGORY_ID\":0,\"TITLE\":\"Renamed\"}}" >/dev/null
expect_jq "CATEGORY_ID does not change by crm.deal.update" "$(get "$A/crm.deal.get?id=$D1")" '.result.CATEGORY_ID + ":" + .result.TITLE' "1:Renamed"
expect_code "unknown stage" "$(post "$A/crm.deal.add" '{"fields":{"STAGE_ID":"NOPE"}}')" "400 INVALID_ARG_VALUE"
expect_code "missing pipeline" "$(post "$A/crm.deal.add" '{"fields":{"CATEGORY_ID":9}}')" "400 INVALID_ARG_VALUE"
D0=$(add "$A" deal '{"TITLE":"General"}')
post "$A/crm.deal.update" "{\"id\":$D0,\"fields\":{\"STAGE_ID\":\"LOSE\"}}" >/dev/null
expect_jq "LOSE: closed, failure" "$(get "$A/crm.deal.get?id=$D0")" '.result.CLOSED + ":" + .result.STAGE_SEMANTIC_ID' "Y:F"
post "$A/crm.deal.update" "{\"id\":$D0,\"fields\":{\"STAGE_ID\":\"NEW\"}}" >/dev/null
expect_jq "back to NEW: open and new again" "$(get "$A/crm.deal.get?id=$D0")" '.result.CLOSED + ":" + .result.STAGE_SEMANTIC_ID + ":" + .result.IS_NEW' "N:P:Y"
expect_jq "deals of pipeline 1 by filter" "$(post "$A/crm.deal.list" '{"filter":{"CATEGORY_ID":1},"select":["ID"]}')" '[.result[].ID] | join(",")' "$D1"
expect_eq "history of the pipeline-1 deal's stages" "$(sql "SELECT group_concat(json_extract(data, '\$.new') || '/' || json_extract(data, '\$.semantic'), ',') FROM (SELECT data FROM crm_timeline WHERE owner_type = 2 AND owner_id = $D1 AND type = 'stage_changed' ORDER BY id)")" "C1:REVIEW/P,C1:WON/S"

# ---------------------------------------------------------------- default pipeline
out=$(post "$A/crm.category.update" '{"entityTypeId":2,"id":1,"fields":{"isDefault":"Y"}}')
expect_jq "make pipeline 1 the default" "$out" '.result.category.isDefault' Y
expect_jq "pipeline 0 is no longer the default" "$(get "$A/crm.category.get?entityTypeId=2&id=0")" '.result.category.isDefault' N
D2=$(add "$A" deal '{}')
expect_jq "deals without CATEGORY_ID go to the default pipeline" "$(get "$A/crm.deal.get?id=$D2")" '.result.CATEGORY_ID + ":" + .result.STAGE_ID' "1:C1:NEW"
expect_code "the default pipeline cannot be deleted" "$(get "$A/crm.category.delete?entityTypeId=2&id=1")" "400 ERROR_ARGUMENT"
post "$A/crm.category.update" '{"entityTypeId":2,"id":0,"fields":{"isDefault":"Y"}}' >/dev/null
expect_code "a pipeline with deals cannot be deleted" "$(get "$A/crm.category.delete?entityTypeId=2&id=1")" "400 ERROR_ARGUMENT"

# ---------------------------------------------------------------- legacy crm.dealcategory.*
out=$(post "$A/crm.dealcategory.add" '{"fields":{"NAME":"Service","SORT":300}}')
expect_jq "dealcategory.add returns an integer" "$out" '.result' 2
out=$(get "$A/crm.dealcategory.list")
expect_jq "dealcategory.list leaves pipeline 0 out" "$out" '[.result[] | .ID + ":" + .NAME + ":" + .IS_LOCKED] | join(",")' "1:Wholesale B2B:N,2:Service:N"
expect_jq "dealcategory.list total" "$out" '.total' 2
expect_jq "dealcategory.list filter" "$(get "$A/crm.dealcategory.list?filter[NAME]=Service")" '[.result[].ID] | join(",")' 2
expect_jq "dealcategory.list order" "$(get "$A/crm.dealcategory.list?order[SORT]=DESC")" '[.result[].ID] | join(",")' "2,1"
expect_jq "dealcategory.get" "$(get "$A/crm.dealcategory.get?id=2")" '.result.NAME + ":" + .result.SORT' "Service:300"
expect_jq "dealcategory.update" "$(post "$A/crm.dealcategory.update" '{"id":2,"fields":{"NAME":"Services","IS_LOCKED":"Y"}}')" '.result' true
expect_jq "updated" "$(get "$A/crm.dealcategory.get?id=2")" '.result.NAME + ":" + .result.IS_LOCKED' "Services:Y"
expect_jq "dealcategory.status" "$(get "$A/crm.dealcategory.status?id=2")" '.result' DEAL_STAGE_2
expect_jq "dealcategory.status of pipeline 0" "$(get "$A/crm.dealcategory.status?id=0")" '.result' DEAL_STAGE
expect_jq "dealcategory.stage.list without id is pipeline 0" "$(get "$A/crm.dealcategory.stage.list")" '.result[0].STATUS_ID' NEW
expect_jq "dealcategory.default.get" "$(get "$A/crm.dealcategory.default.get")" '.result.NAME' General
expect_jq "dealcategory.default.set" "$(post "$A/crm.dealcategory.default.set" '{"NAME":"Main"}')" '.result' true
expect_jq "default pipeline renamed" "$(get "$A/crm.category.get?entityTypeId=2&id=0")" '.result.category.name' Main
expect_jq "dealcategory.fields" "$(get "$A/crm.dealcategory.fields")" '.result | keys | join(",")' "CREATED_DATE,ID,IS_LOCKED,NAME,SORT"
expect_code "dealcategory.add without NAME" "$(post "$A/crm.dealcategory.add" '{"fields":{"SORT":1}}')" "400 BX_EMPTY_REQUIRED"
expect_jq "dealcategory.delete" "$(get "$A/crm.dealcategory.delete?id=2")" '.result' true
expect_eq "its stages went with it" "$(sql "SELECT COUNT(*) FROM crm_status WHERE entity_id = 'DEAL_STAGE_2'")" 0
expect_code "dealcategory.get of a deleted pipeline" "$(get "$A/crm.dealcategory.get?id=2")" "400 NOT_FOUND"
TMP=$(jqo "$(post "$A/crm.category.add" '{"entityTypeId":2,"fields":{"name":"Tmp"}}')" .result.category.id)
expect_jq "category.delete answers []" "$(get "$A/crm.category.delete?entityTypeId=2&id=$TMP")" '.result | tostring' "[]"

# ---------------------------------------------------------------- lead and quote statuses
L=$(add "$A" lead '{"STATUS_ID":"JUNK"}')
expect_jq "lead in JUNK: failure" "$(get "$A/crm.lead.get?id=$L")" '.result.STATUS_SEMANTIC_ID' F
expect_code "unknown lead status" "$(post "$A/crm.lead.update" "{\"id\":$L,\"fields\":{\"STATUS_ID\":\"WON\"}}")" "400 INVALID_ARG_VALUE"
Q=$(add "$A" quote '{"STATUS_ID":"DECLINED"}')
expect_jq "declined quote is closed" "$(get "$A/crm.quote.get?id=$Q")" '.result.CLOSED' Y
expect_code "writing dictionaries needs crm_config" "$(post "$N/crm.status.add" '{"fields":{}}')" "403 insufficient_scope"

t_finish
