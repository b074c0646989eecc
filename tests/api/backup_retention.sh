#!/usr/bin/env bash
# kazi backup into a directory, as a daily timer runs it: dated names (UTC), never replacing a
# file, the directory created owner-only, --keep N removing only the oldest kazi-*.db files
# beyond the newest N (other files left alone), a failed backup leaving the older ones and no
# partial file, and the newest backup restoring. Real kazi, real SQLite files.
cd "$(dirname "$0")/../.." || exit 1
source tests/api/lib.sh

command -v sqlite3 >/dev/null || { not_ok "sqlite3 shell is installed"; t_finish; exit 1; }

DATA=$T_DIR/data
BK=$T_DIR/backups
NAME_RE='^kazi-[0-9]{8}T[0-9]{6}Z(-[0-9]+)?\.db$'
echo 'correct horse battery' >"$T_DIR/pw"
"$KAZI_BIN" user add --data "$DATA" --email admin@example.com --name Ada --admin \
    --password-file "$T_DIR/pw" >/dev/null 2>>"$T_DIR/cli.err"
P=$(hook_path 1 crm)
check "administrator and webhook created" test -n "$P"
kazi_start --https off || { not_ok "kazi starts"; t_finish; exit 1; }
add() { curl -s "$HTTP_URL$P/crm.lead.add" -H 'Content-Type: application/json' -d "{\"fields\":{\"TITLE\":\"$1\"}}"; }
leads() { sqlite3 "$1" "SELECT COUNT(*) FROM crm_lead"; }
# backup ARGS...: runs kazi backup, sets RC and OUT (stdout and stderr)
backup() { kazi_run backup --data "$DATA" "$@"; }
backups() { find "$BK" -maxdepth 1 -type f -printf '%f\n' | grep -E "$NAME_RE" | sort; }
partials() { find "$BK" -maxdepth 1 -name '*partial*' | wc -l; }

# ---- the first run creates the directory and a dated backup
add 'Lead 1' >/dev/null
t0=$(date -u +%s)
backup --keep 3 "$BK/"
expect_eq "backup into a missing directory exits 0" "$RC" 0
expect_eq "... the directory is created owner-only" "$(stat -c %a "$BK")" 700
first=$(backups | head -1)
expect_match "... the backup is named kazi-YYYYmmddTHHMMSSZ.db" "$first" "$NAME_RE"
expect_match "... and says so" "$OUT" "backup written to $BK/$first"
stamp=${first#kazi-}
stamp=${stamp%%[-.]*}
when=$(date -u -d "${stamp:0:8} ${stamp:9:2}:${stamp:11:2}:${stamp:13:2}" +%s)
check "... the name is the time of the backup in UTC ($stamp)" \
    test "$when" -ge "$((t0 - 1))" -a "$when" -le "$(($(date -u +%s) + 1))"
expect_eq "... the file is owner-only" "$(stat -c %a "$BK/$first")" 600
expect_eq "... it passes the integrity check" "$(sqlite3 "$BK/$first" 'PRAGMA integrity_check')" ok
expect_eq "... it holds the lead" "$(leads "$BK/$first")" 1
expect_eq "... it is one file (reading it creates no -wal or -shm)" \
    "$(sqlite3 "$BK/$first" 'PRAGMA journal_mode')" delete

# ---- older backups and other people's files in the directory
cp "$BK/$first" "$BK/kazi-20200101T000000Z.db"
cp "$BK/$first" "$BK/kazi-20210101T000000Z.db"
foreign=(notes.txt kazi-manual.db kazi-20190101T000000Z.db.bak old-kazi-20190101T000000Z.db
    kazi-2019-01-01.db)
for f in "${foreign[@]}"; do echo "not a backup of the timer" >"$BK/$f"; done
mkdir "$BK/kazi-20180101T000000Z.db" # a directory with a backup's name
ln -s "$BK/$first" "$BK/kazi-20170101T000000Z.db" # a link with a backup's name
foreign+=(kazi-20180101T000000Z.db kazi-20170101T000000Z.db)

# ---- several runs with --keep 3: the newest three stay, oldest first out
for i in 2 3 4 5 6; do
    add "Lead $i" >/dev/null
    backup --keep 3 "$BK/"
    expect_eq "run $i: exits 0" "$RC" 0
    expect_eq "run $i: three backups kept" "$(backups | wc -l)" 3
done
expect_eq "the two old-dated backups went first" \
    "$(backups | grep -c '^kazi-202[01]0101T000000Z\.db$')" 0
# two runs within one second get a suffix (-2, -3, ...): the order of writing is kept
kept=$(for f in $(backups); do leads "$BK/$f"; done | sort -n | tr '\n' ' ')
expect_eq "the three kept are the newest three (by their leads)" "$kept" "4 5 6 "
missing=0
for f in "${foreign[@]}"; do [ -e "$BK/$f" ] || [ -L "$BK/$f" ] || missing=$((missing + 1)); done
expect_eq "other files, a directory and a link with a backup's name are left alone" "$missing" 0
expect_eq "no partial file is left" "$(partials)" 0

# ---- an existing directory without the trailing '/' is a directory too
add 'Lead 7' >/dev/null
backup --keep 2 "$BK"
expect_eq "an existing directory as TARGET without '/': exits 0" "$RC" 0
expect_eq "... keeps two" "$(backups | wc -l)" 2
expect_match "... the newest holds seven leads" "$(for f in $(backups); do leads "$BK/$f"; done | sort -n | tr '\n' ' ')" "^6 7 $"

# ---- a name freed by retention is not taken again while a later backup of its second exists:
# with kazi-S-5.db present (S the current second), the next backup of second S is kazi-S-6.db,
# not the free kazi-S.db, which would sort as the oldest and be the next one removed
seq_ok=
for attempt in 1 2 3; do
    stamp=$(date -u +%Y%m%dT%H%M%SZ)
    cp "$BK/$(backups | tail -1)" "$BK/kazi-$stamp-5.db"
    backup "$BK/"
    newest=$(grep -o "kazi-[0-9T]*Z\(-[0-9]*\)\?\.db" <<<"$OUT" | head -1)
    rm -f "$BK/kazi-$stamp-5.db" "$BK/$newest"
    case $newest in
    "kazi-$stamp-6.db") seq_ok=yes && break ;;
    "kazi-$stamp"*) seq_ok="no ($newest)" && break ;;
    esac # the second turned over between the two steps: try again
