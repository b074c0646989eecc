#!/usr/bin/env bash
# kazi restore: a backup replaces the database (while kazi serves, and into an emptied data
# directory), the replaced database is kept aside, an older backup is migrated; a file that is
# missing, not a database, not kazi's, damaged or from a newer kazi is refused and changes
# nothing. And the disaster drill: a backup taken under a 32-connection write load, the data
# directory wiped, the backup restored, every lead acknowledged before the backup began
# present. Real kazi, real SQLite files, the sqlite3 shell to look inside.
cd "$(dirname "$0")/../.." || exit 1
source tests/api/lib.sh

command -v sqlite3 >/dev/null || { not_ok "sqlite3 shell is installed"; t_finish; exit 1; }

DATA=$T_DIR/data
db=$DATA/kazi.db
echo 'correct horse battery' >"$T_DIR/pw"
"$KAZI_BIN" user add --data "$DATA" --email admin@example.com --name Ada --admin \
    --password-file "$T_DIR/pw" >/dev/null 2>>"$T_DIR/cli.err"
P=$(hook_path 1 crm)
check "administrator and webhook created" test -n "$P"

leads() { sqlite3 "$1" "SELECT group_concat(title, '|') FROM (SELECT title FROM crm_lead ORDER BY id)"; }
asides() { find "$DATA" -name 'kazi.db.before-restore-*' | wc -l; }
# restore FILE: runs kazi restore, sets RC and OUT (stdout and stderr)
restore() { kazi_run restore --data "$DATA" "$1"; }

kazi_start --https off || { not_ok "kazi starts"; t_finish; exit 1; }
add() { curl -s "$HTTP_URL$P/crm.lead.add" -H 'Content-Type: application/json' -d "{\"fields\":{\"TITLE\":\"$1\"}}"; }
expect_match "a lead before the backup" "$(add 'Before backup')" '"result":[0-9]+'
"$KAZI_BIN" backup --data "$DATA" "$T_DIR/b1.db" >/dev/null 2>>"$T_DIR/cli.err"
expect_eq "backup written" "$?" 0
expect_match "a lead after the backup" "$(add 'After backup')" '"result":[0-9]+'

# ---- restore while kazi serves
restore "$T_DIR/b1.db"
expect_eq "restore while serving exits 0" "$RC" 0
expect_match "... says where the replaced database went" "$OUT" "kept as $db\\.before-restore-[0-9]{8}T[0-9]{6}Z"
expect_eq "the database holds what the backup held" "$(leads "$db")" "Before backup"
expect_eq "... and passes the integrity check" "$(sqlite3 "$db" 'PRAGMA integrity_check')" ok
aside=$(find "$DATA" -name 'kazi.db.before-restore-*' | head -1)
expect_eq "the replaced database is kept aside, whole" "$(leads "$aside")" "Before backup|After backup"
expect_eq "... owner-only" "$(stat -c %a "$aside")" 600
expect_match "the running kazi reads the restored data" \
    "$(curl -s "$HTTP_URL$P/crm.lead.list?select[]=TITLE")" '"TITLE":"Before backup"\}\],"total":1'
kazi_stop
kazi_start --https off || not_ok "kazi starts on the restored database"
expect_match "after a restart too" "$(curl -s "$HTTP_URL$P/crm.lead.list?select[]=TITLE")" \
    '"TITLE":"Before backup"\}\],"total":1'
expect_match "and writes go on" "$(add 'After restore')" '"result":[0-9]+'
kazi_stop

# ---- refusals: nothing changes
before=$(leads "$db")
n_asides=$(asides)
refused() { # NAME FILE MESSAGE-REGEX
    restore "$2"
    expect_eq "$1: exit 1" "$RC" 1
    expect_match "$1: says why" "$OUT" "$3"
    expect_eq "$1: the database is unchanged" "$(leads "$db")" "$before"
    expect_eq "$1: nothing is left aside" "$(asides)" "$n_asides"
}
refused "a missing file" "$T_DIR/none.db" "backup file '.*none\\.db' cannot be read"
printf 'not a database at all\n%.0s' {1..200} >"$T_DIR/junk.db"
refused "a file that is not a database" "$T_DIR/junk.db" "cannot be restored: file is not a database; nothing was changed"
sqlite3 "$T_DIR/other.db" 'CREATE TABLE t (a); INSERT INTO t VALUES (1)'
refused "another program's database" "$T_DIR/other.db" "holds no kazi schema"
cp "$T_DIR/b1.db" "$T_DIR/newer.db"
sqlite3 "$T_DIR/newer.db" "INSERT INTO core_migration VALUES ('crm', 999, 'from the future', 0)"
refused "a backup from a newer kazi" "$T_DIR/newer.db" "made by a newer kazi \\(schema of module 'crm' at version 999"
cp "$T_DIR/b1.db" "$T_DIR/damaged.db"
pages=$(($(stat -c %s "$T_DIR/damaged.db") / 4096))
for p in $(seq 3 4 "$((pages - 1))"); do
    head -c 4096 /dev/urandom | dd of="$T_DIR/damaged.db" bs=4096 seek="$p" conv=notrunc status=none
