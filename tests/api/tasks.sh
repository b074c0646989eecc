#!/usr/bin/env bash
# The tasks module over webhooks: tasks.task.* CRUD, lists (filters, order, select, paging,
# start=-1 cursors, meta statuses and "now"), the status flow with allowed and refused
# transitions (nothing changed when refused), sub-tasks, tags and CRM links, the positional
# legacy methods (task.checklistitem/commentitem/elapseditem) as JSON arrays, form-encoded
# ?0=..&1[..]=.. bodies and named keys, workgroups and membership, visibility (outsiders,
# department heads up the tree, workgroup members, department and head changes), and bad input
# (400 with a code, nothing written), CRM links only to records the caller can read (a hidden
# and a missing one answer alike) and the creator fixed for everyone but administrators. The
# visibility table is compared with its rule at the end.
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

DATA=$T_DIR/data
JSON=(-H 'Content-Type: application/json')

user_add() { # EMAIL NAME [--admin]: prints the new user's id
    "$KAZI_BIN" user add --data "$DATA" --email "$1" --name "$2" "${@:3}" 2>>"$T_DIR/cli.err" |
        tail -1
}
get() { req GET "$1" -g; }
post() { req POST "$1" "${JSON[@]}" --data "$2"; }
form() { req POST "$1" -H 'Content-Type: application/x-www-form-urlencoded' --data "$2"; }
# j REPLY FILTER: runs jq on the body of a "STATUS BODY" reply
j() { jq -r "$2" <<<"${1#* }" 2>/dev/null; }
code() { echo "${1%% *}"; }
# expect_err NAME REPLY STATUS CODE
expect_err() {
    expect_eq "$1" "$(code "$2") $(j "$2" .error)" "$3 $4"
}
# tid REPLY: the task id of a {"task":{...}} answer
tid() { j "$1" .result.task.id; }
count_tasks() { j "$(get "$A/tasks.task.list?start=0&select[]=ID")" .total; }

ADA=$(user_add ada@example.com Ada --admin)
BOB=$(user_add bob@example.com Bob)
CAROL=$(user_add carol@example.com Carol)
DAVE=$(user_add dave@example.com Dave)
EVE=$(user_add eve@example.com Eve)
HANK=$(user_add hank@example.com Hank)
IVAN=$(user_add ivan@example.com Ivan)
GINA=$(user_add gina@example.com Gina)
LIN=$(user_add lin@example.com Lin)
A=$(hook_path "$ADA" task,sonet,user,department,crm)
B=$(hook_path "$BOB" task,sonet)
C=$(hook_path "$CAROL" task,sonet)
D=$(hook_path "$DAVE" task,sonet)
E=$(hook_path "$EVE" task,sonet)
H=$(hook_path "$HANK" task,sonet)
I=$(hook_path "$IVAN" task,sonet)
G=$(hook_path "$GINA" task,sonet)
L=$(hook_path "$LIN" task,sonet)
U=$(hook_path "$BOB" user)
check "users and webhooks created" test -n "$A" -a -n "$B" -a -n "$G" -a "$GINA" = 8

kazi_start --https off || { not_ok "kazi starts"; t_finish; exit 1; }
for v in A B C D E H I G L U; do printf -v "$v" '%s%s' "$HTTP_URL" "${!v}"; done

# ---------------------------------------------------------------- departments
# Company (head Ivan) > Sales (head Hank) with Bob and Carol; Eve and Gina in no department
post "$A/department.add" '{"NAME":"Company","UF_HEAD":'"$IVAN"'}' >/dev/null
post "$A/department.add" '{"NAME":"Sales","PARENT":1,"UF_HEAD":'"$HANK"'}' >/dev/null
post "$A/user.update" '{"ID":'"$BOB"',"UF_DEPARTMENT":[2]}' >/dev/null
out=$(post "$A/user.update" '{"ID":'"$CAROL"',"UF_DEPARTMENT":[2]}')
expect_eq "departments set up" "$(code "$out")" 200

# the CRM records tasks below link to ("D_12", "C_3"): a link must name a record that exists
# (without the crm module no link can be made, and the tasks carry none)
HAS_CRM=$(j "$(get "$A/method.get?name=crm.deal.add")" .result.isExisting)
LINKS=
[ "$HAS_CRM" = true ] && LINKS=C_3:D_12
if [ "$HAS_CRM" = true ]; then
    for _ in $(seq 12); do post "$A/crm.deal.add" '{"fields":{"TITLE":"Linked deal"}}' >/dev/null; done
    for _ in 1 2 3; do post "$A/crm.contact.add" '{"fields":{"NAME":"Linked"}}' >/dev/null; done
    expect_eq "deal 12 and contact 3 exist" \
        "$(code "$(get "$A/crm.deal.get?id=12")") $(code "$(get "$A/crm.contact.get?id=3")")" "200 200"
fi

# ---------------------------------------------------------------- create, read, update
out=$(post "$A/tasks.task.add" '{"fields":{"TITLE":"Prepare offer","DESCRIPTION":"for ACME",
  "RESPONSIBLE_ID":'"$BOB"',"ACCOMPLICES":['"$CAROL"'],"AUDITORS":["'"$DAVE"'"],"PRIORITY":2,
  "DEADLINE":"2030-05-01T10:00:00+00:00","TAGS":["sales","q2"],"UF_CRM_TASK":'"$(jq -cn --arg l "$LINKS" '$l | split(":") | reverse')"',
  "UNKNOWN_FIELD":"ignored"}}')
T1=$(tid "$out")
expect_eq "tasks.task.add answers the task" "$(code "$out") $T1" "200 1"
expect_eq "numbers are strings, keys camelCase" \
    "$(j "$out" '.result.task | [.id, .title, .responsibleId, .createdBy, .priority, .status] | join(",")')" \
    "1,Prepare offer,$BOB,$ADA,2,2"
expect_eq "participants, tags and CRM links" \
    "$(j "$out" '.result.task | [(.accomplices|join(":")), (.auditors|join(":")), (.tags|sort|join(":")), (.ufCrmTask|sort|join(":"))] | join(",")')" \
    "$CAROL,$DAVE,q2:sales,$LINKS"
expect_match "dates are ISO 8601, empty ones null" "$out" '"deadline":"2030-05-01T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}","startDatePlan":null'
expect_eq "creator object" "$(j "$out" '.result.task.creator.name')" "Ada"

out=$(get "$A/tasks.task.add?fields[TITLE]=Call%20back&fields[RESPONSIBLE_ID]=$BOB&fields[ACCOMPLICES][]=$CAROL&fields[TASK_CONTROL]=Y&fields[DEADLINE]=2020-01-01")
T2=$(tid "$out")
expect_eq "tasks.task.add with PHP brackets over GET" "$(code "$out") $T2 $(j "$out" .result.task.taskControl)" "200 2 Y"
out=$(form "$A/tasks.task.add" "fields[TITLE]=Form+task&fields[RESPONSIBLE_ID]=$CAROL&fields[TAGS]=a,b")
T3=$(tid "$out")
expect_eq "tasks.task.add form-encoded, TAGS as a comma list" "$T3 $(j "$out" '.result.task.tags|join(":")')" "3 a:b"