done
expect_eq "a backup in a second that already has kazi-S-5.db is named kazi-S-6.db" "$seq_ok" yes

# ---- usage errors change nothing
before=$(backups | tr '\n' ' ')
backup --keep 2 "$T_DIR/one.db"
expect_eq "--keep with a file TARGET: usage error (exit 2)" "$RC" 2
expect_match "... says why" "$OUT" "--keep needs a directory TARGET"
check "... writes no file" test ! -e "$T_DIR/one.db"
for bad in 0 -1 two 1x; do
    backup --keep "$bad" "$BK/"
    expect_eq "--keep $bad: usage error (exit 2)" "$RC" 2
done
expect_eq "... the backups are untouched" "$(backups | tr '\n' ' ')" "$before"

# ---- a file TARGET works as before, and is never replaced
backup "$T_DIR/one.db"
expect_eq "a file TARGET: exits 0" "$RC" 0
expect_eq "... holds the data" "$(leads "$T_DIR/one.db")" 7
backup "$T_DIR/one.db"
expect_eq "... an existing file is refused (exit 1)" "$RC" 1
expect_eq "... and left as it was" "$(leads "$T_DIR/one.db")" 7
check "... no partial file next to it" test -z "$(find "$T_DIR" -maxdepth 1 -name 'one.db.partial*')"

# ---- a backup that fails (a directory kazi cannot write to) keeps the older ones
before=$(backups | tr '\n' ' ')
kazi_stop
ran=1
if [ "$(id -u)" -eq 0 ] && ! command -v setpriv >/dev/null; then
    echo "skip - a backup into a directory without write permission (root, and no setpriv)"
    ran=0
elif [ "$(id -u)" -eq 0 ]; then
    # as root every directory is writable: run the backup as nobody on a copy it may read
    chmod 711 "$T_DIR"
    mkdir -m 700 "$T_DIR/ndata"
    cp "$DATA/kazi.db" "$T_DIR/ndata/"
    chown -R nobody "$T_DIR/ndata"
    chown nobody "$BK"
    chmod 500 "$BK"
    kazi_run "$(command -v setpriv)" --reuid=nobody --regid=nogroup --clear-groups \
        "$KAZI_BIN" backup --data "$T_DIR/ndata" --keep 1 "$BK/"
    chmod 700 "$BK"
    chown root "$BK"
else
    chmod 500 "$BK"
    backup --keep 1 "$BK/"
    chmod 700 "$BK"
fi
if [ "$ran" -eq 1 ]; then
    expect_eq "a backup into a directory without write permission fails (exit 1)" "$RC" 1
    expect_match "... says why" "$OUT" "backup file .$BK/kazi-[0-9T]+Z\\.db\\.partial-[0-9]+. cannot be created: Permission denied"
    expect_eq "... the older backups are all still there (no removal)" "$(backups | tr '\n' ' ')" "$before"
    expect_eq "... no partial file is left" "$(partials)" 0
fi

# ---- the newest backup restores
newest=$(for f in $(backups); do echo "$(leads "$BK/$f") $f"; done | sort -n | tail -1 | cut -d' ' -f2)
OUT=$("$KAZI_BIN" restore --data "$DATA" "$BK/$newest" 2>&1)
expect_eq "the newest backup restores (exit 0)" "$?" 0
expect_eq "... with its seven leads" "$(leads "$DATA/kazi.db")" 7
kazi_start --https off || not_ok "kazi starts on the restored database"
expect_match "... and serves them" "$(curl -s "$HTTP_URL$P/crm.lead.list?select[]=TITLE")" '"total":7'
kazi_stop

out=$("$KAZI_BIN" backup --data "$DATA" 2>&1)
expect_match "backup without a TARGET prints its usage" "$out" "usage: kazi backup --data DIR \\[--keep N\\] TARGET"

t_finish
