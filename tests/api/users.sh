#!/usr/bin/env bash
# Users, departments and roles over webhooks, as GET with PHP bracket parameters and as POST
# JSON: every user.*, department.* and role.* method, administrator-only methods refused for an
# ordinary user with nothing changed, paging over 120+ users, filters and search, bad input
# (400 with a code, nothing written), department cycles, and roles changing what a user sees.
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

DATA=$T_DIR/data
JSON=(-H 'Content-Type: application/json')

# get URL-TAIL: GET with brackets left alone (-g); post METHOD-URL JSON: POST a JSON body
get() { req GET "$1" -g; }
post() { req POST "$1" "${JSON[@]}" --data "$2"; }
# rows BODY: number of "ID" keys in a list result
rows() { grep -o '"ID":"[0-9]*"' <<<"$1" | wc -l | tr -d ' '; }
total() { sed -n 's/.*"total":\([0-9]*\).*/\1/p' <<<"$1"; }
# expect_no_match NAME ACTUAL REGEX
expect_no_match() {
    if [[ $2 =~ $3 ]]; then not_ok "$1 (got '${2:0:300}')"; else ok "$1"; fi
}
result_int() { sed -n 's/^200 {"result":\([0-9]*\),.*/\1/p' <<<"$1"; }

"$KAZI_BIN" user add --data "$DATA" --email admin@example.com --name Ada --last-name Admin \
    --admin >/dev/null 2>>"$T_DIR/cli.err"
"$KAZI_BIN" user add --data "$DATA" --email bob@example.com --name Bob --last-name Builder \
    >/dev/null 2>>"$T_DIR/cli.err"
PA=$(hook_path 1 user,department)
PB=$(hook_path 2 user,department)
PD=$(hook_path 2 department)
check "webhooks created" test -n "$PA" -a -n "$PB" -a -n "$PD"

kazi_start --https off || { not_ok "kazi starts"; t_finish; exit 1; }
A=$HTTP_URL$PA
B=$HTTP_URL$PB
D=$HTTP_URL$PD

# ---------------------------------------------------------------- the caller
out=$(get "$A/user.current")
expect_match "user.current: id as a string" "$out" '^200 \{"result":\{"ID":"1","ACTIVE":true,"EMAIL":"admin@example.com","NAME":"Ada","LAST_NAME":"Admin"'
expect_match "user.current: ISO register date" "$out" '"DATE_REGISTER":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}[+-][0-9]{2}:[0-9]{2}"'
expect_match "user.current: departments, online, admin" "$out" '"IS_ONLINE":"N","USER_TYPE":"employee","IS_ADMIN":true,"UF_DEPARTMENT":\[\]\}'
out=$(get "$B/profile")
expect_match "profile of an ordinary user" "$out" '^200 \{"result":\{"ID":"2","ADMIN":false,"NAME":"Bob","LAST_NAME":"Builder","PERSONAL_GENDER":"","TIME_ZONE":"","TIME_ZONE_OFFSET":0\}'
out=$(get "$D/profile")
expect_match "profile needs no user scope" "$out" '^200 \{"result":\{"ID":"2"'
out=$(get "$D/user.current")
expect_match "user.current needs the user scope" "$out" '^403 \{"error":"insufficient_scope"'
out=$(get "$A/user.admin")
expect_match "user.admin" "$out" '^200 \{"result":true,'
out=$(get "$A/user.fields")
expect_match "user.fields: names and titles" "$out" '^200 \{"result":\{"ID":"ID","ACTIVE":"Active","EMAIL":"E-mail",.*"UF_DEPARTMENT":"Departments"\}'

