#!/usr/bin/env bash
# Switching the tasks module off. At run time (KAZI_MODULES without "tasks"): `kazi modules`
# shows it off, `kazi routes` lists none of its methods, `methods` and `events` leave its
# methods and events out and calling one answers 404 ERROR_METHOD_NOT_FOUND, while core (and
# CRM, when built in) keep working on the same data. With CRM switched off, the app's /crm
# pages are gone too: each module serves its own pages. At build time: `make MODULES="<all but tasks>" BUILD_DIR=...` builds a second
# kazi into a directory of its own, whose `kazi modules` does not know tasks and whose server
# answers 404 for tasks.task.add. KAZI_SKIP_BUILD=1 skips the build (it takes a minute or two).
# shellcheck source=tests/api/lib.sh
source "$(dirname "$0")/lib.sh"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
DATA=$T_DIR/data
JSON=(-H 'Content-Type: application/json')

get() { req GET "$1" -g; }
post() { req POST "$1" "${JSON[@]}" --data "$2"; }
j() { jq -r "$2" <<<"${1#* }" 2>/dev/null; }

# the modules of this build other than tasks ("core" when there is none)
others=$("$KAZI_BIN" modules 2>/dev/null | awk 'NR > 1 && $1 != "core" && $1 != "tasks" { print $1 }' |
    paste -sd, -)
[ -n "$others" ] || others=core
has_crm=no
[[ ,$others, == *,crm,* ]] && has_crm=yes
echo "# modules other than tasks: $others"

"$KAZI_BIN" user add --data "$DATA" --email admin@example.com --name Ada --admin \
    >/dev/null 2>>"$T_DIR/cli.err"
P=$(hook_path 1 task,sonet,user,crm)
check "webhook created" test -n "$P"

# ---------------------------------------------------------------- on: the module works
kazi_start --https off || { not_ok "kazi starts"; t_finish; exit 1; }
out=$(post "$HTTP_URL$P/tasks.task.add" '{"fields":{"TITLE":"Kept","RESPONSIBLE_ID":1}}')
expect_eq "tasks on: tasks.task.add works" "$(j "$out" .result.task.id)" 1
out=$(get "$HTTP_URL/tasks/1")
expect_eq "tasks on: the app's /tasks pages are served" "${out%% *}" 200
out=$(get "$HTTP_URL$P/events")
expect_eq "tasks on: events lists ONTASKADD" "$(j "$out" '[.result[] | select(. == "ONTASKADD")] | length')" 1
out=$(get "$HTTP_URL$P/events?SCOPE=task")
expect_eq "events with SCOPE=task lists the tasks module's events only" \
    "$(j "$out" '(.result | map(select(test("^ONTASK"))) | length > 0) and (.result | all(test("^ON(TASK|SONETGROUP)")))')" true
if [ "$has_crm" = yes ]; then
    out=$(get "$HTTP_URL/crm/deal/kanban")
    expect_eq "crm on: the app's /crm pages are served" "${out%% *}" 200
fi
kazi_stop

# ---------------------------------------------------------------- off at run time
export KAZI_MODULES=$others
out=$("$KAZI_BIN" modules --data "$DATA" 2>&1)
expect_match "kazi modules shows tasks off" "$out" $'\n''tasks +off '
out=$("$KAZI_BIN" routes --data "$DATA" 2>&1)
expect_eq "kazi routes lists no tasks methods" "$(grep -c 'tasks\.task\.\|task\.checklistitem\|sonet_group\.' <<<"$out")" 0
expect_match "kazi routes still lists core methods" "$out" 'method user\.current'
kazi_start --https off || { not_ok "kazi starts with tasks off"; t_finish; exit 1; }
U=$HTTP_URL$P
out=$(get "$U/methods?full=true")
expect_eq "methods leaves the tasks methods out" "$(j "$out" '[.result[] | select(test("^(tasks?|sonet_group)\\."))] | length')" 0
out=$(get "$U/events")
expect_eq "events leaves the tasks events out" "$(j "$out" '[.result[] | select(test("^ON(TASK|SONETGROUP)"))] | length')" 0
for m in tasks.task.add tasks.task.list task.commentitem.add sonet_group.get; do
    out=$(post "$U/$m" '{"fields":{"TITLE":"x","RESPONSIBLE_ID":1}}')
    expect_eq "$m answers 404 ERROR_METHOD_NOT_FOUND" "${out%% *} $(j "$out" .error)" "404 ERROR_METHOD_NOT_FOUND"
