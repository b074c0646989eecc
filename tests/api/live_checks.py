"""Checks of the live channel, run by live.sh: argv = first server URL (live_ping 1,
live_queue 16), second server URL (live_queue 200, live_ping 600), webhook paths of the
administrator, Bob and Cid, and the users' password. Prints ok / not ok lines; the exit
status is the number of failures."""
import sys
import time
from urllib.parse import urlparse

sys.path.insert(0, __file__.rsplit("/", 1)[0])
from ws_client import SSE, WS, frame, login, rest  # noqa: E402

FIRST, SLOW, PA, PB, PC, PW = sys.argv[1:7]
failed = 0


def check(name, cond, detail=""):
    global failed
    if cond:
        print(f"ok - {name}")
    else:
        failed += 1
        print(f"not ok - {name}" + (f" ({detail})" if detail else ""))
    sys.stdout.flush()


u = urlparse(FIRST)
HOST, PORT = u.hostname, u.port
ORIGIN = f"http://{HOST}:{PORT}"
A, B, C = FIRST + PA, FIRST + PB, FIRST + PC

ada = login(FIRST, "admin@example.com", PW)
bob = login(FIRST, "bob@example.com", PW)
cid = login(FIRST, "cid@example.com", PW)

def fid_ws(m):
    return ((m.get("data") or {}).get("FIELDS") or {}).get("ID")


# ---- the handshake
w = WS(HOST, PORT, read=False)
check("upgrade without credentials: 401", w.status == 401, w.status)
w.close()
w = WS(HOST, PORT, cookie="x" * 43, origin=ORIGIN, read=False)
check("upgrade with an unknown session: 401", w.status == 401, w.status)
w.close()
w = WS(HOST, PORT, path="/live?auth=nonsense", read=False)
check("upgrade with an unknown token: 401", w.status == 401, w.status)
w.close()
w = WS(HOST, PORT, cookie=bob, origin="http://evil.example", read=False)
check("foreign Origin: 403", w.status == 403, w.status)
w.close()
w = WS(HOST, PORT, cookie=bob, origin=f"http://{HOST}:{PORT + 1}", read=False)
check("Origin with another port: 403", w.status == 403, w.status)
w.close()
w = WS(HOST, PORT, path="/live?last_event_id=abc", cookie=bob, origin=ORIGIN, read=False)
check("last_event_id that is not a number: 400", w.status == 400, w.status)
w.close()

# ---- per-user delivery, decided as REST decides
role = rest(A + "/role.add", {"fields": {"NAME": "Own deals", "PERMISSIONS": {
    "*": {"READ": "all", "ADD": "all", "UPDATE": "all", "DELETE": "all"},
    "crm_deal": {"READ": "own", "ADD": "all", "UPDATE": "own", "DELETE": "own"}}}})
check("own-deals role added", isinstance(role.get("result"), int), role)
r = rest(A + "/role.assign", {"ROLE_ID": role.get("result"), "USER_ID": 3})
check("own-deals role assigned to Cid", r.get("result") is True, r)

wb = WS(HOST, PORT, cookie=bob, origin=ORIGIN)
check("Bob's browser connects (101, right Sec-WebSocket-Accept)", wb.status == 101 and wb.accept_ok,
      (wb.status, wb.headers))
wc = WS(HOST, PORT, cookie=cid, origin=ORIGIN)
check("Cid's browser connects", wc.status == 101)
wa = WS(HOST, PORT, path="/live?auth=" + ada, read=True)  # a session token as `auth`, no Origin
check("a token in 'auth' connects without Origin", wa.status == 101)
time.sleep(0.3)

deal = rest(A + "/crm.deal.add", {"fields": {"TITLE": "Bob's deal", "ASSIGNED_BY_ID": 2}})
bob_deal = deal.get("result")
check("deal added for Bob", isinstance(bob_deal, int), deal)
got = wb.wait(lambda s: any(m.get("event") == "ONCRMDEALADD" for m in s.messages), 10)
check("Bob gets ONCRMDEALADD", got, wb.messages)
m = (wb.events("ONCRMDEALADD") or [{}])[0]
check("message shape: id, event, entity, data.FIELDS.ID",
      isinstance(m.get("id"), int) and m.get("entity") == "deal"
      and m.get("data") == {"FIELDS": {"ID": bob_deal}}, m)
check("the administrator (token) gets it too",
      wa.wait(lambda s: any(x.get("event") == "ONCRMDEALADD" for x in s.messages), 10), wa.messages)
r = rest(B + "/crm.deal.update", {"id": bob_deal, "fields": {"STAGE_ID": "PREPARATION"}})
check("Bob moves his deal", r.get("result") is True, r)
check("Bob gets ONCRMDEALUPDATE",
      wb.wait(lambda s: any(x.get("event") == "ONCRMDEALUPDATE" for x in s.messages), 10), wb.messages)