# ---------------------------------------------------------------- departments
out=$(get "$A/department.add?NAME=Company")
expect_eq "department.add returns an integer id" "$(result_int "$out")" 1
out=$(get "$A/department.add?NAME=Sales&PARENT=1&UF_HEAD=2&SORT=10")
expect_eq "department.add with parent and head" "$(result_int "$out")" 2
out=$(post "$A/department.add" '{"NAME":"East","PARENT":2}')
expect_eq "department.add as JSON" "$(result_int "$out")" 3
out=$(post "$A/department.add" '{"NAME":"Support","PARENT":"1"}')
expect_eq "department.add with a string parent" "$(result_int "$out")" 4
out=$(get "$A/department.add?PARENT=1")
expect_match "department.add without NAME" "$out" '^400 \{"error":"BX_EMPTY_REQUIRED"'
out=$(post "$A/department.add" '{"NAME":"X","PARENT":999}')
expect_match "department.add with a missing parent" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(post "$A/department.add" '{"NAME":"X","UF_HEAD":999}')
expect_match "department.add with a missing head" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(post "$A/department.add" '{"NAME":"X","SORT":"many"}')
expect_match "department.add with a bad SORT" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(get "$B/department.add?NAME=Mine")
expect_match "department.add is for administrators" "$out" '^403 \{"error":"ACCESS_DENIED"'
out=$(get "$A/department.get")
expect_eq "refused department.add wrote nothing" "$(total "$out")" 4
expect_match "department.get: root has no PARENT" "$out" '"result":\[\{"ID":"1","NAME":"Company","SORT":500,"UF_HEAD":"0"\},'
expect_match "department.get: row as Bitrix24 writes it" "$out" '\{"ID":"2","NAME":"Sales","SORT":10,"PARENT":"1","UF_HEAD":"2"\}'
out=$(get "$B/department.get?PARENT=1&sort=NAME&order=DESC")
expect_match "department.get by PARENT, sorted" "$out" '^200 \{"result":\[\{"ID":"4","NAME":"Support".*\{"ID":"2","NAME":"Sales".*"total":2'
out=$(post "$B/department.get" '{"FILTER":{"%NAME":"ale"}}')
expect_match "department.get with a FILTER object" "$out" '^200 \{"result":\[\{"ID":"2","NAME":"Sales".*"total":1'
out=$(get "$A/department.get?sort=COLOUR")
expect_match "department.get with an unknown sort field" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(get "$A/department.fields")
expect_match "department.fields" "$out" '^200 \{"result":\{"ID":"ID","NAME":"Name","SORT":"Sort","PARENT":"Parent department","UF_HEAD":"Head"\}'

out=$(get "$A/department.update?ID=2&PARENT=3")
expect_match "a department cannot move below its child" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(post "$A/department.update" '{"ID":2,"PARENT":2}')
expect_match "a department cannot be its own parent" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(get "$A/department.get?ID=2")
expect_match "refused moves changed nothing" "$out" '"PARENT":"1"'
out=$(get "$A/department.update?ID=4&NAME=Help&SORT=100&UF_HEAD=1")
expect_match "department.update" "$out" '^200 \{"result":true'
out=$(get "$A/department.get?ID=4")
expect_match "department.update stored" "$out" '\{"ID":"4","NAME":"Help","SORT":100,"PARENT":"1","UF_HEAD":"1"\}'
out=$(get "$A/department.update?ID=99&NAME=Nope")
expect_match "department.update of a missing department" "$out" '^400 \{"error":"NOT_FOUND"'
out=$(get "$B/department.update?ID=4&NAME=Mine")
expect_match "department.update is for administrators" "$out" '^403 \{"error":"ACCESS_DENIED"'
out=$(get "$A/department.delete?ID=2")
expect_match "a department with sub-departments is not deleted" "$out" '^400 \{"error":"ERROR_ARGUMENT"'
out=$(get "$B/department.delete?ID=4")
expect_match "department.delete is for administrators" "$out" '^403 \{"error":"ACCESS_DENIED"'
out=$(get "$A/department.get")
expect_eq "refused deletes removed nothing" "$(total "$out")" 4

