#!/usr/bin/env bash
# Crash durability of crm.lead.add: four concurrent clients (workers of a small node script
# with keep-alive, or bash curl loops without node) add leads (unique titles, some with PHONE
# and EMAIL) while `kazi serve` is killed with SIGKILL at random moments (50-500 ms after
# each start) and restarted on the same data directory, at least 20 times. After every kill:
# each lead a client got an id for is stored with its exact title, no lead is half-written
# (multi-fields as sent, HAS_PHONE/HAS_EMAIL agreeing with them, history present) and
# PRAGMA integrity_check is ok. Loopback only; it kills only the kazi processes it started.
# KAZI_DURABILITY_KILLS (25) and KAZI_DURABILITY_SECONDS (100) bound the run.
cd "$(dirname "$0")/../.." || exit 1
source tests/api/lib.sh

kills_wanted=${KAZI_DURABILITY_KILLS:-25}
deadline=$((SECONDS + ${KAZI_DURABILITY_SECONDS:-100}))
min_kills=20
data=$T_DIR/data
db=$data/kazi.db
url_file=$T_DIR/url
stop_file=$T_DIR/stop
clients=4
client_pids=()
ROUND_ACKED=0
ROUND_LEADS=0

command -v sqlite3 >/dev/null || { not_ok "sqlite3 shell is installed"; t_finish; exit 1; }

stop_clients() {
    [ -d "$T_DIR" ] && touch "$stop_file"
    for p in "${client_pids[@]}"; do wait "$p" 2>/dev/null; done
    client_pids=()
}
trap 'stop_clients; [ -n "$KAZI_PID" ] && kill -9 "$KAZI_PID" 2>/dev/null; rm -rf "$T_DIR"' EXIT

echo "dur-password-$RANDOM$RANDOM" >"$T_DIR/password"
uid=$("$KAZI_BIN" user add --data "$data" --email dur@example.com --name Dur \
    --password-file "$T_DIR/password" --admin 2>>"$T_DIR/stderr" | tail -1)
hook=$("$KAZI_BIN" webhook add --data "$data" --user "$uid" --scopes crm 2>>"$T_DIR/stderr" |
    tail -1 | grep -o '/rest/[0-9]*/[^/ ]*')
[ -n "$hook" ] || { not_ok "webhook created with the CLI"; t_finish; exit 1; }