r = rest(C + "/crm.deal.get", {"id": bob_deal})
check("REST: Cid may not read Bob's deal", r.get("error") == "ACCESS_DENIED", r)
cid_deal = rest(A + "/crm.deal.add", {"fields": {"TITLE": "Cid's deal", "ASSIGNED_BY_ID": 3}}).get("result")
check("Cid gets the event of his own deal",
      wc.wait(lambda s: any(x.get("data", {}).get("FIELDS", {}).get("ID") == cid_deal for x in s.messages), 10),
      wc.messages)
seen = [x for x in wc.messages if x.get("data", {}).get("FIELDS", {}).get("ID") == bob_deal]
check("Cid received nothing about Bob's deal (on the wire)", not seen, seen)

# a module's events need its scope: Cid's webhook scope does not matter for a session, but a
# task event is not a CRM record and Bob (no rights taken away) sees his task
task = rest(B + "/tasks.task.add", {"fields": {"TITLE": "Live task", "RESPONSIBLE_ID": 2}})
tid = (task.get("result") or {}).get("task", {}).get("id")
check("task added by Bob", tid is not None, task)
check("Bob gets ONTASKADD for it",
      wb.wait(lambda s: any(x.get("event") == "ONTASKADD" and x.get("entity") == "task" for x in s.messages), 10),
      wb.messages)
seen = [x for x in wc.messages if x.get("entity") == "task"]
check("Cid, no participant, gets no task event", not seen, seen)

# a token's scopes limit the modules whose events it gets
tok = (rest(A + "/token.add", {"USER_ID": 2, "SCOPES": "task", "TITLE": "board"}).get("result") or {}).get("TOKEN")
check("application token with scope 'task' made for Bob", bool(tok))
wt = WS(HOST, PORT, path=f"/live?auth={tok}")
check("the token connects", wt.status == 101, wt.status)
time.sleep(0.3)
d_t = rest(A + "/crm.deal.add", {"fields": {"TITLE": "not for a task token", "ASSIGNED_BY_ID": 2}}).get("result")
t2 = ((rest(B + "/tasks.task.add", {"fields": {"TITLE": "for the token", "RESPONSIBLE_ID": 2}}).get("result") or {})
      .get("task") or {}).get("id")
check("the 'task' token gets the task event",
      wt.wait(lambda x: any(m.get("entity") == "task" and str(m["data"]["FIELDS"]["ID"]) == str(t2)
                            for m in x.messages), 10), wt.messages)
check("Bob's browser got the deal", wb.wait(lambda x: any(fid_ws(m) == d_t for m in x.messages), 10))
seen = [m for m in wt.messages if m.get("entity") == "deal"]
check("the 'task' token gets no CRM event", not seen, seen)
wt.close()

# ---- bad frames: 1009, 1002, and nobody else is affected
wx = WS(HOST, PORT, cookie=bob, origin=ORIGIN)
wx.send(frame(1, b"x" * 70000))
check("a 70 000-byte frame: close 1009", wx.wait(lambda s: s.close_code is not None, 10) and wx.close_code == 1009,
      wx.close_code)
wy = WS(HOST, PORT, cookie=bob, origin=ORIGIN)
wy.send(frame(1, b"hello", mask=False))  # a client frame must be masked
check("an unmasked frame: close 1002", wy.wait(lambda s: s.close_code is not None, 10) and wy.close_code == 1002,
      wy.close_code)
wz = WS(HOST, PORT, cookie=bob, origin=ORIGIN)
wz.send(b"\x00garbage that is not a frame at all\r\n")
check("garbage bytes: close 1002", wz.wait(lambda s: s.close_code is not None, 10) and wz.close_code == 1002,
      wz.close_code)
check("the refused connections are closed",
      all(x.wait(lambda s: s.closed, 10) for x in (wx, wy, wz)))
before = len(wb.messages)
d2 = rest(A + "/crm.deal.add", {"fields": {"TITLE": "after the garbage", "ASSIGNED_BY_ID": 2}}).get("result")
check("other connections still get events",
      wb.wait(lambda s: any(x.get("data", {}).get("FIELDS", {}).get("ID") == d2 for x in s.messages[before:]), 10)
      and not wb.closed)

# ---- heartbeat
check("pings arrive (live_ping 1)", wb.wait(lambda s: s.pings >= 2, 10), wb.pings)
silent = WS(HOST, PORT, cookie=bob, origin=ORIGIN, pong=False)
check("a peer that never answers is dropped", silent.wait(lambda s: s.closed, 15), silent.pings)
check("a peer that answers stays", not wb.closed)