# ---------------------------------------------------------------- users: writes
out=$(get "$A/user.add?EMAIL=carol@example.com&NAME=Carol&LAST_NAME=Clark&UF_DEPARTMENT[]=2&WORK_POSITION=Sales+manager")
expect_eq "user.add returns an integer id" "$(result_int "$out")" 3
out=$(post "$A/user.add" '{"EMAIL":"dave@example.com","NAME":"Dave","LAST_NAME":"Dunn","UF_DEPARTMENT":[3],"PERSONAL_GENDER":"m","PERSONAL_BIRTHDAY":"1990-02-01","TIME_ZONE":"Europe/Berlin"}')
expect_eq "user.add as JSON" "$(result_int "$out")" 4
out=$(post "$A/user.add" '{"EMAIL":"erin@example.com","NAME":"Erin","UF_DEPARTMENT":[4],"ACTIVE":"N"}')
expect_eq "user.add of an inactive user" "$(result_int "$out")" 5
out=$(get "$A/user.get?ID=4")
expect_match "user.add stored every field" "$out" '"NAME":"Dave","LAST_NAME":"Dunn",.*"PERSONAL_GENDER":"M","PERSONAL_BIRTHDAY":"1990-02-01",.*"TIME_ZONE":"Europe/Berlin",.*"UF_DEPARTMENT":\[3\]'
out=$(get "$A/user.add?NAME=Nobody")
expect_match "user.add without EMAIL" "$out" '^400 \{"error":"BX_EMPTY_REQUIRED"'
out=$(get "$A/user.add?EMAIL=not-an-address")
expect_match "user.add with a bad e-mail" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(get "$A/user.add?EMAIL=CAROL@example.com")
expect_match "user.add with a taken e-mail" "$out" '^400 \{"error":"INVALID_ARG_VALUE".*already used'
out=$(post "$A/user.add" '{"EMAIL":"f@example.com","UF_DEPARTMENT":[2,999]}')
expect_match "user.add with a missing department" "$out" '^400 \{"error":"INVALID_ARG_VALUE".*999'
out=$(post "$A/user.add" '{"EMAIL":"f@example.com","PERSONAL_GENDER":"X"}')
expect_match "user.add with a bad gender" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(post "$A/user.add" '{"EMAIL":"f@example.com","TIME_ZONE":"Mars/Olympus"}')
expect_match "user.add with an unknown time zone" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(post "$A/user.add" '{"EMAIL":"f@example.com","PERSONAL_BIRTHDAY":"yesterday"}')
expect_match "user.add with a bad date" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(post "$A/user.add" '{"EMAIL":"f@example.com","PERSONAL_PHOTO":["a.png","aGk="]}')
expect_match "user.add with a photo upload" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(get "$B/user.add?EMAIL=g@example.com")
expect_match "user.add is for administrators" "$out" '^403 \{"error":"ACCESS_DENIED"'
out=$(get "$A/user.get")
expect_eq "refused user.add calls created nobody" "$(total "$out")" 5