out=$(get "$A/tasks.task.get?taskId=$T1")
expect_eq "tasks.task.get" "$(j "$out" '.result.task | [.id, .title, .description] | join("|")')" "1|Prepare offer|for ACME"
out=$(get "$A/tasks.task.get?taskId=$T1&select[]=ID&select[]=TITLE")
expect_eq "tasks.task.get with select" "$(j "$out" '.result.task | keys | join(",")')" "id,title"
out=$(get "$A/tasks.task.get?taskId=999")
expect_eq "tasks.task.get of a missing task answers []" "$(code "$out") $(j "$out" .result)" "200 []"

out=$(post "$A/tasks.task.update" '{"taskId":'"$T1"',"fields":{"TITLE":"Prepare the offer","AUDITORS":[],"TAGS":"sales"}}')
expect_eq "tasks.task.update" "$(j "$out" '.result.task | [.title, (.auditors|length), (.tags|join(":"))] | join(",")')" "Prepare the offer,0,sales"
expect_match "update keeps other fields" "$(j "$out" '.result.task.description')" '^for ACME$'

out=$(get "$A/tasks.task.getFields")
expect_eq "tasks.task.getFields" "$(j "$out" '.result.fields.TITLE.required, .result.fields.STATUS.values["5"]' | tr '\n' ,)" "true,Completed,"

# ---------------------------------------------------------------- bad input writes nothing
before=$(count_tasks)
out=$(post "$A/tasks.task.add" '{"fields":{"RESPONSIBLE_ID":'"$BOB"'}}')
expect_err "add without TITLE" "$out" 400 BX_EMPTY_REQUIRED
out=$(post "$A/tasks.task.add" '{"fields":{"TITLE":"x"}}')
expect_err "add without RESPONSIBLE_ID" "$out" 400 BX_EMPTY_REQUIRED
out=$(post "$A/tasks.task.add" '{"fields":{"TITLE":"x","RESPONSIBLE_ID":999}}')
expect_err "add with a missing user" "$out" 400 INVALID_ARG_VALUE
out=$(post "$A/tasks.task.add" '{"fields":{"TITLE":"x","RESPONSIBLE_ID":2,"PRIORITY":9}}')
expect_err "add with PRIORITY 9" "$out" 400 INVALID_ARG_VALUE
out=$(post "$A/tasks.task.add" '{"fields":{"TITLE":"x","RESPONSIBLE_ID":2,"DEADLINE":"soon"}}')
expect_err "add with a bad DEADLINE" "$out" 400 INVALID_ARG_VALUE
out=$(post "$A/tasks.task.add" '{"fields":{"TITLE":"x","RESPONSIBLE_ID":2,"UF_CRM_TASK":["deal 12"]}}')
expect_err "add with a bad CRM link" "$out" 400 INVALID_ARG_VALUE
out=$(post "$A/tasks.task.add" '{"fields":{"TITLE":"x","RESPONSIBLE_ID":2,"ACCOMPLICES":[3,"x"]}}')
expect_err "add with a bad accomplice list" "$out" 400 INVALID_ARG_VALUE
out=$(post "$A/tasks.task.add" '{"fields":{"TITLE":"x","RESPONSIBLE_ID":2,"GROUP_ID":77}}')
expect_err "add into a missing workgroup" "$out" 400 INVALID_ARG_VALUE
out=$(post "$A/tasks.task.add" '{"fields":"TITLE"}')
expect_err "add with fields not an object" "$out" 400 INVALID_ARG_VALUE
expect_eq "refused adds wrote nothing" "$(count_tasks)" "$before"
out=$(post "$A/tasks.task.update" '{"taskId":'"$T1"',"fields":{"PRIORITY":"high"}}')
expect_err "update with a bad PRIORITY" "$out" 400 INVALID_ARG_VALUE
out=$(post "$A/tasks.task.update" '{"taskId":'"$T1"',"fields":{"NOTHING":1}}')
expect_err "update that changes nothing" "$out" 400 INVALID_ARG_VALUE
out=$(post "$A/tasks.task.update" '{"taskId":'"$T1"',"fields":{"TITLE":"","PRIORITY":0}}')
expect_err "update with an empty TITLE" "$out" 400 BX_EMPTY_REQUIRED
expect_eq "refused updates changed nothing" "$(j "$(get "$A/tasks.task.get?taskId=$T1")" '.result.task | [.title, .priority] | join(",")')" "Prepare the offer,2"
out=$(get "$A/tasks.task.update?taskId=abc&fields[TITLE]=x")
expect_err "update with a bad taskId" "$out" 400 INVALID_ARG_VALUE
out=$(get "$A/tasks.task.update?taskId=999&fields[TITLE]=x")
expect_err "update of a missing task" "$out" 400 NOT_FOUND
out=$(get "$A/tasks.task.list?filter[NO_SUCH]=1")
expect_err "list with an unknown filter field" "$out" 400 INVALID_ARG_VALUE
out=$(get "$A/tasks.task.list?start=abc")
expect_err "list with a bad start" "$out" 400 INVALID_ARG_VALUE

# ---------------------------------------------------------------- sub-tasks
out=$(post "$A/tasks.task.add" '{"fields":{"TITLE":"Draft","RESPONSIBLE_ID":'"$BOB"',"PARENT_ID":'"$T1"'}}')
T4=$(tid "$out")
expect_eq "sub-task has parentId" "$(j "$out" .result.task.parentId)" "$T1"
out=$(get "$A/tasks.task.list?filter[PARENT_ID]=$T1&select[]=ID")
expect_eq "filter by PARENT_ID" "$(j "$out" '[.result.tasks[].id]|join(",")')" "$T4"
out=$(get "$A/tasks.task.list?filter[ONLY_ROOT_TASKS]=Y&select[]=ID&order[ID]=ASC")
expect_eq "ONLY_ROOT_TASKS" "$(j "$out" '[.result.tasks[].id]|join(",")')" "1,2,3"
out=$(post "$A/tasks.task.update" '{"taskId":'"$T1"',"fields":{"PARENT_ID":'"$T4"'}}')
expect_err "a task cannot become its own ancestor" "$out" 400 INVALID_ARG_VALUE