# ---- replay and resync
ids = [x["id"] for x in wb.events()]
mark = ids[0]
wr = WS(HOST, PORT, path=f"/live?last_event_id={mark}", cookie=bob, origin=ORIGIN)
want = [i for i in ids if i > mark]
check("replay by last_event_id: the events after it, in order",
      wr.wait(lambda s: [x.get("id") for x in s.messages][: len(want)] == want, 10),
      ([x.get("id") for x in wr.messages], want))
wh = WS(HOST, PORT, cookie=bob, origin=ORIGIN, headers=[f"Last-Event-ID: {mark}"])
check("replay by the Last-Event-ID header",
      wh.wait(lambda s: [x.get("id") for x in s.messages][: len(want)] == want, 10))
wg = WS(HOST, PORT, path="/live?last_event_id=999999", cookie=bob, origin=ORIGIN)
check("an id beyond the window: resync", wg.wait(lambda s: any(x.get("event") == "resync" for x in s.messages), 10),
      wg.messages)
check("after resync the connection stays open for new events", not wg.closed)
wcr = WS(HOST, PORT, path=f"/live?last_event_id={mark}", cookie=cid, origin=ORIGIN)
time.sleep(1)
seen = [x for x in wcr.messages if x.get("data", {}).get("FIELDS", {}).get("ID") == bob_deal]
check("replay to Cid leaves out Bob's deal", not seen, seen)

# ---- the Server-Sent Events fallback
def fid(e):
    return ((e["data"] or {}).get("data") or {}).get("FIELDS", {}).get("ID")


s = SSE(HOST, PORT)
check("SSE without credentials: 401", s.status == 401, s.status)
s.close()
s = SSE(HOST, PORT, cookie=bob, origin="http://evil.example")
check("SSE from a foreign Origin: 403", s.status == 403, s.status)
s.close()
sb = SSE(HOST, PORT, cookie=bob, origin=ORIGIN)
check("SSE: 200 text/event-stream", sb.status == 200 and sb.headers.get("content-type") == "text/event-stream",
      (sb.status, sb.headers))
sc = SSE(HOST, PORT, cookie=cid, origin=ORIGIN)
time.sleep(0.5)
d3 = rest(A + "/crm.deal.add", {"fields": {"TITLE": "over SSE", "ASSIGNED_BY_ID": 2}}).get("result")
check("SSE: Bob gets the event, with its id",
      sb.wait(lambda x: any(fid(e) == d3 and e["id"] for e in x.events), 10), sb.events)
c3 = rest(A + "/crm.deal.add", {"fields": {"TITLE": "Cid over SSE", "ASSIGNED_BY_ID": 3}}).get("result")
check("SSE: Cid gets his own deal", sc.wait(lambda x: any(fid(e) == c3 for e in x.events), 10), sc.events)
seen = [e for e in sc.events if fid(e) == d3]
check("SSE: Cid gets nothing about Bob's deal", not seen, seen)
check("SSE: heartbeat comments arrive", sb.wait(lambda x: x.comments >= 3, 10), sb.comments)
first_id = next((e["id"] for e in sb.events if e["id"]), "1")
sr = SSE(HOST, PORT, cookie=bob, origin=ORIGIN, headers=[f"Last-Event-ID: {int(first_id) - 1}"])
check("SSE: Last-Event-ID replays", sr.wait(lambda x: any(e["id"] == first_id for e in x.events), 10), sr.events)
for x in (sb, sc, sr):
    x.close()

# ---- a consumer that stops reading (second server: live_queue 200)
su = urlparse(SLOW)
slow = WS(su.hostname, su.port, cookie=login(SLOW, "bob@example.com", PW),
          origin=f"http://{su.hostname}:{su.port}", read=False, rcvbuf=4096)
check("slow consumer connects", slow.status == 101)
keep = WS(su.hostname, su.port, cookie=login(SLOW, "bob@example.com", PW), origin=f"http://{su.hostname}:{su.port}")
target = bob_deal
for round_ in range(30):
    cmd = {f"u{i}": f"crm.deal.update?id={target}&fields[COMMENTS]=r{round_}i{i}" for i in range(50)}
    rest(SLOW + PA + "/batch", {"halt": 0, "cmd": cmd})
check("a reading connection gets all 1500 updates",
      keep.wait(lambda s: len([x for x in s.messages if x.get("event") == "ONCRMDEALUPDATE"]) >= 1500, 30),
      len(keep.messages))
slow.start_reading()
check("the slow one gets resync", slow.wait(lambda s: any(x.get("event") == "resync" for x in s.messages), 30),
      len(slow.messages))
check("... and is closed (1008)", slow.wait(lambda s: s.closed, 30) and slow.close_code == 1008, slow.close_code)
n = len([x for x in slow.messages if x.get("event") == "ONCRMDEALUPDATE"])
check("... having been sent fewer events than the others", n < 1500, n)

for x in (wa, wb, wc, wr, wh, wg, wcr, keep):
    x.close()
sys.exit(failed)