done
out=$(get "$U/user.current")
expect_eq "core still works" "$(j "$out" .result.ID)" 1
out=$(get "$HTTP_URL/tasks/1")
expect_eq "tasks off: the app's /tasks pages are gone (404)" "${out%% *}" 404
if [ "$has_crm" = yes ]; then
    out=$(post "$U/crm.lead.add" '{"fields":{"TITLE":"Still here"}}')
    expect_match "crm still works" "$out" '^200 \{"result":[0-9]+'
fi
kazi_stop
if [ "$has_crm" = yes ]; then
    export KAZI_MODULES=tasks
    kazi_start --https off || { not_ok "kazi starts with crm off"; t_finish; exit 1; }
    out=$(get "$HTTP_URL/crm/deal/kanban")
    expect_eq "crm off: the app's /crm pages are gone (404)" "${out%% *}" 404
    out=$(req GET "$HTTP_URL/crm/deal/kanban" -H 'Accept: text/html,application/xhtml+xml')
    expect_match "crm off: a browser going there gets the app (404), which says CRM is off" \
        "$out" '^404 <!doctype html>'
    out=$(get "$HTTP_URL/tasks/1")
    expect_eq "crm off: the app's /tasks pages are still served" "${out%% *}" 200
    out=$(get "$HTTP_URL$P/events")
    expect_eq "crm off: events leaves the CRM events out" "$(j "$out" '[.result[] | select(test("^ONCRM"))] | length')" 0
    kazi_stop
fi
unset KAZI_MODULES
kazi_start --https off || { not_ok "kazi starts with tasks on again"; t_finish; exit 1; }
out=$(get "$HTTP_URL$P/tasks.task.get?taskId=1")
expect_eq "switched on again, the task is still there" "$(j "$out" .result.task.title)" "Kept"
kazi_stop

# ---------------------------------------------------------------- off at build time
if [ -n "${KAZI_SKIP_BUILD:-}" ]; then
    echo "# skip - build without tasks (KAZI_SKIP_BUILD is set)"
    t_finish
    exit
fi
mods=$(cd "$ROOT" && for d in src/modules/*/; do basename "$d"; done | grep -vx tasks | paste -sd' ' -)
build=$T_DIR/build
main_bin=$ROOT/build/release/kazi
main_stamp=$(stat -c %Y "$main_bin" 2>/dev/null || echo none)
echo "# building MODULES=\"$mods\" into $build"
if make -C "$ROOT" -j"$(nproc)" BUILD_DIR="$build" MODULES="$mods" release >"$T_DIR/make.log" 2>&1; then
    ok "make MODULES=\"$mods\" BUILD_DIR=... release"
else
    not_ok "make MODULES=\"$mods\" BUILD_DIR=... release"
    tail -30 "$T_DIR/make.log" | sed 's/^/# /'
    t_finish
    exit 1
fi
expect_eq "the main build is untouched" "$(stat -c %Y "$main_bin" 2>/dev/null || echo none)" "$main_stamp"
KAZI_BIN=$build/release/kazi
out=$("$KAZI_BIN" modules 2>&1)
expect_eq "kazi modules of that build does not know tasks" "$(grep -c '^tasks ' <<<"$out")" 0
out=$(KAZI_MODULES=tasks "$KAZI_BIN" modules 2>&1)
expect_match "asking for tasks there is a configuration error" "$out" "'tasks', which is not a module of this build"
DATA=$T_DIR/data2
export KAZI_DATA_DIR=$DATA
"$KAZI_BIN" user add --data "$DATA" --email admin@example.com --name Ada --admin \
    >/dev/null 2>>"$T_DIR/cli.err"
P=$(hook_path 1 task,user)
kazi_start --https off || { not_ok "the build without tasks starts"; t_finish; exit 1; }
out=$(post "$HTTP_URL$P/tasks.task.add" '{"fields":{"TITLE":"x","RESPONSIBLE_ID":1}}')
expect_eq "tasks.task.add answers 404 there" "${out%% *} $(j "$out" .error)" "404 ERROR_METHOD_NOT_FOUND"
out=$(get "$HTTP_URL$P/user.current")
expect_eq "core works there" "$(j "$out" .result.ID)" 1
out=$(sqlite3 "$DATA/kazi.db" "SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'tasks\\_%' ESCAPE '\\'")
expect_eq "and no tasks tables were created" "$out" 0
kazi_stop
t_finish