# ---------------------------------------------------------------- lists
batch_json() { # FROM TO: a batch adding tasks "Bulk FROM".."Bulk TO" for Ada
    local i cmds=()
    for i in $(seq "$1" "$2"); do
        cmds+=("\"t$i\":\"tasks.task.add?fields[TITLE]=Bulk%20$i&fields[RESPONSIBLE_ID]=$ADA&fields[PRIORITY]=$((i % 3))\"")
    done
    local IFS=,
    echo "{\"halt\":1,\"cmd\":{${cmds[*]}}}"
}
out=$(post "$A/batch" "$(batch_json 1 50)")
expect_eq "50 tasks through one batch" "$(j "$out" '.result.result | length')" 50
post "$A/batch" "$(batch_json 51 60)" >/dev/null
out=$(get "$A/tasks.task.list?filter[%TITLE]=Bulk&select[]=ID")
expect_eq "%TITLE filter and total" "$(j "$out" '[.total, (.result.tasks|length), .next]|join(",")')" "60,50,50"
out=$(get "$A/tasks.task.list?filter[%TITLE]=Bulk&select[]=ID&start=50")
expect_eq "second page" "$(j "$out" '[.total, (.result.tasks|length), (.next // "none")]|join(",")')" "60,10,none"
out=$(get "$A/tasks.task.list?filter[%TITLE]=Bulk&select[]=ID&start=-1")
expect_eq "start=-1: no count, no next" "$(j "$out" '[.total, (.result.tasks|length), (.next // "none")]|join(",")')" "0,50,none"
first=$(j "$(get "$A/tasks.task.list?filter[%TITLE]=Bulk&order[ID]=ASC&select[]=ID&start=-1")" '.result.tasks[-1].id')
out=$(get "$A/tasks.task.list?filter[%TITLE]=Bulk&filter[>ID]=$first&order[ID]=ASC&select[]=ID&start=-1")
expect_eq "cursor paging with >ID" "$(j "$out" '.result.tasks|length')" 10
out=$(post "$A/tasks.task.list" '{"filter":{"%TITLE":"Bulk",">id":0},"order":{"id":"asc"},"select":["id"],"start":-1}')
expect_eq "lower-case id in order and filter (SDK cursor)" "$(j "$out" '.result.tasks|length')" 50
out=$(get "$A/tasks.task.list?filter[%TITLE]=Bulk&filter[PRIORITY]=2&order[ID]=DESC&select[]=ID&select[]=PRIORITY")
expect_eq "filter by PRIORITY, order DESC" "$(j "$out" '[.total, (.result.tasks|map(.priority)|unique|join("")), (.result.tasks[0].id > .result.tasks[1].id)]|join(",")')" "20,2,true"
out=$(get "$A/tasks.task.list?filter[!PRIORITY]=2&filter[%TITLE]=Bulk&select[]=ID")
expect_eq "negated filter" "$(j "$out" .total)" 40
out=$(get "$A/tasks.task.list?filter[>=PRIORITY]=1&filter[<PRIORITY]=2&filter[%TITLE]=Bulk&select[]=ID")
expect_eq ">= and < filters" "$(j "$out" .total)" 20
out=$(get "$A/tasks.task.list?filter[TAG]=sales&select[]=ID&select[]=TAGS")
expect_eq "filter by TAG, TAGS selected" "$(j "$out" '[.result.tasks[].id, .result.tasks[0].tags[0]]|join(",")')" "1,sales"
out=$(get "$A/tasks.task.list?filter[UF_CRM_TASK]=D_12&select[]=ID&select[]=UF_CRM_TASK")
[ "$HAS_CRM" = true ] && expect_eq "filter by UF_CRM_TASK" "$(j "$out" '[.result.tasks[].id, (.result.tasks[0].ufCrmTask|sort|join(":"))]|join(",")')" "1,C_3:D_12"
out=$(get "$A/tasks.task.list?filter[ACCOMPLICE]=$CAROL&select[]=ID&order[ID]=ASC")
expect_eq "filter by ACCOMPLICE" "$(j "$out" '[.result.tasks[].id]|join(",")')" "1,2"
out=$(get "$A/tasks.task.list?filter[MEMBER]=$CAROL&filter[<ID]=10&select[]=ID&order[ID]=ASC")
expect_eq "filter by MEMBER" "$(j "$out" '[.result.tasks[].id]|join(",")')" "1,2,3"
out=$(post "$A/tasks.task.list" '{"filter":{"::SUBFILTER-ROLE":{"::LOGIC":"OR","RESPONSIBLE_ID":'"$BOB"',"CREATED_BY":'"$CAROL"'},"<ID":10},"select":["ID"],"order":{"ID":"ASC"}}')
expect_eq "::SUBFILTER with ::LOGIC OR" "$(j "$out" '[.result.tasks[].id]|join(",")')" "1,2,4"
out=$(get "$A/tasks.task.list?filter[GROUP_ID]=0&filter[REAL_STATUS]=2&filter[<ID]=5&select[]=ID")
expect_eq "GROUP_ID and REAL_STATUS" "$(j "$out" .total)" 4
out=$(get "$A/tasks.task.list?filter[STATUS]=-1&select[]=ID&select[]=subStatus&select[]=DEADLINE")
expect_eq "STATUS=-1 finds overdue tasks, subStatus -1" "$(j "$out" '[.result.tasks[].id, .result.tasks[0].subStatus, .result.tasks[0].overdue]|join(",")')" "2,-1,Y"
out=$(get "$A/tasks.task.list?filter[<DEADLINE]=now&select[]=ID")
expect_eq "<DEADLINE=now" "$(j "$out" '[.result.tasks[].id]|join(",")')" "2"
out=$(get "$A/tasks.task.list?filter[>DEADLINE]=now&select[]=ID")
expect_eq ">DEADLINE=now" "$(j "$out" '[.result.tasks[].id]|join(",")')" "1"
out=$(get "$A/tasks.task.list?filter[!STATUS]=-1")
expect_err "meta statuses cannot be negated" "$out" 400 INVALID_ARG_VALUE
out=$(get "$A/tasks.task.list?filter[TITLE]=Call%20back&select[]=ID&select[]=TITLE&select[]=responsibleId")
expect_eq "select keeps id and what was chosen (camelCase names too)" "$(j "$out" '.result.tasks[0] | keys | join(",")')" "id,responsible,responsibleId,title"
out=$(get "$A/tasks.task.list?order[TITLE]=DESC&filter[<ID]=4&select[]=TITLE")
expect_eq "order by TITLE" "$(j "$out" '[.result.tasks[].title]|join("|")')" "Prepare the offer|Form task|Call back"
out=$(get "$A/tasks.task.counters.get")
expect_eq "counters of the caller" "$(code "$out") $(j "$out" '.result.expired.counter')" "200 0"
out=$(get "$B/tasks.task.counters.get")
expect_eq "counters: Bob has one overdue task" "$(j "$out" '[.result.expired.counter, .result.my_expired.counter]|join(",")')" "1,1"
out=$(get "$E/tasks.task.counters.get?userId=$BOB")
expect_eq "counters of another user need a head or admin" "$(j "$out" .result)" "[]"
out=$(get "$H/tasks.task.counters.get?userId=$BOB")
expect_eq "a head reads a subordinate's counters" "$(j "$out" .result.expired.counter)" "1"

