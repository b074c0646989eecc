#!/usr/bin/env bash
# The permission matrix. Part 1: every method an ordinary user can be refused (its table row
# names a permission entity, or it is for administrators only) is called by a user whose role
# sets exactly that entity/action to none and everything else to all; it must answer 403
# ACCESS_DENIED, directly (POST JSON) and inside batch, with the database dump unchanged. The
# methods come from `methods?full=true` and the entity/action/flags columns of `kazi routes`,
# so methods of modules added later are covered without editing this file: one without an
# argument recipe below gets a generic one (or an empty set), which is enough because the check
# runs before the handler. Part 2: "own", "department" and "subdepartment" levels over a
# department tree return exactly the allowed rows from user.get / user.search and, when the CRM
# is on, crm.deal.list / crm.deal.get (owner ASSIGNED_BY_ID), directly and inside batch, with
# the method spelt as clients spell it (case, ".json", trailing slash). Part 3: on entities
# whose rows have no owner (role.entities OWNED false: CRM settings, products, the department
# tree) "own", "department" and "subdepartment" mean none: every such method is refused at
# those levels, directly and inside batch, `methods` and method.get agree, and role.add refuses
# those levels on such an entity by name.
# Part 4 (CRM on): every write path that takes a link to a record (link fields, bindings, user
# fields of type crm and file, activity owners and communications, timeline comments,
# conversions, merges, product rows, task CRM bindings) is called by a user who may write the
# source but not read the target: it must be refused with the database dump unchanged, and the
# reply (status, error, description) must be byte for byte the one for a target that does not
# exist (the same call once the target is deleted) and, but for the id, for an id that never
# existed; directly and inside batch. The same call with a target the user can read succeeds,
# so each refusal is the link's.
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

DATA=$T_DIR/data
JSON=(-H 'Content-Type: application/json')
command -v jq >/dev/null || { not_ok "jq is installed"; t_finish; exit 1; }
command -v sqlite3 >/dev/null || { not_ok "sqlite3 is installed"; t_finish; exit 1; }