out=$(get "$B/user.update?ID=2&NAME=Robert&PERSONAL_MOBILE=%2B49+170+1")
expect_match "a user updates their own profile" "$out" '^200 \{"result":true'
out=$(get "$B/user.update?ID=3&NAME=Hacked")
expect_match "a user cannot update another user" "$out" '^403 \{"error":"ACCESS_DENIED"'
out=$(get "$B/user.update?ID=2&NAME=Bobby&ACTIVE=Y")
expect_match "a user cannot set administrator fields" "$out" '^403 \{"error":"ACCESS_DENIED"'
out=$(get "$B/user.update?ID=2&IS_ADMIN=Y")
expect_match "a user cannot make themselves admin" "$out" '^403 \{"error":"ACCESS_DENIED"'
out=$(get "$A/user.get?ID[]=2&ID[]=3&select[]=NAME&select[]=PERSONAL_MOBILE&select[]=IS_ADMIN")
expect_match "refused updates changed nothing" "$out" '\{"ID":"2","NAME":"Robert","PERSONAL_MOBILE":"\+49 170 1","IS_ADMIN":false\},\{"ID":"3","NAME":"Carol",'
out=$(post "$A/user.update" '{"ID":2,"UF_DEPARTMENT":[2],"WORK_POSITION":"Builder"}')
expect_match "an administrator updates a user" "$out" '^200 \{"result":true'
out=$(get "$A/user.update?ID=77&NAME=X")
expect_match "user.update of a missing user" "$out" '^400 \{"error":"NOT_FOUND"'
out=$(get "$A/user.update?NAME=X")
expect_match "user.update without ID" "$out" '^400 \{"error":"BX_EMPTY_REQUIRED"'
out=$(get "$A/user.update?ID=1&IS_ADMIN=N")
expect_match "the last administrator cannot be demoted" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(get "$A/user.update?ID=2&EMAIL=carol@example.com")
expect_match "user.update to a taken e-mail" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(get "$A/user.current")
expect_match "refused demotion changed nothing" "$out" '"IS_ADMIN":true'

# ---------------------------------------------------------------- users: filters and search
out=$(get "$B/user.get?FILTER[UF_DEPARTMENT]=2&select[]=ID")
expect_match "user.get by department" "$out" '^200 \{"result":\[\{"ID":"2"\},\{"ID":"3"\}\],"total":2'
out=$(post "$B/user.get" '{"filter":{"UF_DEPARTMENT":[3,4]},"select":["ID","UF_DEPARTMENT"]}')
expect_match "user.get by several departments" "$out" '"result":\[\{"ID":"4","UF_DEPARTMENT":\[3\]\},\{"ID":"5","UF_DEPARTMENT":\[4\]\}\]'
out=$(get "$B/user.get?FILTER[ACTIVE]=Y&select[]=ID")
expect_eq "user.get ACTIVE=Y leaves out the inactive" "$(total "$out")" 4
out=$(post "$B/user.get" '{"FILTER":{"ACTIVE":false},"select":["ID"]}')
expect_match "user.get ACTIVE=false" "$out" '"result":\[\{"ID":"5"\}\],"total":1'
out=$(get "$B/user.get?FILTER[%25LAST_NAME]=un&select[]=LAST_NAME")
expect_match "user.get with a LIKE filter" "$out" '"result":\[\{"ID":"4","LAST_NAME":"Dunn"\}\],"total":1'
out=$(get "$B/user.get?FILTER[>ID]=3&sort=ID&order=DESC&select[]=ID")
expect_match "user.get with > and a sort" "$out" '"result":\[\{"ID":"5"\},\{"ID":"4"\}\],"total":2'
out=$(get "$B/user.get?EMAIL=dave@example.com&select[]=ID")
expect_match "top-level keys filter too" "$out" '"result":\[\{"ID":"4"\}\],"total":1'
out=$(get "$B/user.get?FILTER[COLOUR]=red")
expect_match "user.get with an unknown filter field" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(get "$B/user.get?sort=PASSWORD")
expect_match "user.get with an unknown sort field" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(get "$B/user.get?start=abc")
expect_match "user.get with a bad start" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(get "$B/user.search?FIND=caro&select[]=ID")
expect_match "user.search FIND by name" "$out" '"result":\[\{"ID":"3"\}\],"total":1'
out=$(get "$B/user.search?FIND=sales+CLARK&select[]=ID")
expect_match "user.search FIND with two words" "$out" '"result":\[\{"ID":"3"\}\],"total":1'
out=$(post "$B/user.search" '{"FILTER":{"UF_DEPARTMENT_NAME":"eas"},"select":["ID"]}')
expect_match "user.search by department name" "$out" '"result":\[\{"ID":"4"\}\],"total":1'
out=$(get "$B/user.search?FIND=100%25&select[]=ID")
expect_match "user.search treats % literally" "$out" '"result":\[\],"total":0'