# ---------------------------------------------------------------- status flow
out=$(post "$H/tasks.task.add" '{"fields":{"TITLE":"Controlled","RESPONSIBLE_ID":'"$BOB"',"ACCOMPLICES":['"$CAROL"'],"AUDITORS":['"$DAVE"'],"TASK_CONTROL":"Y"}}')
TF=$(tid "$out")
status_of() { j "$(get "$A/tasks.task.get?taskId=$TF")" .result.task.status; }
expect_eq "task created by Hank (pending)" "$(status_of)" 2
out=$(get "$D/tasks.task.start?taskId=$TF")
expect_err "an auditor cannot start" "$out" 403 ACCESS_DENIED
out=$(get "$E/tasks.task.start?taskId=$TF")
expect_err "an outsider cannot start" "$out" 403 ACCESS_DENIED
out=$(get "$H/tasks.task.start?taskId=$TF")
expect_err "the creator does not start someone else's work" "$out" 403 ACCESS_DENIED
expect_eq "refused starts changed nothing" "$(status_of)" 2
out=$(get "$B/tasks.task.start?taskId=$TF")
expect_eq "the responsible starts" "$(j "$out" '.result.task | [.status, (.dateStart|length > 0), .statusChangedBy]|join(",")')" "3,true,$BOB"
out=$(get "$B/tasks.task.start?taskId=$TF")
expect_err "starting twice" "$out" 400 ACTION_NOT_ALLOWED
out=$(get "$B/tasks.task.pause?taskId=$TF")
expect_eq "the responsible pauses" "$(j "$out" .result.task.status)" 2
out=$(get "$C/tasks.task.start?taskId=$TF")
expect_eq "an accomplice starts" "$(j "$out" .result.task.status)" 3
out=$(get "$B/tasks.task.approve?taskId=$TF")
expect_err "approve before completion" "$out" 403 ACCESS_DENIED
out=$(get "$B/tasks.task.complete?taskId=$TF")
expect_eq "completing a controlled task awaits control" "$(j "$out" '.result.task | [.status, (.closedDate|length > 0)]|join(",")')" "4,true"
out=$(get "$B/tasks.task.approve?taskId=$TF")
expect_err "the responsible cannot approve" "$out" 403 ACCESS_DENIED
out=$(get "$B/tasks.task.renew?taskId=$TF")
expect_err "the responsible cannot renew" "$out" 403 ACCESS_DENIED
expect_eq "refused approve/renew changed nothing" "$(status_of)" 4
out=$(get "$H/tasks.task.disapprove?taskId=$TF")
expect_eq "the creator disapproves" "$(j "$out" '.result.task | [.status, .closedDate]|join(",")')" "2,"
out=$(get "$H/tasks.task.approve?taskId=$TF")
expect_err "approve a pending task" "$out" 400 ACTION_NOT_ALLOWED
get "$B/tasks.task.complete?taskId=$TF" >/dev/null
out=$(get "$H/tasks.task.approve?taskId=$TF")
expect_eq "the creator approves" "$(j "$out" '.result.task | [.status, .closedBy]|join(",")')" "5,$HANK"
out=$(get "$B/tasks.task.start?taskId=$TF")
expect_err "a completed task cannot be started" "$out" 400 ACTION_NOT_ALLOWED
out=$(get "$H/tasks.task.renew?taskId=$TF")
expect_eq "the creator renews" "$(j "$out" .result.task.status)" 2
out=$(get "$B/tasks.task.defer?taskId=$TF")
expect_eq "the responsible defers" "$(j "$out" .result.task.status)" 6
out=$(get "$C/tasks.task.defer?taskId=$TF")
expect_err "an accomplice cannot defer" "$out" 403 ACCESS_DENIED
out=$(get "$B/tasks.task.start?taskId=$TF")
expect_eq "a deferred task starts again" "$(j "$out" .result.task.status)" 3
out=$(get "$H/tasks.task.complete?taskId=$TF")
expect_eq "the creator completes without control" "$(j "$out" .result.task.status)" 5
get "$H/tasks.task.renew?taskId=$TF" >/dev/null
out=$(get "$D/tasks.task.delegate?taskId=$TF&userId=$GINA")
expect_err "an auditor cannot delegate" "$out" 403 ACCESS_DENIED
out=$(get "$B/tasks.task.delegate?taskId=$TF&userId=999")
expect_err "delegate to a missing user" "$out" 400 INVALID_ARG_VALUE
out=$(get "$B/tasks.task.delegate?taskId=$TF&userId=$GINA")
expect_eq "delegate: new responsible, old one audits" "$(j "$out" '.result.task | [.responsibleId, (.auditors|sort|join(":")), .status]|join(",")')" "$GINA,$BOB:$DAVE,2"
out=$(get "$G/tasks.task.get?taskId=$TF")
expect_eq "the new responsible sees the task" "$(code "$out")" 200
out=$(post "$D/tasks.task.update" '{"taskId":'"$TF"',"fields":{"TITLE":"mine now"}}')
expect_err "an auditor cannot update" "$out" 403 ACCESS_DENIED
out=$(post "$G/tasks.task.update" '{"taskId":'"$TF"',"fields":{"DEADLINE":"2031-01-01"}}')
expect_err "the responsible cannot move a fixed deadline" "$out" 403 ACCESS_DENIED
post "$H/tasks.task.update" '{"taskId":'"$TF"',"fields":{"ALLOW_CHANGE_DEADLINE":"Y"}}' >/dev/null
out=$(post "$G/tasks.task.update" '{"taskId":'"$TF"',"fields":{"DEADLINE":"2031-01-01"}}')
expect_match "... but may when ALLOW_CHANGE_DEADLINE=Y" "$(j "$out" .result.task.deadline)" '^2031-01-01'
out=$(post "$G/tasks.task.update" '{"taskId":'"$TF"',"fields":{"DEADLINE":"2031-02-01","TITLE":"x"}}')
expect_err "... and nothing else" "$out" 403 ACCESS_DENIED
out=$(get "$D/tasks.task.delete?taskId=$TF")
expect_err "an auditor cannot delete" "$out" 403 ACCESS_DENIED
out=$(get "$A/tasks.task.start?taskId=$TF")
expect_eq "an administrator may do anything" "$(j "$out" .result.task.status)" 3