# call BASE METHOD JSON: POSTs JSON to BASE/METHOD; sets STATUS and BODY
call() {
    local out
    out=$(req POST "$1/$2" "${JSON[@]}" --data "$3")
    STATUS=${out%% *}
    BODY=${out#* }
}
# must BASE METHOD JSON: call that has to succeed; prints the result (compact JSON)
must() {
    call "$@"
    if [ "$STATUS" != 200 ]; then
        echo "# $2 $3 -> $STATUS ${BODY:0:300}" >&2
        return 1
    fi
    jq -c '.result' <<<"$BODY"
}
# first_id JSON-RESULT: an add method's new id (a number, or the first ID/id inside an object)
first_id() {
    jq -r 'if type == "number" then . elif type == "object" then
               ([.. | objects | (.ID? // .id? // empty)] | first // empty) else empty end' <<<"$1"
}
# ids JSON-RESULT: the sorted numeric IDs of a list result, as a JSON array
ids() { jq -c '[.[]? | .ID | tonumber] | sort' <<<"$1"; }
# as_query JSON: the parameters as a PHP-bracket query string, for batch commands
as_query() {
    jq -r '[paths(scalars) as $p | ($p[0] | tostring) +
            ($p[1:] | map("[" + tostring + "]") | join("")) + "=" + (getpath($p) | tostring | @uri)]
           | join("&")' <<<"$1"
}
dump() { sqlite3 "$DATA/kazi.db" .dump; }
# hook USER: a webhook for USER with every scope the server has, made by the administrator
hook() {
    local r
    r=$(must "$A" webhook.add "{\"USER_ID\":$1,\"SCOPES\":\"$SCOPES\"}") || return 1
    echo "$HTTP_URL$(jq -r .URL <<<"$r" | sed -e 's#^https\?://[^/]*##' -e 's#/$##')"
}

# ---------------------------------------------------------------- set-up
"$KAZI_BIN" user add --data "$DATA" --email admin@example.com --name Ada --admin \
    >/dev/null 2>>"$T_DIR/cli.err"
ROUTES=$("$KAZI_BIN" routes --data "$DATA" 2>>"$T_DIR/cli.err" | grep '^method ')
SCOPES=$(awk '{ sub("^scope=", "", $3); if ($3 != "-") print $3 }' <<<"$ROUTES" | sort -u |
    paste -sd, -)
expect_match "kazi routes prints entity, action and flags" "$(head -1 <<<"$ROUTES")" \
    ' entity=[^ ]+ action=[^ ]+ flags=[^ ]+$'
PA=$("$KAZI_BIN" webhook add --data "$DATA" --user 1 --scopes "$SCOPES" 2>>"$T_DIR/cli.err" |
    tail -1 | sed -e 's#^https\?://[^/]*##' -e 's#/$##')
check "administrator webhook with every scope ($SCOPES)" test -n "$PA"
kazi_start --https off || { not_ok "kazi starts"; t_finish; exit 1; }
A=$HTTP_URL$PA

METHODS=$(must "$A" methods '{"full":true}' | jq -r '.[]')
expect_eq "methods?full=true and kazi routes list the same methods" \
    "$(sort <<<"$METHODS" | paste -sd' ' -)" "$(awk '{ print $2 }' <<<"$ROUTES" | sort | paste -sd' ' -)"
has() { grep -qx "$1" <<<"$METHODS"; }

# ================================================================ part 2: own / department
# Departments: Company > Sales > East, Company > Support > Tier2. V is a member of Sales; H is
# no member anywhere but heads Support.
uadd() { # NAME [DEPARTMENT]: adds a user, prints the id
    local deps=${2:+[$2]}
    must "$A" user.add "{\"EMAIL\":\"$1@example.com\",\"NAME\":\"$1\",\"UF_DEPARTMENT\":${deps:-[]}}"
}
dadd() { must "$A" department.add "$1"; }
H=$(uadd head)
D_CO=$(dadd '{"NAME":"Company"}')
D_SALES=$(dadd "{\"NAME\":\"Sales\",\"PARENT\":$D_CO}")
D_EAST=$(dadd "{\"NAME\":\"East\",\"PARENT\":$D_SALES}")
D_SUP=$(dadd "{\"NAME\":\"Support\",\"PARENT\":$D_CO,\"UF_HEAD\":$H}")
D_T2=$(dadd "{\"NAME\":\"Tier2\",\"PARENT\":$D_SUP}")
V=$(uadd viewer "$D_SALES")
S2=$(uadd seller "$D_SALES")
E=$(uadd east "$D_EAST")
P=$(uadd support "$D_SUP")
T2=$(uadd tier2 "$D_T2")
R=$(uadd root "$D_CO")
N=$(uadd nobody)
check "department tree and users created" test -n "$T2" -a -n "$N" -a -n "$D_T2"
HV=$(hook "$V")
HH=$(hook "$H")
check "webhooks for the viewers" test -n "$HV" -a -n "$HH"
ALL=$(ids "$(must "$A" user.get '{}')")

ROLE_S=$(must "$A" role.add '{"NAME":"Scoped","PERMISSIONS":{"*":{"READ":"all"}}}')
must "$A" role.assign "{\"ROLE_ID\":$ROLE_S,\"USER_ID\":$V}" >/dev/null &&
    must "$A" role.assign "{\"ROLE_ID\":$ROLE_S,\"USER_ID\":$H}" >/dev/null
check "scoped role assigned to the viewers" test $? -eq 0

CRM=0
if has crm.deal.add && has crm.deal.list && has crm.deal.get; then
    CRM=1
    declare -A DEAL_OWNER=()
    for u in 1 "$H" "$V" "$S2" "$E" "$P" "$T2" "$R" "$N" "$V"; do
        d=$(must "$A" crm.deal.add "{\"fields\":{\"TITLE\":\"Deal of $u\",\"ASSIGNED_BY_ID\":$u}}")
        [ -n "$d" ] && DEAL_OWNER[$d]=$u
    done
    check "deals created, one or two per user" test "${#DEAL_OWNER[@]}" -eq 10
else
    echo "# crm.deal.add/list/get are not registered: deal ownership is not checked"
fi

# set_level ENTITY LEVEL: the scoped role reads ENTITY at LEVEL, everything else at all
set_level() {
    must "$A" role.update "$(jq -cn --argjson id "$ROLE_S" --arg e "$1" --arg l "$2" \
        '{ID: $id, PERMISSIONS: {"*": {READ: "all"}, ($e): {READ: $l}}}')" >/dev/null
}
# allowed_deals USERS-JSON: the sorted deal ids whose owner is in the users array
allowed_deals() {
    local d out=()
    for d in "${!DEAL_OWNER[@]}"; do
        jq -e --argjson u "${DEAL_OWNER[$d]}" 'index($u) != null' <<<"$1" >/dev/null && out+=("$d")
    done
    printf '%s\n' "${out[@]}" | jq -sc 'sort'
}

# scope_case WHO HOOK LEVEL EXPECTED-USERS-JSON
scope_case() {
    local who=$1 url=$2 level=$3 want=$4 res b outside
    set_level user "$level" || not_ok "role.update user READ=$level"
    call "$url" user.get '{}'
    res=$(jq -c '.result' <<<"$BODY")
    expect_eq "$who, user READ=$level: user.get returns exactly $want" "$(ids "$res")" "$want"
    expect_eq "$who, user READ=$level: total counts the allowed rows" \
        "$(jq -r '.total' <<<"$BODY")" "$(jq 'length' <<<"$want")"
    res=$(must "$url" user.search '{}')
    expect_eq "$who, user READ=$level: user.search returns exactly $want" "$(ids "$res")" "$want"
    # a filter naming rows outside the level finds nothing of them
    outside=$(jq -c --argjson a "$ALL" '$a - .' <<<"$want")
    res=$(must "$url" user.get "{\"FILTER\":{\"ID\":$ALL}}")
    expect_eq "$who, user READ=$level: filtering by every id still returns only $want" \
        "$(ids "$res")" "$want"
    b=$(must "$url" batch "$(jq -cn --argjson o "$outside" --argjson w "$want" \
        '{halt: 0, cmd: {list: "user.get", search: "user.search",
                         one: "user.get?ID=\($o | first // 0)", mine: "user.get?ID=\($w | first)"}}')")
    expect_eq "$who, user READ=$level: user.get in batch" "$(ids "$(jq -c '.result.list' <<<"$b")")" "$want"
    expect_eq "$who, user READ=$level: user.search in batch" \
        "$(ids "$(jq -c '.result.search' <<<"$b")")" "$want"
    expect_eq "$who, user READ=$level: a row outside the level is not in batch" \
        "$(ids "$(jq -c '.result.one' <<<"$b")")" "[]"
    expect_eq "$who, user READ=$level: a row inside the level is in batch" \
        "$(ids "$(jq -c '.result.mine' <<<"$b")")" "[$(jq -r 'first' <<<"$want")]"
    [ "$CRM" = 1 ] || return 0
    local dwant d got st ok_get=1
    set_level crm_deal "$level" || not_ok "role.update crm_deal READ=$level"
    dwant=$(allowed_deals "$want")
    res=$(must "$url" crm.deal.list '{"select":["ID","ASSIGNED_BY_ID"]}')
    expect_eq "$who, crm_deal READ=$level: crm.deal.list returns exactly $dwant" "$(ids "$res")" "$dwant"
    b=$(must "$url" batch '{"halt":0,"cmd":{"deals":"crm.deal.list?select[]=ID"}}')
    expect_eq "$who, crm_deal READ=$level: crm.deal.list in batch" \
        "$(ids "$(jq -c '.result.deals' <<<"$b")")" "$dwant"
    for d in "${!DEAL_OWNER[@]}"; do
        call "$url" crm.deal.get "{\"id\":$d}"
        st=$STATUS
        if jq -e --argjson d "$d" 'index($d) != null' <<<"$dwant" >/dev/null; then
            got=$([ "$st" = 200 ] && echo yes)
        else
            got=$([[ "$st $BODY" =~ ^403\ \{\"error\":\"ACCESS_DENIED\" ]] && echo yes)
        fi
        if [ -z "$got" ]; then
            ok_get=0
            echo "# crm.deal.get id=$d (owner ${DEAL_OWNER[$d]}) -> $st ${BODY:0:120}"
        fi
    done
    check "$who, crm_deal READ=$level: crm.deal.get gives 200 inside the level, 403 ACCESS_DENIED outside" \
        test "$ok_get" = 1
}

j() { printf '%s\n' "$@" | jq -sc 'sort'; }
scope_case viewer "$HV" own "$(j "$V")"
scope_case viewer "$HV" department "$(j "$V" "$S2")"
scope_case viewer "$HV" subdepartment "$(j "$V" "$S2" "$E")"
scope_case viewer "$HV" all "$ALL"
scope_case head "$HH" own "$(j "$H")"
scope_case head "$HH" department "$(j "$H" "$P")"
scope_case head "$HH" subdepartment "$(j "$H" "$P" "$T2")"

# a role assigned to a department reaches its members
must "$A" role.unassign "{\"ROLE_ID\":$ROLE_S,\"USER_ID\":$V}" >/dev/null &&
    must "$A" role.assign "{\"ROLE_ID\":$ROLE_S,\"DEPARTMENT_ID\":$D_SALES}" >/dev/null
check "scoped role moved from the viewer to the Sales department" test $? -eq 0
set_level user department
expect_eq "viewer through the department's role, user READ=department" \
    "$(ids "$(must "$HV" user.get '{}')")" "$(j "$V" "$S2")"
set_level user none
call "$HV" user.get '{}'
expect_match "viewer through the department's role, user READ=none: refused" "$STATUS $BODY" \
    '^403 \{"error":"ACCESS_DENIED"'

# ---------------------------------------------------------------- method names in batch
# batch finds a method however a top-level call may spell it, and applies the same level
if [ "$CRM" = 1 ]; then
    set_level crm_deal own
    dwant=$(allowed_deals "$(j "$V")")
    for name in crm.deal.list CRM.Deal.List crm.deal.list.json CRM.DEAL.LIST.JSON crm.deal.list/ \
        crm.deal.list.json/ Crm.Deal.List.Json//; do
        call "$HV" "$name" '{"select":["ID"]}'
        expect_eq "viewer, crm_deal READ=own: top-level $name returns exactly $dwant" \
            "$STATUS $(ids "$(jq -c .result <<<"$BODY")")" "200 $dwant"
        b=$(must "$HV" batch "$(jq -cn --arg c "$name?select[]=ID" '{halt: 0, cmd: {deals: $c}}')")
        expect_eq "viewer, crm_deal READ=own: $name in batch returns exactly $dwant" \
            "$(ids "$(jq -c '.result.deals' <<<"$b")") $(jq -c '.result_error' <<<"$b")" "$dwant []"
        b=$(must "$HV" batch "$(jq -cn --arg c "${name%%/*}" '{halt: 0, cmd: {deals: $c}}')")
        expect_eq "viewer, crm_deal READ=own: $name without parameters in batch" \
            "$(ids "$(jq -c '.result.deals' <<<"$b")")" "$dwant"
    done
    call "$HV" crm.deal.list.xml '{}'
    expect_match "top-level crm.deal.list.xml is refused" "$STATUS $BODY" '^400 \{"error":"INVALID_REQUEST"'
    b=$(must "$HV" batch '{"halt":0,"cmd":{"x":"crm.deal.list.xml","y":"crm deal list","z":"crm.deal.nothing"}}')
    expect_eq "in batch, .xml and a malformed name are refused as at the top level" \
        "$(jq -c '[.result_error.x.error, .result_error.y.error, .result_error.z.error]' <<<"$b")" \
        '["INVALID_REQUEST","INVALID_REQUEST","ERROR_METHOD_NOT_FOUND"]'
    set_level crm_deal none
    b=$(must "$HV" batch '{"halt":0,"cmd":{"a":"CRM.Deal.List.json","b":"crm.deal.list/"}}')
    expect_eq "viewer, crm_deal READ=none: spelt differently in batch, still ACCESS_DENIED" \
        "$(jq -c '[.result_error.a.error, .result_error.b.error]' <<<"$b")" \
        '["ACCESS_DENIED","ACCESS_DENIED"]'
fi

# ================================================================ part 1: the matrix
# recipe METHOD: "c JSON" (a recipe written for the method, checked as administrator) or
# "g JSON" (a generic guess). @ME@ is the matrix user, @ROLE@ its role, @SEED@ the id of the
# row the administrator made with the nearest X.add above the method, @SEED:X@ that of X.add.
recipe() {
    case $1 in
    webhook.add | token.add) echo 'c {"USER_ID":@ME@,"SCOPES":"user","TITLE":"Matrix"}' ;;
    webhook.revoke | token.revoke) echo 'c {"ID":@SEED@}' ;;
    user.add) echo 'c {"EMAIL":"matrix-new@example.com","NAME":"Matrix"}' ;;
    department.add) echo 'c {"NAME":"Matrix"}' ;;
    department.update) echo 'c {"ID":@SEED@,"NAME":"Changed"}' ;;
    role.add) echo 'c {"NAME":"Matrix spare","PERMISSIONS":{"*":{"READ":"all"}}}' ;;
    role.update) echo 'c {"ID":@SEED@,"NAME":"Changed"}' ;;
    role.assign) echo 'c {"ROLE_ID":@SEED@,"USER_ID":@ME@}' ;;
    role.unassign) echo 'c {"ROLE_ID":@ROLE@,"USER_ID":@ME@}' ;;
    department.delete | role.delete) echo 'c {"ID":@SEED@}' ;;
    crm.*.userfield.add)
        echo 'c {"fields":{"FIELD_NAME":"MATRIX","USER_TYPE_ID":"string","EDIT_FORM_LABEL":"Matrix"}}' ;;
    crm.*.userfield.update) echo 'c {"id":@SEED@,"fields":{"EDIT_FORM_LABEL":"Changed"}}' ;;
    crm.*.contact.items.set) echo 'c {"id":@SEED@,"items":[{"CONTACT_ID":@SEED:crm.contact@}]}' ;;
    crm.*.company.items.set) echo 'c {"id":@SEED@,"items":[{"COMPANY_ID":@SEED:crm.company@}]}' ;;
    crm.*.contact.add | crm.*.contact.delete)
        echo 'c {"id":@SEED@,"fields":{"CONTACT_ID":@SEED:crm.contact@}}' ;;
    crm.*.company.add | crm.*.company.delete)
        echo 'c {"id":@SEED@,"fields":{"COMPANY_ID":@SEED:crm.company@}}' ;;
    crm.status.add) echo 'c {"fields":{"ENTITY_ID":"SOURCE","STATUS_ID":"MATRIX","NAME":"Matrix"}}' ;;
    crm.status.update) echo 'c {"id":@SEED@,"fields":{"NAME":"Changed"}}' ;;
    crm.category.add) echo 'c {"entityTypeId":2,"fields":{"name":"Matrix"}}' ;;
    crm.category.update) echo 'c {"entityTypeId":2,"id":@SEED@,"fields":{"name":"Changed"}}' ;;
    crm.category.delete) echo 'c {"entityTypeId":2,"id":@SEED@}' ;;
    crm.dealcategory.add) echo 'c {"fields":{"NAME":"Matrix"}}' ;;
    crm.dealcategory.update) echo 'c {"id":@SEED@,"fields":{"NAME":"Changed"}}' ;;
    crm.dealcategory.default.set) echo 'c {"NAME":"Changed default"}' ;;
    crm.currency.base.set) echo 'c {"id":"EUR"}' ;;
    crm.lead.* | crm.deal.* | crm.contact.* | crm.company.* | crm.quote.*) crm_recipe "$1" ;;
    *.add) echo 'g {"fields":{"TITLE":"Matrix","NAME":"Matrix"}}' ;;
    *.update) echo 'g {"id":@SEED@,"fields":{"TITLE":"Changed","NAME":"Changed"}}' ;;
    *.get | *.delete) echo 'g {"id":@SEED@}' ;;
    *) echo 'g {}' ;;
    esac
}

# the classic CRM entities' own methods (other crm.* methods get the generic guesses)
crm_recipe() {
    case ${1#crm.*.} in
    add) echo 'c {"fields":{"TITLE":"Matrix","NAME":"Matrix","ASSIGNED_BY_ID":1}}' ;;
    update) echo 'c {"id":@SEED@,"fields":{"TITLE":"Changed","NAME":"Changed"}}' ;;
    list | fields | *.fields | userfield.list) echo 'c {}' ;;
    get | delete | *.items.get | *.items.delete | userfield.get | userfield.delete)
        echo 'c {"id":@SEED@}' ;;
    *.add | *.update) echo 'g {"id":@SEED@,"fields":{"TITLE":"Changed"}}' ;;
    *) echo 'g {"id":@SEED@}' ;;
    esac
}

declare -A SEED=()
# resolve METHOD TEMPLATE [strict]: fills the placeholders; with strict, fails when a seed is
# missing, else puts 1 there (the check runs before the handler, so any id will do)
resolve() {
    local m=$1 t=$2 p key
    t=${t//@ME@/$ME}
    t=${t//@ROLE@/$ROLE_M}
    while [[ $t =~ @SEED:([a-z0-9_.]+)@ ]]; do
        key=${BASH_REMATCH[1]}
        [ -n "${SEED[$key]:-}" ] || { [ -n "${3:-}" ] && return 1; }
        t=${t//"${BASH_REMATCH[0]}"/${SEED[$key]:-1}}
    done
    if [[ $t == *@SEED@* ]]; then
        p=${m%.*}
        while [ -z "${SEED[$p]:-}" ] && [[ $p == *.* ]]; do p=${p%.*}; done
        [ -n "${SEED[$p]:-}" ] || { [ -n "${3:-}" ] && return 1; }
        t=${t//@SEED@/${SEED[$p]:-1}}
    fi
    echo "$t"
}

ME=$(uadd matrix)
HM=$(hook "$ME")
ROLE_M=$(must "$A" role.add \
    '{"NAME":"Matrix","PERMISSIONS":{"*":{"READ":"all","ADD":"all","UPDATE":"all","DELETE":"all"}}}')
must "$A" role.assign "{\"ROLE_ID\":$ROLE_M,\"USER_ID\":$ME}" >/dev/null
check "matrix user, webhook and role" test -n "$HM" -a -n "$ROLE_M" -a $? -eq 0

# the rows recipes refer to: every X.add the administrator can call, in two passes so that
# adds needing another's row (crm.deal.contact.add needs a contact) come second
for pass in 1 2; do
    for m in $METHODS; do
        [[ $m == *.add ]] || continue
        [ -n "${SEED[${m%.add}]:-}" ] && continue
        r=$(recipe "$m")
        if [ $pass = 1 ] && [[ ${r#? } == *@SEED* ]]; then continue; fi
        [ $pass = 2 ] && [[ ${r#? } != *@SEED* ]] && continue
        args=$(resolve "$m" "${r#? }" strict) || { echo "# $m: no row to refer to, not seeded"; continue; }
        call "$A" "$m" "$args"
        id=$( [ "$STATUS" = 200 ] && first_id "$(jq -c .result <<<"$BODY")")
        [ -n "$id" ] && SEED[${m%.add}]=$id
        if [ "${r%% *}" = c ]; then
            expect_match "seed: administrator's $m $args" "$STATUS" '^200$'
        elif [ "$STATUS" != 200 ]; then
            echo "# generic arguments for $m were refused for the administrator: ${BODY:0:150}"
        fi
    done
done

# the methods a role or the administrator flag can refuse: NAME ENTITY ACTION FLAGS
MATRIX=$(awk '{ e = $5; a = $6; f = $7; sub("^entity=", "", e); sub("^action=", "", a);
                sub("^flags=", "", f);
                if (f ~ /(^|,)public(,|$)/) next;
                if (e != "-" || f ~ /(^|,)admin(,|$)/) print $2, e, a, f }' <<<"$ROUTES")
n_matrix=$(grep -c . <<<"$MATRIX")
check "the matrix covers $n_matrix methods" test "$n_matrix" -ge 20
n_written=$(while read -r m _; do recipe "$m"; done <<<"$MATRIX" | grep -c '^c ')
echo "# matrix: $n_matrix methods; recipes written for $n_written"

ALL_LEVELS='"READ":"all","ADD":"all","UPDATE":"all","DELETE":"all"'
# deny ENTITY ACTION: the matrix role grants all except ENTITY/ACTION ("-": nothing denied)
deny() {
    local extra=
    [ "$1" != - ] && [ "$2" != - ] && [ "$2" != ADMIN ] && extra=",\"$1\":{\"$2\":\"none\"}"
    must "$A" role.update "{\"ID\":$ROLE_M,\"PERMISSIONS\":{\"*\":{$ALL_LEVELS}$extra}}" >/dev/null
}

before=$T_DIR/before.sql
after=$T_DIR/after.sql
while read -r m ent act flags; do
    r=$(recipe "$m")
    args=$(resolve "$m" "${r#? }")
    what=$([ "$ent" != - ] && echo "$ent $act none" || echo "administrators only")
    if [ "$ent" != - ] && [[ ",$flags," != *,write,* && ",$flags," != *,admin,* ]]; then
        # control: with the level at all, a read method is not refused by the role
        deny - -
        call "$HM" "$m" "$args"
        expect_match "$m is not refused at level all (control)" "$STATUS $BODY" '^(200|400) '
    fi
    deny "$ent" "$act" || { not_ok "$m: role.update"; continue; }
    dump >"$before"
    call "$HM" "$m" "$args"
    expect_match "$m ($what): 403 ACCESS_DENIED" "$STATUS $BODY" '^403 \{"error":"ACCESS_DENIED"'
    if [[ ",$flags," != *,no_batch,* ]]; then
        q=$(as_query "$args")
        cmd=$(jq -cn --arg c "$m${q:+?$q}" '{halt: 0, cmd: {m: $c}}')
        call "$HM" batch "$cmd"
        err=$(jq -r '.result.result_error.m.error // .error' <<<"$BODY" 2>/dev/null)
        expect_eq "$m ($what) in batch: ACCESS_DENIED" "$STATUS $err" "200 ACCESS_DENIED"
    fi
    dump >"$after"
    if cmp -s "$before" "$after"; then
        ok "$m: nothing written"
    else
        not_ok "$m: the database changed"
        diff "$before" "$after" | head -10 | sed 's/^/# /'
    fi
done <<<"$MATRIX"

# ================================================================ part 3: entities without an owner
ENTS=$(must "$A" role.entities '{}')
OWNERLESS=$(jq -r '.[] | select(.OWNED == false) | .ENTITY' <<<"$ENTS" | sort | paste -sd' ' -)
want_ownerless=$([ "$CRM" = 1 ] && echo "crm_config crm_product department" || echo department)
expect_eq "role.entities: the entities without an owner" "$OWNERLESS" "$want_ownerless"
OWNERLESS=$want_ownerless
expect_eq "role.entities: an entity without an owner offers none and all only" \
    "$(jq -c '[.[] | select(.OWNED == false) | .LEVELS] | unique' <<<"$ENTS")" '[["none","all"]]'
expect_eq "role.entities: an owned entity offers every level" \
    "$(jq -c '[.[] | select(.OWNED == true) | .LEVELS] | unique' <<<"$ENTS")" \
    '[["none","own","department","subdepartment","all"]]'
for e in $OWNERLESS; do
    call "$A" role.add "{\"NAME\":\"Narrow $e\",\"PERMISSIONS\":{\"$e\":{\"UPDATE\":\"own\"}}}"
    expect_match "role.add refuses UPDATE own on $e" "$STATUS $BODY" \
        "^400 \\{\"error\":\"INVALID_ARG_VALUE\",\"error_description\":\"permission level 'own' of '$e' UPDATE is not allowed"
    call "$A" role.update "{\"ID\":$ROLE_M,\"PERMISSIONS\":{\"$e\":{\"READ\":\"department\"}}}"
    expect_match "role.update refuses READ department on $e" "$STATUS $BODY" '^400 \{"error":"INVALID_ARG_VALUE"'
done

# every method of an ownerless entity (not administrators-only) is refused at the levels that
# narrow by owner, given through '*'
OWNERLESS_METHODS=$(while read -r m ent act flags; do
    [[ " $OWNERLESS " == *" $ent "* ]] || continue
    [[ ",$flags," == *,admin,* ]] && continue
    echo "$m $ent $act $flags"
done <<<"$MATRIX")
check "part 3 covers $(grep -c . <<<"$OWNERLESS_METHODS") methods of entities without an owner" \
    test "$(grep -c . <<<"$OWNERLESS_METHODS")" -ge "$([ "$CRM" = 1 ] && echo 20 || echo 1)"
for level in own department subdepartment; do
    must "$A" role.update "{\"ID\":$ROLE_M,\"PERMISSIONS\":{\"*\":{\"READ\":\"$level\",\"ADD\":\"$level\",\"UPDATE\":\"$level\",\"DELETE\":\"$level\"}}}" >/dev/null ||
        not_ok "role.update '*' $level"
    visible=$(must "$HM" methods '{}' | jq -r '.[]')
    bad=0
    while read -r m ent act flags; do
        r=$(recipe "$m")
        args=$(resolve "$m" "${r#? }")
        dump >"$before"
        call "$HM" "$m" "$args"
        st="$STATUS $BODY"
        q=$(as_query "$args")
        call "$HM" batch "$(jq -cn --arg c "$m${q:+?$q}" '{halt: 0, cmd: {m: $c}}')"
        berr=$(jq -r '.result.result_error.m.error // .error' <<<"$BODY" 2>/dev/null)
        dump >"$after"
        avail=$(must "$HM" method.get "{\"name\":\"$m\"}" | jq -r .isAvailable)
        if [[ ! $st =~ ^403\ \{\"error\":\"ACCESS_DENIED\" ]] || [ "$berr" != ACCESS_DENIED ] ||
            ! cmp -s "$before" "$after" || grep -qx "$m" <<<"$visible" || [ "$avail" != false ]; then
            bad=$((bad + 1))
            echo "# $m ($ent $act '*'=$level): ${st:0:120}; batch $berr; method.get $avail;" \
                "listed $(grep -cx "$m" <<<"$visible"); db $(cmp -s "$before" "$after" && echo same || echo changed)"
        fi
    done <<<"$OWNERLESS_METHODS"
    check "'*' at $level: every method of an entity without an owner is refused (403, in batch, not in methods, method.get false), nothing written" \
        test "$bad" = 0
done

# the role the web editor used to create, as the finding reported it
must "$A" role.update "{\"ID\":$ROLE_M,\"PERMISSIONS\":{\"*\":{\"READ\":\"all\",\"ADD\":\"own\",\"UPDATE\":\"own\",\"DELETE\":\"none\"}}}" >/dev/null
visible=$(must "$HM" methods '{}' | jq -r '.[]')
if [ "$CRM" = 1 ]; then
    dump >"$before"
    for mc in "crm.category.update {\"entityTypeId\":2,\"id\":1,\"fields\":{\"name\":\"Mine\"}}" \
        'crm.dealcategory.update {"id":1,"fields":{"NAME":"Mine"}}' \
        'crm.currency.base.set {"id":"EUR"}' \
        'crm.product.update {"id":1,"fields":{"NAME":"Mine"}}' \
        'crm.product.add {"fields":{"NAME":"Mine"}}' \
        'crm.status.update {"id":1,"fields":{"NAME":"Mine"}}' \
        'crm.deal.userfield.update {"id":1,"fields":{"EDIT_FORM_LABEL":"Mine"}}' \
        'crm.lead.userfield.add {"fields":{"FIELD_NAME":"MINE","USER_TYPE_ID":"string"}}'; do
        m=${mc%% *}
        call "$HM" "$m" "${mc#* }"
        expect_match "READ all, ADD/UPDATE own: $m is refused" "$STATUS $BODY" '^403 \{"error":"ACCESS_DENIED"'
        if grep -qx "$m" <<<"$visible"; then
            not_ok "READ all, ADD/UPDATE own: methods leaves out $m"
        else
            ok "READ all, ADD/UPDATE own: methods leaves out $m"
        fi
    done
    b=$(must "$HM" batch '{"halt":0,"cmd":{"a":"CRM.Category.Update.json?entityTypeId=2&id=1&fields[name]=Mine","b":"crm.currency.base.set/?id=EUR","c":"crm.product.update?id=1&fields[NAME]=Mine"}}')
    expect_eq "READ all, ADD/UPDATE own: the same inside batch, however spelt" \
        "$(jq -c '[.result_error[].error]' <<<"$b")" '["ACCESS_DENIED","ACCESS_DENIED","ACCESS_DENIED"]'
    dump >"$after"
    check "READ all, ADD/UPDATE own: no CRM setting changed" cmp -s "$before" "$after"
    # owned records still follow "own": the user adds and changes a deal of their own
    call "$HM" crm.deal.add "{\"fields\":{\"TITLE\":\"Mine\",\"ASSIGNED_BY_ID\":$ME}}"
    expect_match "READ all, ADD/UPDATE own: crm.deal.add of an own deal" "$STATUS" '^200$'
    mine=$(jq -r .result <<<"$BODY")
    call "$HM" crm.deal.update "{\"id\":$mine,\"fields\":{\"TITLE\":\"Still mine\"}}"
    expect_match "READ all, ADD/UPDATE own: crm.deal.update of an own deal" "$STATUS" '^200$'
    for m in crm.deal.add crm.deal.update crm.deal.list crm.product.list crm.status.list; do
        has "$m" || continue
        check "READ all, ADD/UPDATE own: methods lists $m" grep -qx "$m" <<<"$visible"
    done
    expect_eq "method.get agrees: crm.category.update is not available, crm.deal.update is" \
        "$(must "$HM" method.get '{"name":"crm.category.update"}' | jq -c .isAvailable) $(must "$HM" method.get '{"name":"crm.deal.update"}' | jq -c .isAvailable)" \
        "false true"
fi

# the written recipes are real calls: the administrator may make them (adds were checked when
# seeding; removals go last so the rows they need are still there)
replay() {
    local m=$1 r args
    r=$(recipe "$m")
    [ "${r%% *}" = c ] || return 0
    args=$(resolve "$m" "${r#? }" strict) || { echo "# $m: no row to refer to, not replayed"; return 0; }
    call "$A" "$m" "$args"
    expect_match "replay: administrator's $m $args" "$STATUS" '^200$'
}
while read -r m _; do
    [[ $m == *.add || $m =~ \.(delete|revoke|unassign)$ ]] || replay "$m"
done <<<"$MATRIX"
# nested resources first (crm.deal.contact.delete before crm.contact.delete)
while read -r m; do
    replay "$m"
done < <(awk '$1 ~ /\.(delete|revoke|unassign)$/ { print gsub(/\./, ".", $1), $1 }' <<<"$MATRIX" |
    sort -s -k1,1nr | cut -d' ' -f2)

# ================================================================ part 4: links
# LINKS rows: NAME|METHOD|TARGET-KIND|ARGS. In ARGS @T@ is the target's id; @XL@, @XD@, @XC@,
# @XC2@, @XCO@, @XQ@, @XT@ are the linking user's own lead, deal, contacts, company, quote and
# task, @LK@ the user. Target kinds: lead, deal, contact, company, quote, file (a file of a
# deal's file field); mcontact and scontact are contacts of their own for the merge controls.
LINKS='deal COMPANY_ID (update)|crm.deal.update|company|{"id":@XD@,"fields":{"COMPANY_ID":@T@}}
deal COMPANY_ID (add)|crm.deal.add|company|{"fields":{"TITLE":"Link","COMPANY_ID":@T@}}
deal CONTACT_ID|crm.deal.update|contact|{"id":@XD@,"fields":{"CONTACT_ID":@T@}}
deal CONTACT_IDS|crm.deal.update|contact|{"id":@XD@,"fields":{"CONTACT_IDS":[@T@]}}
contact COMPANY_ID|crm.contact.update|company|{"id":@XC@,"fields":{"COMPANY_ID":@T@}}
contact COMPANY_IDS|crm.contact.update|company|{"id":@XC@,"fields":{"COMPANY_IDS":[@T@]}}
lead CONTACT_ID|crm.lead.update|contact|{"id":@XL@,"fields":{"CONTACT_ID":@T@}}
quote DEAL_ID|crm.quote.update|deal|{"id":@XQ@,"fields":{"DEAL_ID":@T@}}
quote LEAD_ID|crm.quote.update|lead|{"id":@XQ@,"fields":{"LEAD_ID":@T@}}
item companyId|crm.item.update|company|{"entityTypeId":2,"id":@XD@,"fields":{"companyId":@T@}}
deal.contact.add|crm.deal.contact.add|contact|{"id":@XD@,"fields":{"CONTACT_ID":@T@}}
deal.contact.items.set|crm.deal.contact.items.set|contact|{"id":@XD@,"items":[{"CONTACT_ID":@T@}]}
contact.company.add|crm.contact.company.add|company|{"id":@XC@,"fields":{"COMPANY_ID":@T@}}
company.contact.add|crm.company.contact.add|contact|{"id":@XCO@,"fields":{"CONTACT_ID":@T@}}
crm user field (company)|crm.deal.update|company|{"id":@XD@,"fields":{"UF_CRM_MLINK":["CO_@T@"]}}
crm user field (lead)|crm.deal.update|lead|{"id":@XD@,"fields":{"UF_CRM_MLINK":["L_@T@"]}}
crm user field (crm.item)|crm.item.update|deal|{"entityTypeId":2,"id":@XD@,"fields":{"ufCrmMlink":["D_@T@"]}}
file user field|crm.deal.update|file|{"id":@XD@,"fields":{"UF_CRM_MFILE":@T@}}
file user field ({"id"})|crm.deal.update|file|{"id":@XD@,"fields":{"UF_CRM_MFILE":{"id":@T@}}}
activity owner|crm.activity.add|deal|{"fields":{"OWNER_TYPE_ID":2,"OWNER_ID":@T@,"TYPE_ID":6,"SUBJECT":"Link"}}
activity communication|crm.activity.add|contact|{"fields":{"OWNER_TYPE_ID":2,"OWNER_ID":@XD@,"TYPE_ID":2,"SUBJECT":"Link","COMMUNICATIONS":[{"VALUE":"1","ENTITY_TYPE_ID":3,"ENTITY_ID":@T@}]}}
activity to-do owner|crm.activity.todo.add|deal|{"ownerTypeId":2,"ownerId":@T@,"deadline":"2030-01-01T10:00:00+00:00","title":"Link"}
timeline comment|crm.timeline.comment.add|deal|{"fields":{"ENTITY_TYPE":"deal","ENTITY_ID":@T@,"COMMENT":"Link"}}
conversion reusing a company|crm.lead.convert|company|{"id":@XL@,"fields":{"COMPANY_ID":@T@}}
conversion reusing a contact|crm.lead.convert|contact|{"id":@XL2@,"fields":{"CONTACT_ID":@T@}}
product row owner (add)|crm.item.productrow.add|deal|{"fields":{"ownerType":"D","ownerId":@T@,"productName":"Link","price":1}}
product rows owner (set)|crm.item.productrow.set|deal|{"ownerType":"D","ownerId":@T@,"productRows":[{"productName":"Link","price":1}]}
task CRM binding (add)|tasks.task.add|deal|{"fields":{"TITLE":"Link","RESPONSIBLE_ID":@LK@,"UF_CRM_TASK":["D_@T@"]}}
task CRM binding (update)|tasks.task.update|contact|{"taskId":@XT@,"fields":{"UF_CRM_TASK":["C_@T@"]}}
merge victim|crm.contact.merge|mcontact|{"id":@XC@,"ids":[@T@]}
merge survivor|crm.contact.merge|scontact|{"id":@T@,"ids":[@XC2@]}'

if [ "$CRM" = 1 ]; then
    LK=$(uadd linker)
    HK=$(hook "$LK")
    OWN='"READ":"own","ADD":"all","UPDATE":"own","DELETE":"own"'
    ROLE_L=$(must "$A" role.add "{\"NAME\":\"Linker\",\"PERMISSIONS\":{\"*\":{$ALL_LEVELS},\"crm_lead\":{$OWN},\"crm_deal\":{$OWN},\"crm_contact\":{$OWN},\"crm_company\":{$OWN},\"crm_quote\":{$OWN}}}")
    must "$A" role.assign "{\"ROLE_ID\":$ROLE_L,\"USER_ID\":$LK}" >/dev/null
    check "links: a user who reads only the CRM records assigned to him" test -n "$HK" -a -n "$ROLE_L"
    must "$A" crm.deal.userfield.add '{"fields":{"FIELD_NAME":"MLINK","USER_TYPE_ID":"crm","MULTIPLE":"Y"}}' >/dev/null &&
        must "$A" crm.deal.userfield.add '{"fields":{"FIELD_NAME":"MFILE","USER_TYPE_ID":"file"}}' >/dev/null
    check "links: crm and file user fields on deals" test $? -eq 0
    rec() { # ENTITY OWNER [EXTRA-FIELDS]: a record made by the administrator, prints its id
        first_id "$(must "$A" "crm.$1.add" "{\"fields\":{\"TITLE\":\"Link $1\",\"NAME\":\"Link\",\"ASSIGNED_BY_ID\":$2${3:+,$3}}}")"
    }
    file_of() { # DEAL: the id of the file in the deal's file field
        must "$A" crm.deal.get "{\"id\":$1}" | jq -r '.UF_CRM_MFILE.id'
    }
    declare -A HID=() VIS=() X=()
    for k in lead deal contact company quote; do
        HID[$k]=$(rec "$k" 1)
        VIS[$k]=$(rec "$k" "$LK")
    done
    HID[mcontact]=${HID[contact]} HID[scontact]=${HID[contact]}
    VIS[mcontact]=$(rec contact "$LK") VIS[scontact]=$(rec contact "$LK")
    FD='"UF_CRM_MFILE":{"fileData":["link.txt","bGluaw=="]}'
    HID[file]=$(file_of "$(rec deal 1 "$FD")")
    X[XL]=$(rec lead "$LK") X[XL2]=$(rec lead "$LK") X[XD]=$(rec deal "$LK" "$FD")
    VIS[file]=$(file_of "${X[XD]}")
    X[XC]=$(rec contact "$LK") X[XC2]=$(rec contact "$LK") X[XCO]=$(rec company "$LK")
    X[XQ]=$(rec quote "$LK") X[LK]=$LK
    X[XT]=$(has tasks.task.add && must "$HK" tasks.task.add "{\"fields\":{\"TITLE\":\"Link\",\"RESPONSIBLE_ID\":$LK}}" |
        jq -r '.task.id')
    check "links: hidden targets, visible ones and the linker's own records" \
        test -n "${HID[quote]}" -a -n "${VIS[scontact]}" -a "${HID[file]:-null}" != null -a \
        "${VIS[file]:-null}" != null -a -n "${X[XQ]}"
    fill() { # ARGS ID: the recipe with @T@ = ID and the linker's records
        local t=${1//@T@/$2} k
        for k in "${!X[@]}"; do t=${t//@$k@/${X[$k]}}; done
        echo "$t"
    }
    # link_call NAME METHOD ARGS: calls directly and inside batch; sets R (status and body) and
    # RB (the batch command's error, compact JSON); checks the refusal wrote nothing
    link_call() {
        local cmd q
        dump >"$before"
        call "$HK" "$2" "$3"
        R="$STATUS $BODY"
        q=$(as_query "$3")
        cmd=$(jq -cn --arg c "$2${q:+?$q}" '{halt: 0, cmd: {m: $c}}')
        call "$HK" batch "$cmd"
        RB=$(jq -c '.result.result_error.m // empty' <<<"$BODY" 2>/dev/null)
        dump >"$after"
        if cmp -s "$before" "$after"; then ok "$1: nothing written"; else
            not_ok "$1: the database changed"
            diff "$before" "$after" | head -6 | sed 's/^/# /'
        fi
    }
    declare -A RH=() RBH=() HID_ID=()
    n_links=0
    while IFS='|' read -r name m kind args; do
        has "$m" || { echo "# links: $m is not registered, '$name' not checked"; continue; }
        n_links=$((n_links + 1))
        id=${HID[$kind]}
        link_call "links, hidden $kind: $name" "$m" "$(fill "$args" "$id")"
        expect_match "links, hidden $kind: $name: refused with 400 INVALID_ARG_VALUE" "$R" \
            '^400 \{"error":"INVALID_ARG_VALUE","error_description":"[^"]*is not a (record you can see|file of this record)"\}$'
        expect_match "links, hidden $kind: $name: refused inside batch" "$RB" '"error":"INVALID_ARG_VALUE"'
        RH[$name]=$R RBH[$name]=$RB HID_ID[$name]=$id
        link_call "links, never-existing $kind: $name" "$m" "$(fill "$args" 987654)"
        expect_eq "links, never-existing $kind: $name: the hidden one's answer but for the id" \
            "${R// 987654 / ID } ${RB// 987654 / ID }" "${RH[$name]// $id / ID } ${RBH[$name]// $id / ID }"
    done <<<"$LINKS"
    check "links: $n_links write paths checked" test "$n_links" -ge 25
    # the hidden targets go (the file with its deal); the same calls must answer as before
    for k in lead deal contact company quote; do must "$A" "crm.$k.delete" "{\"id\":${HID[$k]}}" >/dev/null; done
    must "$A" crm.deal.list '{"filter":{"ASSIGNED_BY_ID":1,"%TITLE":"Link deal"}}' | jq -r '.[].ID' |
        while read -r d; do must "$A" crm.deal.delete "{\"id\":$d}" >/dev/null; done
    check "links: the hidden targets are deleted" test "$(sqlite3 "$DATA/kazi.db" \
        "SELECT COUNT(*) FROM crm_file WHERE id = ${HID[file]}")" = 0
    while IFS='|' read -r name m kind args; do
        has "$m" || continue
        link_call "links, deleted $kind: $name" "$m" "$(fill "$args" "${HID_ID[$name]}")"
        expect_eq "links, deleted $kind: $name: byte for byte the hidden one's answer" "$R" "${RH[$name]}"
        expect_eq "links, deleted $kind: $name: the same inside batch" "$RB" "${RBH[$name]}"
    done <<<"$LINKS"
    # controls: the same calls with targets the linker can read are made
    while IFS='|' read -r name m kind args; do
        has "$m" || continue
        call "$HK" "$m" "$(fill "$args" "${VIS[$kind]}")"
        expect_match "links, readable $kind: $name: made (control)" "$STATUS" '^200$'
        [ "$STATUS" = 200 ] || echo "# ${BODY:0:200}"
    done <<<"$LINKS"
else
    echo "# the crm module is off: the links part is not checked"
fi

t_finish