# client N: adds leads until the stop file appears; appends "id<TAB>title" for every lead it
# got an id for. Titles say what was sent: -P with a phone, -E with an e-mail.
client() {
    local n=$1 seq=0 base title body out code
    local acks=$T_DIR/acks.$n
    : >"$acks"
    while [ ! -e "$stop_file" ]; do
        base=
        read -r base <"$url_file" 2>/dev/null
        if [ -z "$base" ]; then
            sleep 0.05 # kazi is being checked or restarted
            continue
        fi
        seq=$((seq + 1))
        title="dur-c$n-$seq-$RANDOM"
        body="\"NAME\":\"Client $n\",\"OPPORTUNITY\":$((seq * 10))"
        if ((seq % 3 != 0)); then
            title+=-P
            printf -v body '%s,"PHONE":[{"VALUE":"+2547%08d","VALUE_TYPE":"WORK"}]' "$body" \
                $((n * 1000000 + seq))
        fi
        if ((seq % 2 == 0)); then
            title+=-E
            body+=",\"EMAIL\":[{\"VALUE\":\"c$n.$seq@example.com\",\"VALUE_TYPE\":\"WORK\"}]"
        fi
        out=$(curl -s --max-time 5 -H 'Content-Type: application/json' \
            --data "{\"fields\":{\"TITLE\":\"$title\",$body}}" \
            -w '\n%{http_code}' "$base${hook}/crm.lead.add" 2>/dev/null)
        code=${out##*$'\n'}
        if [ "$code" = 200 ] && [[ ${out%$'\n'*} =~ ^\{\"result\":([0-9]+), ]]; then
            printf '%s\t%s\n' "${BASH_REMATCH[1]}" "$title" >>"$acks"
        else
            sleep 0.05 # kazi is down: the request may or may not have been stored
        fi
    done
}

# The same clients in one node process: four async workers over keep-alive connections, so
# the load is not limited by starting a curl per request.
cat >"$T_DIR/load.mjs" <<'EOF'
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
const [dir, hook, count] = process.argv.slice(2);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function client(n) {
    for (let seq = 1; !existsSync(`${dir}/stop`); seq++) {
        let base = '';
        try { base = readFileSync(`${dir}/url`, 'utf8').trim(); } catch { /* not written yet */ }
        if (!base) { await sleep(20); continue; }
        let title = `dur-c${n}-${seq}-${Math.floor(Math.random() * 32768)}`;
        const fields = { NAME: `Client ${n}`, OPPORTUNITY: seq * 10 };
        if (seq % 3 !== 0) {
            title += '-P';
            fields.PHONE = [{ VALUE: `+2547${String(n * 1000000 + seq).padStart(8, '0')}`, VALUE_TYPE: 'WORK' }];
        }
        if (seq % 2 === 0) {
            title += '-E';
            fields.EMAIL = [{ VALUE: `c${n}.${seq}@example.com`, VALUE_TYPE: 'WORK' }];
        }
        fields.TITLE = title;
        try {
            const res = await fetch(`${base}${hook}/crm.lead.add`, {
                method: 'POST', headers: { 'Content-Type': 'application/json' },
                body: JSON.stringify({ fields }), signal: AbortSignal.timeout(5000),
            });
            const m = /^\{"result":(\d+),/.exec(await res.text());
            if (res.status === 200 && m) appendFileSync(`${dir}/acks.${n}`, `${m[1]}\t${title}\n`);
            else await sleep(20);
        } catch { await sleep(20); /* kazi is down: the lead may or may not be stored */ }
    }
}
await Promise.all(Array.from({ length: Number(count) }, (_, i) => client(i + 1)));
EOF

# check_db ROUND: the invariants on the database of a killed kazi; prints "not ok" lines
check_db() {
    local round=$1 acks=$T_DIR/acks.all res
    cat "$T_DIR"/acks.[0-9]* >"$acks" 2>/dev/null
    res=$(sqlite3 -bail "$db" 2>&1 <<EOF
.mode tabs
CREATE TEMP TABLE ack (id INTEGER, title TEXT);
.import $acks ack
SELECT 'integrity', group_concat(integrity_check, ' ') FROM pragma_integrity_check;
SELECT 'acked', COUNT(*) FROM ack;
SELECT 'missing', COUNT(*), group_concat(a.id || '=' || a.title, ' ') FROM ack a
    LEFT JOIN crm_lead l ON l.id = a.id AND l.title = a.title WHERE l.id IS NULL;
SELECT 'dup_ack', COUNT(*) FROM (SELECT id FROM ack GROUP BY id HAVING COUNT(*) > 1);
SELECT 'no_phone', COUNT(*) FROM crm_lead l WHERE l.title LIKE 'dur-%' AND instr(l.title, '-P') > 0
    AND NOT EXISTS (SELECT 1 FROM crm_fm f WHERE f.owner_type = 1 AND f.owner_id = l.id
                    AND f.type_id = 'PHONE');
SELECT 'no_email', COUNT(*) FROM crm_lead l WHERE l.title LIKE 'dur-%' AND instr(l.title, '-E') > 0
    AND NOT EXISTS (SELECT 1 FROM crm_fm f WHERE f.owner_type = 1 AND f.owner_id = l.id
                    AND f.type_id = 'EMAIL');
SELECT 'has_flags', COUNT(*) FROM crm_lead l WHERE
    l.has_phone IS NOT (CASE WHEN EXISTS (SELECT 1 FROM crm_fm f WHERE f.owner_type = 1
        AND f.owner_id = l.id AND f.type_id = 'PHONE') THEN 'Y' ELSE 'N' END)
    OR l.has_email IS NOT (CASE WHEN EXISTS (SELECT 1 FROM crm_fm f WHERE f.owner_type = 1
        AND f.owner_id = l.id AND f.type_id = 'EMAIL') THEN 'Y' ELSE 'N' END);
SELECT 'orphan_fm', COUNT(*) FROM crm_fm f WHERE f.owner_type = 1
    AND NOT EXISTS (SELECT 1 FROM crm_lead l WHERE l.id = f.owner_id);
SELECT 'no_history', COUNT(*) FROM crm_lead l WHERE NOT EXISTS (SELECT 1 FROM crm_timeline t
    WHERE t.owner_type = 1 AND t.owner_id = l.id);
SELECT 'leads', COUNT(*) FROM crm_lead;
EOF
)
    local integrity acked missing dup nophone noemail flags orphan nohist leads
    integrity=$(awk -F'\t' '$1 == "integrity" { print $2 }' <<<"$res")
    acked=$(awk -F'\t' '$1 == "acked" { print $2 }' <<<"$res")
    missing=$(awk -F'\t' '$1 == "missing" { print $2 }' <<<"$res")
    dup=$(awk -F'\t' '$1 == "dup_ack" { print $2 }' <<<"$res")
    nophone=$(awk -F'\t' '$1 == "no_phone" { print $2 }' <<<"$res")
    noemail=$(awk -F'\t' '$1 == "no_email" { print $2 }' <<<"$res")
    flags=$(awk -F'\t' '$1 == "has_flags" { print $2 }' <<<"$res")
    orphan=$(awk -F'\t' '$1 == "orphan_fm" { print $2 }' <<<"$res")
    nohist=$(awk -F'\t' '$1 == "no_history" { print $2 }' <<<"$res")
    leads=$(awk -F'\t' '$1 == "leads" { print $2 }' <<<"$res")
    ROUND_ACKED=${acked:-0}
    ROUND_LEADS=${leads:-0}
    if [ "$integrity" != ok ]; then
        not_ok "round $round: PRAGMA integrity_check (${res:0:400})"
        return 1
    fi
    local bad=
    [ "${missing:-x}" = 0 ] || bad+=" missing or changed acknowledged leads: $(awk -F'\t' '$1 == "missing" { print $2 ": " substr($3, 1, 300) }' <<<"$res");"
    [ "${dup:-x}" = 0 ] || bad+=" the same id acknowledged twice: $dup;"
    [ "${nophone:-x}" = 0 ] || bad+=" leads sent with PHONE stored without it: $nophone;"
    [ "${noemail:-x}" = 0 ] || bad+=" leads sent with EMAIL stored without it: $noemail;"
    [ "${flags:-x}" = 0 ] || bad+=" HAS_PHONE/HAS_EMAIL disagreeing with crm_fm: $flags;"
    [ "${orphan:-x}" = 0 ] || bad+=" multi-fields of absent leads: $orphan;"
    [ "${nohist:-x}" = 0 ] || bad+=" leads without a history row: $nohist;"
    if [ -n "$bad" ]; then
        not_ok "round $round:$bad"
        return 1
    fi
    return 0
}

rand_ms() { # a delay of 50-500 ms as seconds for sleep
    local ms=$((50 + RANDOM % 451))
    printf '0.%03d' "$ms"
}

if command -v node >/dev/null; then
    node "$T_DIR/load.mjs" "$T_DIR" "$hook" "$clients" &
    client_pids+=($!)
else
    echo "# node is not installed: bash curl clients make the load"
    for n in $(seq 1 $clients); do
        client "$n" &
        client_pids+=($!)
    done
fi

kills=0
failed_rounds=0
while [ "$kills" -lt "$kills_wanted" ] && [ "$SECONDS" -lt "$deadline" ]; do
    if ! kazi_start --https off; then
        not_ok "kazi restarts on the same data directory after $kills kills"
        break
    fi
    echo "${HTTP_URL%/}" >"$url_file"
    sleep "$(rand_ms)"
    kill -KILL "$KAZI_PID" 2>/dev/null
    wait "$KAZI_PID" 2>/dev/null
    KAZI_PID=
    : >"$url_file"
    kills=$((kills + 1))
    check_db "$kills" || failed_rounds=$((failed_rounds + 1))
    echo "# round $kills: $ROUND_ACKED leads acknowledged so far, $ROUND_LEADS stored"
done
stop_clients

if [ "$kills" -ge "$min_kills" ]; then
    ok "kazi was killed with SIGKILL $kills times under a crm.lead.add load"
else
    not_ok "kazi was killed only $kills times in the time allowed (wanted $min_kills)"
fi
expect_eq "every round: integrity ok, acknowledged leads intact, nothing half-written" \
    "$failed_rounds failed rounds" "0 failed rounds"
if [ "$ROUND_ACKED" -ge $((kills * 2)) ]; then
    ok "clients got $ROUND_ACKED leads acknowledged ($ROUND_LEADS stored)"
else
    not_ok "too few acknowledged leads to mean anything: $ROUND_ACKED in $kills rounds"
fi

# one clean start: the acknowledged leads read back over REST with their exact titles
if kazi_start --https off; then
    base=${HTTP_URL%/}$hook
    sample_bad=0
    while IFS=$'\t' read -r id title; do
        r=$(req GET "$base/crm.lead.get?id=$id")
        [[ $r == "200 "*"\"TITLE\":\"$title\""* ]] || {
            sample_bad=$((sample_bad + 1))
            echo "# crm.lead.get?id=$id: ${r:0:200}"
        }
    done < <(shuf -n 30 "$T_DIR/acks.all" 2>/dev/null)
    expect_eq "30 acknowledged leads read back by crm.lead.get with their titles" "$sample_bad" 0
    r=$(req GET "$base/crm.lead.list?filter%5B%25TITLE%5D=dur-c1-&start=-1")
    expect_match "crm.lead.list answers after the crashes" "$r" '^200 \{"result":\['
    kazi_stop
else
    not_ok "kazi starts cleanly after the last kill"
fi
t_finish