# ---------------------------------------------------------------- visibility
out=$(get "$E/tasks.task.get?taskId=$T1")
expect_err "an outsider cannot get a task" "$out" 403 ACCESS_DENIED
out=$(get "$E/tasks.task.list?select[]=ID")
expect_eq "an outsider's list is empty" "$(j "$out" '[.total, (.result.tasks|length)]|join(",")')" "0,0"
out=$(post "$E/tasks.task.update" '{"taskId":'"$T1"',"fields":{"TITLE":"hacked"}}')
expect_err "an outsider cannot update" "$out" 403 ACCESS_DENIED
out=$(post "$E/task.commentitem.add" '['"$T1"',{"POST_MESSAGE":"hi"}]')
expect_err "an outsider cannot comment" "$out" 403 ACCESS_DENIED
out=$(post "$E/task.checklistitem.getlist" '['"$T1"']')
expect_err "an outsider cannot read the checklist" "$out" 403 ACCESS_DENIED
expect_eq "the outsider changed nothing" "$(j "$(get "$A/tasks.task.get?taskId=$T1")" .result.task.title)" "Prepare the offer"
out=$(get "$B/tasks.task.list?select[]=ID&order[ID]=ASC")
expect_eq "Bob sees what he takes part in" "$(j "$out" '[.result.tasks[].id]|join(",")')" "1,2,4,$TF"
out=$(get "$H/tasks.task.list?select[]=ID&order[ID]=ASC")
expect_eq "Hank (head of Sales) sees his team's tasks" "$(j "$out" '[.result.tasks[].id]|join(",")')" "1,2,3,4,$TF"
out=$(get "$I/tasks.task.list?select[]=ID&order[ID]=ASC")
expect_eq "Ivan (head above Sales) sees them too" "$(j "$out" '[.result.tasks[].id]|join(",")')" "1,2,3,4,$TF"
out=$(get "$I/tasks.task.get?taskId=$T3")
expect_eq "a head may get a subordinate's task" "$(code "$out") $(tid "$out")" "200 $T3"
out=$(get "$D/tasks.task.list?select[]=ID")
expect_eq "an auditor sees the tasks they audit" "$(j "$out" '[.result.tasks[].id]|join(",")')" "$TF"
# Bob leaves Sales: his own tasks stay with Hank only where Carol (still in Sales) takes part
post "$A/user.update" '{"ID":'"$BOB"',"UF_DEPARTMENT":[]}' >/dev/null
out=$(get "$H/tasks.task.list?select[]=ID&order[ID]=ASC")
expect_eq "Bob left Sales: Hank keeps only Carol's tasks" "$(j "$out" '[.result.tasks[].id]|join(",")')" "1,2,3,$TF"
post "$A/department.update" '{"ID":2,"NAME":"Sales","PARENT":1,"UF_HEAD":'"$EVE"'}' >/dev/null
out=$(get "$H/tasks.task.list?select[]=ID")
expect_eq "Hank is no longer head: his own task only" "$(j "$out" '[.result.tasks[].id]|join(",")')" "$TF"
out=$(get "$E/tasks.task.list?select[]=ID&order[ID]=ASC")
expect_eq "Eve, the new head, sees Carol's tasks" "$(j "$out" '[.result.tasks[].id]|join(",")')" "1,2,3,$TF"
post "$A/department.add" '{"NAME":"Other"}' >/dev/null
post "$A/department.update" '{"ID":2,"NAME":"Sales","PARENT":3,"UF_HEAD":'"$EVE"'}' >/dev/null
out=$(get "$I/tasks.task.list?select[]=ID")
expect_eq "Sales moved away from Ivan's department" "$(j "$out" '.total')" 0
post "$A/department.update" '{"ID":2,"NAME":"Sales","PARENT":1,"UF_HEAD":'"$HANK"'}' >/dev/null
post "$A/user.update" '{"ID":'"$BOB"',"UF_DEPARTMENT":[2]}' >/dev/null
out=$(get "$I/tasks.task.list?select[]=ID&order[ID]=ASC")
expect_eq "... and back" "$(j "$out" '[.result.tasks[].id]|join(",")')" "1,2,3,4,$TF"

# ---------------------------------------------------------------- checklist (positional)
post "$A/tasks.task.update" '{"taskId":'"$T1"',"fields":{"AUDITORS":['"$DAVE"']}}' >/dev/null
out=$(post "$B/task.checklistitem.add" '['"$T1"',{"TITLE":"Collect prices"}]')
CL1=$(j "$out" .result)
expect_eq "checklist add from a JSON array" "$(code "$out") $CL1" "200 1"
out=$(form "$B/task.checklistitem.add" "0=$T1&1[TITLE]=Write+text&1[IS_COMPLETE]=Y&1[SORT_INDEX]=5")
CL2=$(j "$out" .result)
expect_eq "checklist add form-encoded ?0=..&1[..]=.." "$CL2" 2
out=$(post "$C/task.checklistitem.add" '{"TASKID":'"$T1"',"FIELDS":{"TITLE":"Send it","IS_IMPORTANT":"Y"}}')
CL3=$(j "$out" .result)
expect_eq "checklist add with named keys" "$CL3" 3
out=$(get "$B/task.checklistitem.getlist?0=$T1")
expect_eq "checklist getlist in SORT_INDEX order" "$(j "$out" '[.result[] | .TITLE + "=" + .IS_COMPLETE + .SORT_INDEX]|join(",")')" "Collect prices=N0,Write text=Y5,Send it=N6"
expect_eq "checklist items are Bitrix24-shaped" "$(j "$out" '.result[0] | [.ID, .TASK_ID, .CREATED_BY, (.MEMBERS|length)]|join(",")')" "1,$T1,$BOB,0"
out=$(post "$B/task.checklistitem.getlist" '['"$T1"',{"ID":"DESC"}]')
expect_eq "checklist getlist with ORDER" "$(j "$out" '[.result[].ID]|join(",")')" "3,2,1"
out=$(post "$B/task.checklistitem.complete" '['"$T1"','"$CL1"']')
expect_eq "checklist complete" "$(j "$out" .result) $(j "$(post "$B/task.checklistitem.get" '['"$T1"','"$CL1"']')" '.result | .IS_COMPLETE + .TOGGLED_BY')" "true Y$BOB"
out=$(post "$B/task.checklistitem.renew" '['"$T1"','"$CL1"']')
expect_eq "checklist renew" "$(j "$(post "$B/task.checklistitem.get" '['"$T1"','"$CL1"']')" .result.IS_COMPLETE)" "N"
out=$(form "$B/task.checklistitem.update" "0=$T1&1=$CL2&2[TITLE]=Write+the+text")
expect_eq "checklist update answers null" "$(code "$out") $(j "$out" .result)" "200 null"
out=$(post "$B/task.checklistitem.moveafteritem" '['"$T1"','"$CL1"','"$CL3"']')
out=$(get "$B/task.checklistitem.getlist?0=$T1")
expect_eq "checklist moveafteritem" "$(j "$out" '[.result[].ID]|join(",")')" "2,3,1"
out=$(post "$D/task.checklistitem.isactionallowed" '['"$T1"','"$CL1"',2]')
expect_eq "isactionallowed for an auditor" "$(j "$out" .result)" "false"
out=$(post "$D/task.checklistitem.add" '['"$T1"',{"TITLE":"x"}]')
expect_err "an auditor cannot add checklist items" "$out" 403 ACCESS_DENIED
out=$(post "$B/task.checklistitem.add" '['"$T1"',{"IS_COMPLETE":"Y"}]')
expect_err "checklist add without TITLE" "$out" 400 BX_EMPTY_REQUIRED
out=$(post "$B/task.checklistitem.add" '['"$T1"',{"TITLE":"x","IS_COMPLETE":"maybe"}]')
expect_err "checklist add with a bad IS_COMPLETE" "$out" 400 INVALID_ARG_VALUE
out=$(post "$B/task.checklistitem.get" '['"$T2"','"$CL1"']')
expect_err "an item of another task" "$out" 400 NOT_FOUND
out=$(post "$B/task.checklistitem.delete" '['"$T1"','"$CL2"']')
expect_eq "checklist delete" "$(j "$out" .result) $(j "$(get "$B/task.checklistitem.getlist?0=$T1")" '.result|length')" "true 2"

