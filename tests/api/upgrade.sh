#!/usr/bin/env bash
# Upgrades: a database filled by this kazi meets a newer kazi whose migrations fail half-way
# (nothing changes, a clear message, exit 1, this kazi still serves it), then a newer kazi
# whose migrations succeed (applied once, also with two processes starting at the same
# moment, data intact), then this kazi again, which refuses the newer database without
# touching it. The newer kazis are real binaries built with the extra migrations of
# tests/fixtures/migrations (make EXTRA_MIGRATIONS=..., in build/test-*/, incremental).
cd "$(dirname "$0")/../.." || exit 1
source tests/api/lib.sh

command -v sqlite3 >/dev/null || { not_ok "sqlite3 shell is installed"; t_finish; exit 1; }

FIX=tests/fixtures/migrations
build_test_kazi() { # NAME EXTRA_MIGRATIONS: builds build/NAME/asan/kazi
    if ! make -s -j2 BUILD_DIR="build/$1" EXTRA_MIGRATIONS="$2" asan >"$T_DIR/make-$1.log" 2>&1; then
        not_ok "the test kazi '$1' builds"
        sed 's/^/# /' "$T_DIR/make-$1.log" | tail -20
        t_finish
        exit 1
    fi
}
build_test_kazi test-failmig "core:$FIX/upgrade-core crm:$FIX/failing-crm"
build_test_kazi test-newmig "core:$FIX/upgrade-core crm:$FIX/upgrade-crm"
FAIL_BIN=$PWD/build/test-failmig/asan/kazi
NEW_BIN=$PWD/build/test-newmig/asan/kazi
OLD_BIN=$KAZI_BIN

DATA=$T_DIR/data
db=$DATA/kazi.db
# everything in the database, in a stable form, and what lies next to it
content() { sqlite3 "$db" .dump | sha256sum | cut -d' ' -f1; }
files() { find "$DATA" -mindepth 1 -printf '%f %m\n' | sort | tr '\n' ' '; }
versions() { sqlite3 "$db" "SELECT group_concat(module || '/' || version, ' ') FROM core_migration"; }
leads() { sqlite3 "$db" "SELECT group_concat(title, '|') FROM (SELECT title FROM crm_lead ORDER BY id)"; }

# ---- a database filled by this kazi: users, a webhook, CRM records
echo 'correct horse battery' >"$T_DIR/pw"
"$OLD_BIN" user add --data "$DATA" --email admin@example.com --name Ada --admin \
    --password-file "$T_DIR/pw" >/dev/null 2>>"$T_DIR/cli.err"
"$OLD_BIN" user add --data "$DATA" --email bob@example.com --name Bob \
    --password-file "$T_DIR/pw" >/dev/null 2>>"$T_DIR/cli.err"
P=$(hook_path 1 crm)
check "administrator, a user and a webhook created" test -n "$P"
kazi_start --https off || { not_ok "kazi starts"; t_finish; exit 1; }
call() { curl -s "$HTTP_URL$P/$1" -H 'Content-Type: application/json' -d "$2"; }
for t in 'First lead' 'Second lead' 'Third lead'; do
    call crm.lead.add "{\"fields\":{\"TITLE\":\"$t\"}}" >/dev/null
done
expect_match "a contact" "$(call crm.contact.add '{"fields":{"NAME":"Carla","LAST_NAME":"Cruz"}}')" '"result":[0-9]+'
expect_match "a company" "$(call crm.company.add '{"fields":{"TITLE":"Acme"}}')" '"result":[0-9]+'
expect_match "a deal" "$(call crm.deal.add '{"fields":{"TITLE":"Big deal","OPPORTUNITY":"1200"}}')" '"result":[0-9]+'
kazi_stop
expect_eq "three leads stored" "$(leads)" "First lead|Second lead|Third lead"
before_content=$(content)
before_versions=$(versions)
before_files=$(files)
cp "$db" "$T_DIR/old.db" # for the runs of two processes below