# ---------------------------------------------------------------- paging
for i in $(seq 1 120); do
    out=$(get "$A/user.add?EMAIL=p$i@example.com&NAME=Page&LAST_NAME=P$i")
    [[ $out == "200 "* ]] || { not_ok "user.add p$i ($out)"; break; }
done
out=$(get "$B/user.get?select[]=ID")
expect_eq "page 1: 50 rows" "$(rows "$out")" 50
expect_match "page 1: total and next" "$out" '"total":125,"next":50,|"next":50,"total":125,'
out=$(get "$B/user.get?select[]=ID&start=100")
expect_eq "page 3: 25 rows" "$(rows "$out")" 25
expect_match "page 3: first row" "$out" '"result":\[\{"ID":"101"\}'
expect_no_match "page 3: no next" "$out" '"next"'
out=$(get "$B/user.get?select[]=ID&start=-1")
expect_eq "start=-1: 50 rows" "$(rows "$out")" 50
expect_no_match "start=-1: no next" "$out" '"next"'
out=$(post "$B/user.get" '{"order":{"ID":"ASC"},"filter":{">ID":120},"select":["ID"],"start":-1}')
expect_match "cursor paging with >ID" "$out" '"result":\[\{"ID":"121"\},\{"ID":"122"\},\{"ID":"123"\},\{"ID":"124"\},\{"ID":"125"\}\]'

# ---------------------------------------------------------------- roles
out=$(get "$A/role.list")
expect_match "role.list: seeded roles" "$out" '^200 \{"result":\[\{"ID":1,"NAME":"Employee","IS_DEFAULT":true,"USERS":\[\],"DEPARTMENTS":\[\],"PERMISSIONS":\{"\*":\{"ADD":"all","DELETE":"all","READ":"all","UPDATE":"all"\}\}\},\{"ID":2,"NAME":"Read only"'
out=$(get "$A/role.entities")
expect_match "role.entities lists core's entities" "$out" '^200 \{"result":\[\{"ENTITY":"user","TITLE":"Users","MODULE":"core",[^}]*\},\{"ENTITY":"department","TITLE":"Departments","MODULE":"core",'
expect_match "role.entities: users have an owner and every level" "$out" \
    '\{"ENTITY":"user","TITLE":"Users","MODULE":"core","OWNED":true,"LEVELS":\["none","own","department","subdepartment","all"\]\}'
expect_match "role.entities: the department tree has no owner, so none and all only" "$out" \
    '\{"ENTITY":"department","TITLE":"Departments","MODULE":"core","OWNED":false,"LEVELS":\["none","all"\]\}'
for l in own department subdepartment A D F; do
    out=$(post "$A/role.add" '{"NAME":"Narrow tree","PERMISSIONS":{"department":{"READ":"'$l'"}}}')
    expect_match "role.add refuses level '$l' on an entity without owner" "$out" \
        '^400 \{"error":"INVALID_ARG_VALUE","error_description":"permission level .* of .department. READ is not allowed: .department. has no owner'