# ---------------------------------------------------------------- comments (positional)
out=$(post "$D/task.commentitem.add" '['"$T1"',{"POST_MESSAGE":"Looks good"}]')
CM1=$(j "$out" .result)
expect_eq "an auditor comments (JSON array)" "$(code "$out") $CM1" "200 1"
out=$(form "$B/task.commentitem.add" "0=$T1&1[POST_MESSAGE]=On+it")
CM2=$(j "$out" .result)
expect_eq "comment form-encoded" "$CM2" 2
out=$(get "$B/task.commentitem.getlist?0=$T1")
expect_eq "comment getlist" "$(j "$out" '[.result[] | .AUTHOR_NAME + ":" + .POST_MESSAGE]|join(",")')" "Dave:Looks good,Bob:On it"
out=$(post "$B/task.commentitem.getlist" '['"$T1"',{"ID":"DESC"},{"AUTHOR_ID":'"$DAVE"'}]')
expect_eq "comment getlist with ORDER and FILTER" "$(j "$out" '[.result[].ID]|join(",")')" "1"
expect_eq "commentsCount follows" "$(j "$(get "$A/tasks.task.get?taskId=$T1")" .result.task.commentsCount)" 2
out=$(post "$B/task.commentitem.update" '['"$T1"','"$CM1"',{"POST_MESSAGE":"mine"}]')
expect_err "only the author updates a comment" "$out" 403 ACCESS_DENIED
out=$(post "$D/task.commentitem.update" '{"TASKID":'"$T1"',"ITEMID":'"$CM1"',"FIELDS":{"POST_MESSAGE":"Looks great"}}')
expect_eq "comment update (named keys)" "$(j "$out" .result) $(j "$(post "$D/task.commentitem.get" '['"$T1"','"$CM1"']')" .result.POST_MESSAGE)" "true Looks great"
out=$(post "$B/task.commentitem.add" '['"$T1"',{"POST_MESSAGE":""}]')
expect_err "an empty comment" "$out" 400 BX_EMPTY_REQUIRED
out=$(post "$D/task.commentitem.delete" '['"$T1"','"$CM1"']')
expect_eq "comment delete" "$(j "$out" .result) $(j "$(get "$A/tasks.task.get?taskId=$T1")" .result.task.commentsCount)" "true 1"

# ---------------------------------------------------------------- elapsed time (positional)
out=$(post "$B/task.elapseditem.add" '['"$T1"',{"SECONDS":3600,"COMMENT_TEXT":"research"}]')
EL1=$(j "$out" .result)
expect_eq "elapsed add (JSON array)" "$(code "$out") $EL1" "200 1"
out=$(form "$C/task.elapseditem.add" "0=$T1&1[SECONDS]=1800&1[COMMENT_TEXT]=call")
expect_eq "elapsed add form-encoded" "$(j "$out" .result)" 2
out=$(get "$B/task.elapseditem.getlist?0=$T1")
expect_eq "elapsed getlist with total" "$(j "$out" '[.total, (.result|map(.MINUTES)|join("+"))]|join(",")')" "2,60+30"
expect_eq "timeSpentInLogs follows" "$(j "$(get "$A/tasks.task.get?taskId=$T1")" .result.task.timeSpentInLogs)" 5400
out=$(post "$B/task.elapseditem.update" '['"$T1"','"$EL1"',{"SECONDS":7200}]')
expect_eq "elapsed update answers null" "$(j "$out" .result) $(j "$(get "$A/tasks.task.get?taskId=$T1")" .result.task.timeSpentInLogs)" "null 9000"
out=$(post "$C/task.elapseditem.update" '['"$T1"','"$EL1"',{"SECONDS":60}]')
expect_err "only the owner changes a time record" "$out" 403 ACCESS_DENIED
out=$(post "$B/task.elapseditem.add" '['"$T1"',{"SECONDS":-5}]')
expect_err "elapsed add with negative SECONDS" "$out" 400 INVALID_ARG_VALUE
out=$(post "$D/task.elapseditem.add" '['"$T1"',{"SECONDS":60}]')
expect_err "an auditor cannot log time" "$out" 403 ACCESS_DENIED
out=$(post "$B/task.elapseditem.get" '['"$T1"','"$EL1"']')
expect_eq "elapsed get" "$(j "$out" '.result | [.SECONDS, .USER_ID, .COMMENT_TEXT]|join(",")')" "7200,$BOB,research"
out=$(post "$B/task.elapseditem.delete" '['"$T1"','"$EL1"']')
expect_eq "elapsed delete" "$(j "$out" .result) $(j "$(get "$A/tasks.task.get?taskId=$T1")" .result.task.timeSpentInLogs)" "null 1800"