# ---- the newer kazi whose upgrade fails half-way
kazi_run "$FAIL_BIN" migrate --data "$DATA"
out=$OUT rc=$RC
expect_eq "failed upgrade: kazi migrate exits 1" "$rc" 1
expect_match "... names the module, the migration's version and name and SQLite's error" "$out" \
    "migration 9001 '9001_lead_probe_fails\\.sql' of module 'crm' failed: no such table: crm_upgrade_missing_table"
expect_match "... says the database is as it was and the previous kazi still works on it" "$out" \
    "rolled back: no migration of it was applied, database '$db' is as it was, and the previous version of kazi still works on it"
expect_match "... says what to do" "$out" "report this failure"
expect_eq "... the database content is exactly as before (sqlite3 .dump)" "$(content)" "$before_content"
expect_eq "... the recorded versions are as before" "$(versions)" "$before_versions"
expect_eq "... no column, table or note of the upgrade is left" \
    "$(sqlite3 "$db" "SELECT COUNT(*) FROM sqlite_master WHERE sql LIKE '%upgrade%'")" 0
expect_eq "... no file is left next to it" "$(files)" "$before_files"
kazi_run "$FAIL_BIN" serve --data "$DATA" --http 127.0.0.1:0 --https off
out=$OUT rc=$RC
expect_eq "failed upgrade: kazi serve refuses to start (exit 1)" "$rc" 1
expect_match "... with the same message" "$out" "of module 'crm' failed: no such table"
check "... and never listens" test "$(grep -c 'listening on' <<<"$out")" -eq 0
expect_eq "... the database content is still as before" "$(content)" "$before_content"
kazi_start --https off || not_ok "this kazi still starts on the database"
expect_match "... and serves its data" "$(curl -s "$HTTP_URL$P/crm.lead.list?select[]=TITLE")" \
    '"TITLE":"First lead".*"TITLE":"Third lead"\}\],"total":3'
expect_match "... and writes go on" "$(call crm.lead.add '{"fields":{"TITLE":"Fourth lead"}}')" '"result":[0-9]+'
kazi_stop

# ---- two processes upgrading at the same moment apply each migration once
applied_once() { # NAME DB: the extra migrations recorded once, and run once
    expect_eq "$1: each extra migration recorded once" \
        "$(sqlite3 "$2" "SELECT group_concat(module || '/' || version || 'x' || n, ' ') FROM
            (SELECT module, version, COUNT(*) AS n FROM core_migration WHERE version = 9001
             GROUP BY module, version ORDER BY module)")" "core/9001x1 crm/9001x1"
    expect_eq "$1: ... and run once" \
        "$(sqlite3 "$2" "SELECT (SELECT COUNT(*) FROM crm_upgrade_log) = (SELECT COUNT(*) FROM crm_lead)
            AND (SELECT COUNT(*) FROM core_upgrade_note) = (SELECT COUNT(*) FROM core_user)")" 1
}
for round in 1 2 3; do
    d=$T_DIR/race$round
    mkdir -m 700 "$d"
    cp "$T_DIR/old.db" "$d/kazi.db"
    "$NEW_BIN" migrate --data "$d" >"$d/a.out" 2>&1 &
    a=$!
    "$NEW_BIN" migrate --data "$d" >"$d/b.out" 2>&1 &
    b=$!
    wait "$a"
    ra=$?
    wait "$b"
    rb=$?
    expect_eq "two kazi migrate at once (round $round): both exit 0" "$ra $rb" "0 0"
    expect_eq "... together they applied the two migrations" \
        "$(cat "$d/a.out" "$d/b.out" | grep -o '([0-9]* migrations applied now)' | sort | tr '\n' ' ')" \
        "(0 migrations applied now) (2 migrations applied now) "
    applied_once "... round $round" "$d/kazi.db"