done
out=$(post "$A/role.list" '{}')
expect_match "a refused role.add wrote nothing" "$out" '^200 '
check "no role 'Narrow tree' exists" test "$(grep -c 'Narrow tree' <<<"$out")" = 0
out=$(get "$A/role.add?NAME=No+users&PERMISSIONS[user][READ]=none&PERMISSIONS[*][READ]=all")
expect_eq "role.add returns an integer id" "$(result_int "$out")" 3
out=$(post "$A/role.add" '{"NAME":"Bad","PERMISSIONS":{"spaceship":{"READ":"all"}}}')
expect_match "role.add with an unknown entity" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(post "$A/role.add" '{"NAME":"Bad","PERMISSIONS":{"user":{"FLY":"all"}}}')
expect_match "role.add with an unknown action" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(post "$A/role.add" '{"NAME":"Bad","PERMISSIONS":{"user":{"READ":"most"}}}')
expect_match "role.add with an unknown level" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(post "$A/role.add" '{"NAME":"Employee"}')
expect_match "role.add with a taken name" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(post "$A/role.add" '{"PERMISSIONS":{}}')
expect_match "role.add without NAME" "$out" '^400 \{"error":"BX_EMPTY_REQUIRED"'
out=$(get "$B/role.add?NAME=Mine")
expect_match "role.add is for administrators" "$out" '^403 \{"error":"ACCESS_DENIED"'
for m in role.list role.entities role.update role.delete role.assign role.unassign; do
    out=$(get "$B/$m?ID=3&ROLE_ID=3&USER_ID=2")
    expect_match "$m is for administrators" "$out" '^403 \{"error":"ACCESS_DENIED"'