done
refused "a damaged backup" "$T_DIR/damaged.db" "cannot be restored: .*nothing was changed"

# ---- an older backup is brought up to this kazi's schema
cp "$T_DIR/b1.db" "$T_DIR/older.db"
newest=$(sqlite3 "$T_DIR/older.db" "SELECT MAX(version) FROM core_migration WHERE module = 'crm'")
sqlite3 "$T_DIR/older.db" "DELETE FROM core_migration WHERE module = 'crm' AND version = $newest"
restore "$T_DIR/older.db"
expect_eq "an older backup is restored" "$RC" 0
expect_eq "... and migrated to this kazi's schema" \
    "$(sqlite3 "$db" "SELECT MAX(version) FROM core_migration WHERE module = 'crm'")" "$newest"

# ---- disaster: the data directory is gone, the backup brings it back
rm -rf "$DATA"
restore "$T_DIR/b1.db"
expect_eq "restore into an emptied data directory exits 0" "$RC" 0
expect_eq "... keeps nothing aside (there was nothing)" "$(asides)" 0
expect_eq "... and holds the backup's data" "$(leads "$db")" "Before backup"
expect_eq "... directory owner-only" "$(stat -c %a "$DATA")" 700
kazi_start --https off || not_ok "kazi starts on the recovered directory"
expect_match "the webhook of the backup works again" \
    "$(curl -s "$HTTP_URL$P/crm.lead.list?select[]=TITLE")" '"total":1'

# ---- the drill: a backup taken under a 32-connection write load, the directory wiped, the
# backup restored; every lead acknowledged before the backup began must be there
stop=$T_DIR/stop
rm -f "$stop"
pids=()
for w in $(seq 1 32); do
    (
        i=0
        while [ ! -e "$stop" ] && [ "$i" -lt 500 ]; do
            i=$((i + 1))
            r=$(curl -s --max-time 30 "$HTTP_URL$P/crm.lead.add" -H 'Content-Type: application/json' \
                -d "{\"fields\":{\"TITLE\":\"load $w $i\"}}")
            [[ $r == *'"result":'[0-9]* ]] && echo "$(date +%s%N) load $w $i" >>"$T_DIR/acked.$w"
        done
    ) &
    pids+=($!)
done
sleep 3
t_backup=$(date +%s%N)
"$KAZI_BIN" backup --data "$DATA" "$T_DIR/drill.db" >/dev/null 2>>"$T_DIR/cli.err"
expect_eq "drill: the backup under load exits 0" "$?" 0
sleep 1
touch "$stop"
wait "${pids[@]}"
kazi_stop
rm -rf "$DATA"
restore "$T_DIR/drill.db"
expect_eq "drill: restore into the wiped directory exits 0" "$RC" 0
cat "$T_DIR"/acked.* | awk -v t="$t_backup" '$1 < t { sub(/^[0-9]+ /, ""); print }' | sort >"$T_DIR/want"
sqlite3 "$db" "SELECT title FROM crm_lead WHERE title LIKE 'load %'" | sort >"$T_DIR/have"
check "drill: leads were acknowledged before the backup began ($(wc -l <"$T_DIR/want"))" \
    test "$(wc -l <"$T_DIR/want")" -gt 0
expect_eq "drill: every one of them is there" "$(comm -23 "$T_DIR/want" "$T_DIR/have" | wc -l)" 0
expect_eq "drill: the integrity check passes" "$(sqlite3 "$db" 'PRAGMA integrity_check')" ok

out=$("$KAZI_BIN" restore --data "$DATA" 2>&1)
expect_match "restore without a file prints its usage" "$out" "usage: kazi restore --data DIR FILE"

t_finish