done
d=$T_DIR/race-serve
mkdir -m 700 "$d"
cp "$T_DIR/old.db" "$d/kazi.db"
"$NEW_BIN" migrate --data "$d" >"$d/a.out" 2>&1 &
a=$!
KAZI_BIN=$NEW_BIN KAZI_DATA_DIR=$d kazi_start --https off || not_ok "kazi serve starts next to kazi migrate"
wait "$a"
expect_eq "kazi migrate next to a starting kazi serve exits 0" "$?" 0
expect_match "... the server serves the upgraded data" \
    "$(curl -s "$HTTP_URL$P/crm.lead.list?select[]=TITLE")" '"total":3'
kazi_stop
applied_once "kazi migrate next to kazi serve" "$d/kazi.db"

# ---- the newer kazi whose upgrade succeeds
kazi_run "$NEW_BIN" migrate --data "$DATA"
out=$OUT rc=$RC
expect_eq "upgrade: kazi migrate exits 0" "$rc" 0
expect_match "... applies the two new migrations" "$out" "\\(2 migrations applied now\\)"
applied_once "upgrade" "$db"
expect_eq "... the leads are intact" "$(leads)" "First lead|Second lead|Third lead|Fourth lead"
expect_eq "... the new column is filled from them" \
    "$(sqlite3 "$db" "SELECT COUNT(*) FROM crm_lead WHERE upgrade_probe = 'probe ' || id")" 4
expect_eq "... the users, contact, company and deal are intact" \
    "$(sqlite3 "$db" "SELECT (SELECT COUNT(*) FROM core_user) || ' ' ||
        (SELECT name || ' ' || last_name FROM crm_contact) || ' ' || (SELECT title FROM crm_company)
        || ' ' || (SELECT title FROM crm_deal)")" "2 Carla Cruz Acme Big deal"
out=$("$NEW_BIN" migrate --data "$DATA" 2>&1)
expect_match "running it again applies nothing" "$out" "\\(0 migrations applied now\\)"
applied_once "... again" "$db"
KAZI_BIN=$NEW_BIN kazi_start --https off || not_ok "the newer kazi serves the upgraded database"
expect_match "... its data" "$(curl -s "$HTTP_URL$P/crm.lead.list?select[]=TITLE")" '"total":4'
kazi_stop

# ---- this (older) kazi refuses the newer database and does not touch it
sum() { sha256sum "$db" | cut -d' ' -f1; }
newer_sum=$(sum)
newer_files=$(files)
newer_mtime=$(stat -c %Y.%y "$db")
for cmd in serve migrate; do
    kazi_run "$OLD_BIN" "$cmd" --data "$DATA" --http 127.0.0.1:0 --https off
    out=$OUT rc=$RC
    expect_eq "older kazi $cmd: exits 1" "$rc" 1
    expect_match "older kazi $cmd: names the database's and this kazi's versions" "$out" \
        "database '$db' is newer than this kazi [0-9.]+: its schema of module 'core' is at version 9001, this kazi knows versions up to [0-9]+"
    expect_match "older kazi $cmd: says what to do" "$out" \
        "nothing was changed; install the newer kazi again, or restore a backup taken with this version"
    check "older kazi $cmd: never listens" test "$(grep -c 'listening on' <<<"$out")" -eq 0
    expect_eq "older kazi $cmd: the database file is byte for byte the same" "$(sum)" "$newer_sum"
    expect_eq "older kazi $cmd: ... not even written to (mtime)" "$(stat -c %Y.%y "$db")" "$newer_mtime"
    expect_eq "older kazi $cmd: no file is created next to it (-wal, -shm)" "$(files)" "$newer_files"
done
out=$("$OLD_BIN" user add --data "$DATA" --email eve@example.com --name Eve 2>&1)
expect_eq "older kazi user add: refused too" "$?" 1
expect_eq "... and the database file is the same" "$(sum)" "$newer_sum"

t_finish