done
out=$(get "$A/role.list")
expect_eq "refused role calls wrote nothing" "$(grep -o '"NAME":"[^"]*"' <<<"$out" | tr '\n' ' ')" \
    '"NAME":"Employee" "NAME":"Read only" "NAME":"No users" '

out=$(get "$A/role.assign?ROLE_ID=3&USER_ID=2")
expect_match "role.assign to a user" "$out" '^200 \{"result":true'
out=$(get "$A/role.assign?ROLE_ID=3&USER_ID=2")
expect_match "role.assign twice is fine" "$out" '^200 \{"result":true'
out=$(get "$B/user.get")
expect_match "user READ=none: user.get is denied" "$out" '^403 \{"error":"ACCESS_DENIED"'
out=$(get "$B/user.search?FIND=a")
expect_match "user READ=none: user.search is denied" "$out" '^403 \{"error":"ACCESS_DENIED"'
out=$(get "$B/user.current")
expect_match "user READ=none: user.current still works" "$out" '^200 \{"result":\{"ID":"2"'
out=$(get "$B/department.get?select[]=ID")
expect_match "the role's '*' row still grants other entities" "$out" '^200 .*"total":4'
out=$(post "$A/role.update" '{"ID":3,"PERMISSIONS":{"user":{"READ":"own"}}}')
expect_match "role.update" "$out" '^200 \{"result":true'
out=$(get "$B/user.get?select[]=ID")
expect_match "user READ=own: only oneself" "$out" '^200 \{"result":\[\{"ID":"2"\}\],"total":1'
out=$(get "$B/department.get")
expect_match "PERMISSIONS replaced: no '*' row any more" "$out" '^403 \{"error":"ACCESS_DENIED"'
out=$(get "$A/role.update?ID=3&PERMISSIONS[user][READ]=department&PERMISSIONS[department][READ]=X")
out=$(get "$B/user.get?select[]=ID")
expect_match "user READ=department: the department's members" "$out" '"result":\[\{"ID":"2"\},\{"ID":"3"\}\],"total":2'
out=$(get "$A/role.update?ID=3&PERMISSIONS[user][READ]=F")
out=$(get "$B/user.get?select[]=ID")
expect_match "user READ=subdepartment: and below" "$out" '"result":\[\{"ID":"2"\},\{"ID":"3"\},\{"ID":"4"\}\],"total":3'
out=$(get "$B/user.get?FILTER[>ID]=2&select[]=ID")
expect_match "filters narrow within the role's rows" "$out" '"result":\[\{"ID":"3"\},\{"ID":"4"\}\],"total":2'
out=$(get "$A/role.list")
expect_match "role.list shows the assignment" "$out" '"ID":3,"NAME":"No users","IS_DEFAULT":false,"USERS":\[2\],"DEPARTMENTS":\[\],"PERMISSIONS":\{"user":\{"READ":"subdepartment"\}\}'
out=$(get "$A/role.unassign?ROLE_ID=3&USER_ID=2")
expect_match "role.unassign" "$out" '^200 \{"result":true'
out=$(get "$A/role.unassign?ROLE_ID=3&USER_ID=2")
expect_match "role.unassign of what is not assigned" "$out" '^400 \{"error":"NOT_FOUND"'
out=$(get "$B/user.get?select[]=ID")
expect_match "back on the default role: everyone" "$out" '"total":125'

out=$(get "$A/role.update?ID=3&PERMISSIONS[user][READ]=none")
out=$(get "$A/role.assign?ROLE_ID=3&DEPARTMENT_ID=2")
expect_match "role.assign to a department" "$out" '^200 \{"result":true'
out=$(get "$B/user.get")
expect_match "a department's role reaches its members" "$out" '^403 \{"error":"ACCESS_DENIED"'
out=$(get "$A/role.assign?ROLE_ID=2&USER_ID=2")
out=$(get "$B/user.get?select[]=ID")
expect_match "the highest level of all roles wins" "$out" '"total":125'
out=$(get "$A/role.unassign?ROLE_ID=2&USER_ID=2")
out=$(get "$A/role.unassign?ROLE_ID=3&DEPARTMENT_ID=2")
expect_match "role.unassign from a department" "$out" '^200 \{"result":true'

out=$(get "$A/role.assign?ROLE_ID=3&USER_ID=2&DEPARTMENT_ID=2")
expect_match "role.assign with both a user and a department" "$out" '^400 \{"error":"ERROR_ARGUMENT"'
out=$(get "$A/role.assign?ROLE_ID=3")
expect_match "role.assign with neither" "$out" '^400 \{"error":"ERROR_ARGUMENT"'
out=$(get "$A/role.assign?ROLE_ID=99&USER_ID=2")
expect_match "role.assign of a missing role" "$out" '^400 \{"error":"NOT_FOUND"'
out=$(get "$A/role.assign?ROLE_ID=3&USER_ID=999")
expect_match "role.assign to a missing user" "$out" '^400 \{"error":"NOT_FOUND"'
out=$(get "$A/role.delete?ID=1")
expect_match "the default role is not deleted" "$out" '^400 \{"error":"ERROR_ARGUMENT"'
out=$(get "$A/role.update?ID=3&NAME=Read+only")
expect_match "role.update to a taken name" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(get "$A/role.update?ID=3&PERMISSIONS[user][READ]=bogus")
expect_match "role.update with a bad level" "$out" '^400 \{"error":"INVALID_ARG_VALUE"'
out=$(get "$A/role.list")
expect_match "refused role.update changed nothing" "$out" '"ID":3,"NAME":"No users",.*"PERMISSIONS":\{"user":\{"READ":"none"\}\}'
out=$(get "$A/role.update?ID=2&IS_DEFAULT=Y")
expect_match "role.update makes another role the default" "$out" '^200 \{"result":true'
out=$(get "$B/user.update?ID=2&NAME=Bob")
expect_match "a user on Read only still edits their profile" "$out" '^200 \{"result":true'
out=$(get "$A/role.list")
expect_match "only one default role" "$out" '"ID":1,"NAME":"Employee","IS_DEFAULT":false,.*"ID":2,"NAME":"Read only","IS_DEFAULT":true'
out=$(get "$A/role.delete?ID=3")
expect_match "role.delete" "$out" '^200 \{"result":true'
out=$(get "$A/role.list")
expect_no_match "role.delete removed the role" "$out" 'No users'

# ---------------------------------------------------------------- department delete
out=$(get "$A/department.delete?ID=4")
expect_match "department.delete" "$out" '^200 \{"result":true'
out=$(get "$A/user.get?ID=5&select[]=UF_DEPARTMENT")
expect_match "department.delete removed its memberships" "$out" '"UF_DEPARTMENT":\[\]'
out=$(get "$A/department.delete?ID=4")
expect_match "department.delete of a missing department" "$out" '^400 \{"error":"NOT_FOUND"'

kazi_stop
t_finish