# ---------------------------------------------------------------- workgroups
out=$(get "$H/sonet_group.create?NAME=Open%20group&VISIBLE=Y&OPENED=Y&PROJECT=Y")
GO=$(j "$out" .result)
out=$(get "$H/sonet_group.create?NAME=Closed%20group&VISIBLE=Y&OPENED=N")
GC=$(j "$out" .result)
out=$(post "$H/sonet_group.create" '{"NAME":"Secret group","VISIBLE":"N","DESCRIPTION":"hush"}')
GS=$(j "$out" .result)
expect_eq "sonet_group.create answers integer ids" "$GO $GC $GS" "1 2 3"
out=$(get "$H/sonet_group.create?VISIBLE=Y")
expect_err "sonet_group.create without NAME" "$out" 400 BX_EMPTY_REQUIRED
out=$(post "$H/sonet_group.create" '{"NAME":" \t ","VISIBLE":"Y"}')
expect_err "sonet_group.create with a blank NAME" "$out" 400 BX_EMPTY_REQUIRED
out=$(get "$H/sonet_group.update?GROUP_ID=$GO&NAME=%20%20")
expect_err "sonet_group.update with a blank NAME" "$out" 400 BX_EMPTY_REQUIRED
out=$(get "$H/sonet_group.create?NAME=x&OPENED=perhaps")
expect_err "sonet_group.create with a bad flag" "$out" 400 INVALID_ARG_VALUE
out=$(get "$E/sonet_group.get?ORDER[ID]=ASC")
expect_eq "others see open and closed groups, not secret ones" "$(j "$out" '[.total, (.result|map(.NAME)|join("|"))]|join(",")')" "2,Open group|Closed group"
out=$(get "$H/sonet_group.get?FILTER[ID]=$GS")
expect_eq "the owner sees the secret group" "$(j "$out" '.result[0] | [.NAME, .VISIBLE, .OWNER_ID, .NUMBER_OF_MEMBERS]|join(",")')" "Secret group,N,$HANK,1"
out=$(get "$A/sonet_group.get?FILTER[VISIBLE]=N")
expect_eq "administrators see secret groups" "$(j "$out" .total)" 1
out=$(get "$E/sonet_group.user.add?GROUP_ID=$GO&USER_ID=$EVE")
expect_eq "anyone joins an open group" "$(j "$out" '.result|join(",")')" "$EVE"
out=$(get "$E/sonet_group.user.add?GROUP_ID=$GC&USER_ID=$EVE")
expect_err "a closed group is not joinable" "$out" 403 ACCESS_DENIED
out=$(get "$E/sonet_group.user.get?ID=$GS")
expect_err "a secret group's members are hidden" "$out" 403 ACCESS_DENIED
out=$(post "$H/sonet_group.user.add" '{"GROUP_ID":'"$GS"',"USER_ID":['"$GINA"','"$DAVE"']}')
expect_eq "the owner adds members" "$(j "$out" '.result|join(",")')" "$GINA,$DAVE"
out=$(get "$G/sonet_group.user.get?ID=$GS")
expect_eq "sonet_group.user.get" "$(j "$out" '[.result[] | .USER_ID + .ROLE]|join(",")')" "${HANK}A,${DAVE}K,${GINA}K"
out=$(get "$H/sonet_group.user.update?GROUP_ID=$GS&USER_ID=$DAVE&ROLE=E")
expect_eq "the owner makes a moderator" "$(j "$(get "$G/sonet_group.user.get?ID=$GS")" '[.result[] | .USER_ID + .ROLE]|join(",")')" "${HANK}A,${DAVE}E,${GINA}K"
out=$(get "$G/sonet_group.user.groups")
expect_eq "sonet_group.user.groups" "$(j "$out" '[.result[] | .GROUP_NAME + ":" + .ROLE]|join(",")')" "Secret group:K"
out=$(post "$H/tasks.task.add" '{"fields":{"TITLE":"Secret plan","RESPONSIBLE_ID":'"$HANK"',"GROUP_ID":'"$GS"'}}')
TG=$(tid "$out")
expect_eq "a task in the secret group" "$(j "$out" '.result.task | [.groupId, .group.name]|join(",")')" "$GS,Secret group"
out=$(post "$E/tasks.task.add" '{"fields":{"TITLE":"x","RESPONSIBLE_ID":'"$EVE"',"GROUP_ID":'"$GS"'}}')
expect_err "only members add tasks to a group" "$out" 403 ACCESS_DENIED
out=$(get "$G/tasks.task.list?filter[GROUP_ID]=$GS&select[]=ID")
expect_eq "group members see the group's tasks" "$(j "$out" '[.result.tasks[].id]|join(",")')" "$TG"
out=$(get "$E/tasks.task.list?filter[GROUP_ID]=$GS&select[]=ID")
expect_eq "non-members do not" "$(j "$out" .total)" 0
out=$(get "$E/tasks.task.get?taskId=$TG")
expect_err "non-members cannot get it" "$out" 403 ACCESS_DENIED
out=$(get "$G/sonet_group.user.delete?GROUP_ID=$GS&USER_ID=$HANK")
expect_err "a member cannot remove others" "$out" 403 ACCESS_DENIED
out=$(get "$G/sonet_group.user.delete?GROUP_ID=$GS&USER_ID=$GINA")
expect_eq "a member leaves by themselves" "$(j "$out" '.result|join(",")')" "$GINA"
out=$(get "$G/tasks.task.get?taskId=$TG")
expect_err "after leaving the task is hidden again" "$out" 403 ACCESS_DENIED
out=$(get "$H/sonet_group.user.delete?GROUP_ID=$GS&USER_ID=$HANK")
expect_eq "the owner is never removed" "$(j "$out" '.result|length')" 0
out=$(get "$D/sonet_group.update?GROUP_ID=$GS&NAME=Mine")
expect_err "a moderator cannot update the group" "$out" 403 ACCESS_DENIED
out=$(get "$H/sonet_group.update?GROUP_ID=$GS&NAME=Less%20secret&VISIBLE=Y")
expect_eq "the owner updates it" "$(j "$out" .result) $(j "$(get "$E/sonet_group.get?FILTER[ID]=$GS")" '.result[0].NAME')" "$GS Less secret"
out=$(get "$H/sonet_group.setowner?GROUP_ID=$GS&USER_ID=$DAVE")
expect_eq "setowner: old owner becomes moderator" "$(j "$(get "$D/sonet_group.user.get?ID=$GS")" '[.result[] | .USER_ID + .ROLE]|join(",")')" "${DAVE}A,${HANK}E"
out=$(get "$H/sonet_group.delete?GROUP_ID=$GS")
expect_err "a moderator cannot delete the group" "$out" 403 ACCESS_DENIED
out=$(get "$D/sonet_group.delete?GROUP_ID=$GS")
expect_eq "the owner deletes it" "$(j "$out" .result)" "true"
out=$(get "$A/tasks.task.get?taskId=$TG")
expect_eq "its tasks remain, in no group" "$(j "$out" '.result.task | [.groupId, (.group|length)]|join(",")')" "0,0"
out=$(get "$D/tasks.task.get?taskId=$TG")
expect_err "... visible to their participants only" "$out" 403 ACCESS_DENIED
out=$(get "$E/sonet_group.get?GROUP_ID=$GS")
expect_eq "a deleted group is gone" "$(j "$out" .total)" 0
out=$(get "$E/sonet_group.update?GROUP_ID=$GS&NAME=x")
expect_eq "update of a missing group" "$(code "$out") $(j "$out" .error_description)" "400 socialnetwork group $GS not found"

# ---------------------------------------------------------------- scope, methods, delete
out=$(get "$U/tasks.task.list")
expect_err "tasks need the task scope" "$out" 403 insufficient_scope
out=$(get "$A/methods?scope=task")
expect_match "methods lists the tasks methods" "$out" '"tasks.task.list".*"task.checklistitem.add"'
out=$(get "$H/tasks.task.delete?taskId=$TF")
expect_eq "the creator deletes a task" "$(j "$out" .result.task)" "true"
expect_eq "a deleted task answers []" "$(j "$(get "$A/tasks.task.get?taskId=$TF")" .result)" "[]"
out=$(get "$A/tasks.task.delete?taskId=$T1")
expect_eq "deleting a parent keeps its sub-tasks" "$(j "$(get "$A/tasks.task.get?taskId=$T4")" .result.task.parentId)" "null"

# ---------------------------------------------------------------- the CRM timeline (when built in)
if [ "$(j "$(get "$A/method.get?name=crm.deal.add")" .result.isExisting)" = true ]; then
    deal=$(j "$(post "$A/crm.deal.add" '{"fields":{"TITLE":"Deal with a task"}}')" .result)
    out=$(post "$A/tasks.task.add" '{"fields":{"TITLE":"Call the client","RESPONSIBLE_ID":'"$BOB"',"UF_CRM_TASK":["D_'"$deal"'"]}}')
    TC=$(tid "$out")
    out=$(get "$A/crm.timeline.list?entityTypeId=2&entityId=$deal")
    expect_eq "a task bound to a deal shows on its timeline (ONTASKADD)" \
        "$(j "$out" '[.result[] | select(.type == "task") | .data.title + ":" + .data.action] | join(",")')" \
        "Call the client:added"
    get "$B/tasks.task.complete?taskId=$TC" >/dev/null
    out=$(get "$A/crm.timeline.list?entityTypeId=2&entityId=$deal")
    expect_match "... and its completion (ONTASKUPDATE)" \
        "$(j "$out" '[.result[] | select(.type == "task") | .data.action] | join(",")')" '^completed,'
else
    echo "# skip - CRM timeline: the crm module is not in this build"
fi

# ---------------------------------------------------------------- the creator is fixed
out=$(post "$L/tasks.task.add" '{"fields":{"TITLE":"Lin task","RESPONSIBLE_ID":'"$LIN"'}}')
LT=$(tid "$out")
check "Lin adds a task of her own" test -n "$LT" -a "$LT" != null
out=$(post "$L/tasks.task.update" '{"taskId":'"$LT"',"fields":{"CREATED_BY":'"$ADA"'}}')
expect_err "the creator may not make someone else the creator (as on add)" "$out" 403 ACCESS_DENIED
out=$(post "$L/tasks.task.update" '{"taskId":'"$LT"',"fields":{"CREATED_BY":'"$ADA"',"TITLE":"Renamed"}}')
expect_err "... nor with other fields" "$out" 403 ACCESS_DENIED
out=$(get "$A/tasks.task.get?taskId=$LT")
expect_eq "... the task keeps its creator and title" "$(j "$out" '.result.task | [.createdBy, .title] | join(",")')" "$LIN,Lin task"
out=$(post "$L/tasks.task.update" '{"taskId":'"$LT"',"fields":{"CREATED_BY":'"$LIN"',"PRIORITY":2}}')
expect_eq "naming the creator it already has is no change" "$(code "$out")" 200
out=$(post "$A/tasks.task.update" '{"taskId":'"$LT"',"fields":{"CREATED_BY":'"$BOB"'}}')
expect_eq "an administrator may change the creator" \
    "$(code "$out") $(j "$(get "$A/tasks.task.get?taskId=$LT")" .result.task.createdBy)" "200 $BOB"

# ---------------------------------------------------------------- CRM links need a readable record
if [ "$HAS_CRM" = true ]; then
    ROLE=$(j "$(post "$A/role.add" '{"NAME":"Own deals","PERMISSIONS":{"*":{"READ":"all","ADD":"all","UPDATE":"all","DELETE":"all"},"crm_deal":{"READ":"own","ADD":"all","UPDATE":"own","DELETE":"own"}}}')" .result)
    out=$(post "$A/role.assign" '{"ROLE_ID":'"$ROLE"',"USER_ID":'"$LIN"'}')
    expect_eq "Lin reads only her own deals" "$(code "$out")" 200
    HID=$(j "$(post "$A/crm.deal.add" '{"fields":{"TITLE":"Not for Lin","ASSIGNED_BY_ID":'"$ADA"'}}')" .result)
    HID2=$(j "$(post "$A/crm.deal.add" '{"fields":{"TITLE":"Not for Lin either","ASSIGNED_BY_ID":'"$ADA"'}}')" .result)
    OWN=$(j "$(post "$A/crm.deal.add" '{"fields":{"TITLE":"Lin deal","ASSIGNED_BY_ID":'"$LIN"'}}')" .result)
    before=$(count_tasks)
    add_hidden=$(post "$L/tasks.task.add" '{"fields":{"TITLE":"x","RESPONSIBLE_ID":'"$LIN"',"UF_CRM_TASK":["D_'"$HID"'"]}}')
    expect_err "a task bound to a deal its author cannot read is refused" "$add_hidden" 400 INVALID_ARG_VALUE
    expect_eq "... naming the field and the record" "$(j "$add_hidden" .error_description)" \
        "field 'UF_CRM_TASK': deal $HID is not a record you can see"
    out=$(post "$L/tasks.task.add" '{"fields":{"TITLE":"Bound","RESPONSIBLE_ID":'"$LIN"',"UF_CRM_TASK":["D_'"$OWN"'"]}}')
    LB=$(tid "$out")
    check "a task bound to her own deal is added" test -n "$LB" -a "$LB" != null
    upd_hidden=$(post "$L/tasks.task.update" '{"taskId":'"$LB"',"fields":{"UF_CRM_TASK":["D_'"$OWN"'","D_'"$HID"'"]}}')
    expect_err "binding it to the hidden deal on update is refused" "$upd_hidden" 400 INVALID_ARG_VALUE
    batch_hidden=$(post "$L/batch" '{"halt":0,"cmd":{"t":"tasks.task.add?fields[TITLE]=x&fields[RESPONSIBLE_ID]='"$LIN"'&fields[UF_CRM_TASK][]=D_'"$HID"'"}}')
    expect_eq "... and inside batch" "$(j "$batch_hidden" '.result.result_error.t.error')" INVALID_ARG_VALUE
    expect_eq "the refused calls wrote nothing" "$(count_tasks) $(j "$(get "$A/tasks.task.get?taskId=$LB")" '.result.task.ufCrmTask|join(",")')" "$((before + 1)) D_$OWN"
    out=$(get "$A/crm.timeline.list?entityTypeId=2&entityId=$HID")
    expect_eq "the hidden deal's timeline shows no task" "$(j "$out" '[.result[] | select(.type == "task")] | length')" 0
    post "$A/crm.deal.delete" '{"id":'"$HID"'}' >/dev/null
    expect_eq "once the deal is gone, add answers byte for byte as for the hidden one" \
        "$(post "$L/tasks.task.add" '{"fields":{"TITLE":"x","RESPONSIBLE_ID":'"$LIN"',"UF_CRM_TASK":["D_'"$HID"'"]}}')" "$add_hidden"
    expect_eq "... and so does update" \
        "$(post "$L/tasks.task.update" '{"taskId":'"$LB"',"fields":{"UF_CRM_TASK":["D_'"$OWN"'","D_'"$HID"'"]}}')" "$upd_hidden"
    expect_eq "... and batch" "$(j "$(post "$L/batch" '{"halt":0,"cmd":{"t":"tasks.task.add?fields[TITLE]=x&fields[RESPONSIBLE_ID]='"$LIN"'&fields[UF_CRM_TASK][]=D_'"$HID"'"}}')" .result.result_error)" \
        "$(j "$batch_hidden" .result.result_error)"
    out=$(post "$A/tasks.task.update" '{"taskId":'"$LB"',"fields":{"UF_CRM_TASK":["D_'"$OWN"'","D_'"$HID2"'"]}}')
    expect_eq "an administrator binds it to a deal Lin cannot read" "$(code "$out")" 200
    out=$(post "$L/tasks.task.update" '{"taskId":'"$LB"',"fields":{"UF_CRM_TASK":["D_'"$HID2"'","D_'"$OWN"'"],"PRIORITY":2}}')
    expect_eq "... a link the task has stays when Lin edits it" "$(code "$out")" 200
else
    out=$(post "$A/tasks.task.add" '{"fields":{"TITLE":"x","RESPONSIBLE_ID":'"$LIN"',"UF_CRM_TASK":["D_1"]}}')
    expect_eq "without the crm module no CRM link can be made" "$(code "$out") $(j "$out" .error_description)" \
        "400 field 'UF_CRM_TASK': 'D_1' is not a record you can see"
fi

# ---------------------------------------------------------------- the visibility table
sq() { sqlite3 -cmd '.timeout 5000' "$DATA/kazi.db" "$1"; }
expect_eq "visibility rows equal the rule" \
    "$(sq 'SELECT COUNT(*) FROM (SELECT * FROM tasks_access EXCEPT SELECT * FROM tasks_viewer UNION ALL SELECT * FROM (SELECT * FROM tasks_viewer EXCEPT SELECT * FROM tasks_access))')" 0
expect_eq "visibility counts equal the rows" \
    "$(sq 'SELECT COUNT(*) FROM (SELECT user_id, COUNT(*) AS n FROM tasks_access GROUP BY user_id EXCEPT SELECT user_id, n FROM tasks_access_count WHERE n > 0)')" 0
expect_eq "department closure equals the tree" \
    "$(sq 'WITH RECURSIVE c(a, d) AS (SELECT id, id FROM core_department UNION SELECT c.a, x.id FROM c JOIN core_department x ON x.parent_id = c.d) SELECT COUNT(*) FROM (SELECT a, d FROM c EXCEPT SELECT ancestor_id, department_id FROM tasks_dept_tree UNION ALL SELECT * FROM (SELECT ancestor_id, department_id FROM tasks_dept_tree EXCEPT SELECT a, d FROM c))')" 0

kazi_stop
t_finish
