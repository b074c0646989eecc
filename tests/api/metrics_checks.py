"""Checks for GET /metrics, run by metrics.sh against a running kazi: scrapes before and after
traffic of every kind (REST calls of several families, a failed and a rate-limited one, failed
sign-ins, a WebSocket and an SSE connection, a TLS handshake that fails, requests and
connections refused by limits), then checks the text format (strictly here, and with
prometheus_client's parser when it is installed), that every exposed family is documented in
docs/metrics.md and every documented one exposed, that counters rose where they had to, gauges
are plausible and histograms consistent, and that the contrib/ alert rules and dashboard name
only metrics kazi exposes. Prints "ok - ..." / "not ok - ..."; exits with the failure count.

usage: metrics_checks.py HTTP_URL HTTPS_URL HOOK FLOOD_HOOK EMAIL PASSWORD VERSION ROOT"""
import json
import math
import re
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

sys.path.insert(0, sys.path[0])
from ws_client import SSE, WS, login, rest  # noqa: E402

BASE, HTTPS, HOOK, FLOOD, EMAIL, PASSWORD, VERSION, ROOT = sys.argv[1:9]
U = urllib.parse.urlparse(BASE)
HOST, PORT = U.hostname, U.port
TLS_PORT = urllib.parse.urlparse(HTTPS).port
failed = 0


def crashed(kind, exc, tb):
    """An exception ends the checks as a failure the harness counts, with its traceback."""
    sys.__excepthook__(kind, exc, tb)
    print(f"not ok - the checks stopped: {kind.__name__}: {exc}")
    sys.exit(failed + 1)


sys.excepthook = crashed


def ok(name):
    print(f"ok - {name}")


def not_ok(name):
    global failed
    failed += 1
    print(f"not ok - {name}")


def check(name, cond, detail=""):
    if cond:
        ok(name)
    else:
        not_ok(f"{name} ({detail})" if detail else name)


# ---- the text format ---------------------------------------------------------------------------

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"^({NAME})(?:\{{((?:{LABEL})(?:,{LABEL})*)?\}})? (\S+)$")
TYPES = {"counter", "gauge", "histogram", "summary", "untyped"}


def parse_value(v):
    if v in ("+Inf", "-Inf", "NaN"):
        return float(v.replace("Inf", "inf").replace("NaN", "nan"))
    if not re.fullmatch(r"[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?", v):
        raise ValueError(v)
    return float(v)


def family_of(sample, families):
    for suffix in ("_bucket", "_sum", "_count"):
        if sample.endswith(suffix) and families.get(sample[: -len(suffix)], {}).get("type") == "histogram":
            return sample[: -len(suffix)]
    return sample


def parse(text):
    """Strict parse of exposition format 0.0.4 as kazi writes it: every family has one HELP
    and one TYPE line before its samples, samples of a family are together, labels are unique.
    Returns ({family: {"type", "help", "samples": [(name, labels, value)]}}, [problems])."""
    families, problems, seen_done = {}, [], set()
    current = None
    if not text.endswith("\n"):
        problems.append("text does not end with a newline")
    for n, line in enumerate(text.split("\n")[:-1], 1):
        if line.startswith("# HELP "):
            parts = line.split(" ", 3)
            name = parts[2]
            if not re.fullmatch(NAME, name) or len(parts) < 4:
                problems.append(f"line {n}: bad HELP")
                continue
            if name in families:
                problems.append(f"line {n}: second HELP for {name}")
            if current and current != name:
                seen_done.add(current)
            current = name
            families[name] = {"help": parts[3], "type": None, "samples": []}
        elif line.startswith("# TYPE "):
            parts = line.split(" ")
            if len(parts) != 4 or parts[3] not in TYPES or parts[2] != current:
                problems.append(f"line {n}: TYPE does not follow its HELP: {line}")
                continue
            if families[current]["type"]:
                problems.append(f"line {n}: second TYPE for {current}")
            families[current]["type"] = parts[3]
        elif line.startswith("#"):
            problems.append(f"line {n}: unexpected comment")
        else:
            m = SAMPLE.match(line)
            if not m:
                problems.append(f"line {n}: not a sample: {line[:80]}")
                continue
            name, labels_s, value = m.groups()
            fam = family_of(name, families)
            if fam != current or fam in seen_done:
                problems.append(f"line {n}: sample {name} outside its family block")
                continue
            labels = {}
            for lm in re.finditer(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', labels_s or ""):
                if lm.group(1) in labels:
                    problems.append(f"line {n}: label {lm.group(1)} twice")
                labels[lm.group(1)] = lm.group(2)
            try:
                v = parse_value(value)
            except ValueError:
                problems.append(f"line {n}: bad value {value}")
                continue
            families[fam]["samples"].append((name, labels, v))
    for name, f in families.items():
        if not f["type"]:
            problems.append(f"{name} has no TYPE")
        if f["type"] == "counter" and not name.endswith("_total"):
            problems.append(f"counter {name} does not end in _total")
        if f["type"] == "counter" and name[: -len("_total")] in families:
            problems.append(f"counter {name} clashes with family {name[:-6]} (OpenMetrics names)")
    return families, problems


def scrape(headers=None):
    req = urllib.request.Request(BASE + "/metrics", headers=headers or {})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, r.headers.get("Content-Type", ""), r.read().decode()


def value(fams, fam_name, sample=None, **labels):
    """The sum of the samples of a family (named sample, default the family) matching labels."""
    total, found = 0.0, False
    for name, lab, v in fams.get(fam_name, {}).get("samples", []):
        if name == (sample or fam_name) and all(lab.get(k) == str(w) for k, w in labels.items()):
            total += v
            found = True
    return total if found else None


def series(fams):
    out = {}
    for f in fams.values():
        for name, lab, v in f["samples"]:
            out[(name, tuple(sorted(lab.items())))] = v
    return out


# ---- traffic -----------------------------------------------------------------------------------


def call(hook, method, params=None):
    return rest(BASE + hook + "/" + method, params or {})


def http_status(url, data=None, headers=None, method=None):
    req = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        e.read()
        return e.code


def raw(port, data, timeout=30):
    """Sends data on a new connection and returns what comes back until the peer closes."""
    s = socket.create_connection((HOST, port), timeout=timeout)
    out = b""
    try:
        s.sendall(data)
        while True:
            c = s.recv(65536)
            if not c:
                break
            out += c
    except OSError:
        pass
    s.close()
    return out


def wait_for(pred, timeout=30):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.2)
    return pred()


status, ctype, text0 = scrape()
check("/metrics answers 200 in the text format 0.0.4", status == 200 and "version=0.0.4" in ctype, ctype)
m0, problems0 = parse(text0)

# REST calls of several families, a failed one and an unknown method
lead = call(HOOK, "crm.lead.add", {"fields": {"TITLE": "metrics"}}).get("result")
check("crm.lead.add works", isinstance(lead, int), lead)
call(HOOK, "crm.lead.get", {"id": lead})
missing = call(HOOK, "crm.lead.get", {"id": 987654321})
check("a failed call answers an error", "error" in missing, missing)
call(HOOK, "user.current")
call(HOOK, "department.get")
call(HOOK, "tasks.task.list")
call(HOOK, "batch", {"cmd": {"a": "user.current"}})
call(HOOK, "no.such.method")

# the REST rate limit, on its own webhook
limited = 0
for _ in range(60):
    r = call(FLOOD, "crm.lead.fields")
    if r.get("error") == "QUERY_LIMIT_EXCEEDED":
        limited += 1
        break
check("a REST call was rate limited", limited == 1)

# the live channel: a WebSocket and an SSE stream while a lead changes; a replay from an event
# the server does not have gets "resync"
cookie = login(BASE, EMAIL, PASSWORD)
ws = WS(HOST, PORT, cookie=cookie)
check("WebSocket connected (101)", ws.status == 101, ws.status)
sse = SSE(HOST, PORT, cookie=cookie)
check("SSE stream connected (200)", sse.status == 200, sse.status)
call(HOOK, "crm.lead.update", {"id": lead, "fields": {"TITLE": "metrics 2"}})
check("the WebSocket got the event", ws.wait(lambda w: len(w.events()) > 0, 30))
check("the SSE stream got the event", sse.wait(lambda e: len(e.events) > 0, 30))
gone = WS(HOST, PORT, path="/live?last_event_id=999999999", cookie=cookie)
check("a replay from an unknown event gets resync", gone.wait(lambda w: len(w.events("resync")) > 0, 30))
gone.close()

# sign-ins that fail until the throttle refuses them (after the good one above)
throttled = False
for _ in range(12):
    st = http_status(BASE + "/api/auth/login", json.dumps({"email": "nobody@example.com",
                                                           "password": "wrong password"}).encode(),
                     {"Content-Type": "application/json"}, "POST")
    if st == 429:
        throttled = True
        break
check("failed sign-ins are throttled (429)", throttled)

# a TLS handshake that fails: plain HTTP sent to the HTTPS port
raw(TLS_PORT, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
# limits: headers too large (431), a body too large without credentials (413)
big = raw(PORT, b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 40000 + b"\r\nConnection: close\r\n\r\n")
check("a request with 40 KB of headers gets 431", big.startswith(b"HTTP/1.1 431"), big[:40])
body = raw(PORT, b"POST /rest/server.time HTTP/1.1\r\nHost: x\r\nContent-Length: 400000\r\n"
           b"Content-Type: application/json\r\nConnection: close\r\n\r\n")
check("a 400 KB body without credentials gets 413", body.startswith(b"HTTP/1.1 413"), body[:40])
# a client that never completes its headers is cut at header_timeout
slow = socket.create_connection((HOST, PORT), timeout=60)
slow.sendall(b"GET /healthz HTTP/1.1\r\n")
t0 = time.time()
try:
    cut = slow.recv(100) == b""
except OSError:
    cut = True
check("a client without complete headers is cut off", cut and time.time() - t0 < 30)
slow.close()
# more connections from one address than max_connections_per_ip (16): the last ones are
# refused (counted below)
held = [socket.create_connection((HOST, PORT), timeout=10) for _ in range(24)]
time.sleep(1)
for s in held:
    s.close()


def healthy():
    """The server takes connections from this address again (it frees them asynchronously)."""
    try:
        return http_status(BASE + "/healthz") == 200
    except OSError:
        return False


check("connections are accepted again once the others closed", wait_for(healthy, 30))

# while both live connections are still open
status, ctype, text1 = scrape()
m1, problems1 = parse(text1)
ws.close()
sse.close()

# ---- format --------------------------------------------------------------------------------------

check("both scrapes follow the text format", not problems0 and not problems1,
      "; ".join((problems0 + problems1)[:5]))
try:
    from prometheus_client.parser import text_string_to_metric_families

    parsed = {f.name: f for f in text_string_to_metric_families(text1)}
    # the client library names counter families without _total
    mine = {n[: -len("_total")] if m1[n]["type"] == "counter" else n for n in m1}
    check("prometheus_client's parser reads every family", set(parsed) == mine,
          sorted(set(parsed) ^ mine)[:5])
    theirs = {(x.name, tuple(sorted(x.labels.items())), x.value) for f in parsed.values() for x in f.samples}
    ours = {(n, tuple(sorted(lab.items())), v) for f in m1.values() for n, lab, v in f["samples"]}
    check("... and reads every sample as the strict checker does", theirs == ours,
          sorted(theirs ^ ours)[:4])
except ImportError:
    ok("prometheus_client is not installed: strict checker only # skip")

# ---- documentation -------------------------------------------------------------------------------

doc = open(f"{ROOT}/docs/metrics.md").read()
sections = {}
for m in re.finditer(r"^### `([a-zA-Z_:][a-zA-Z0-9_:]*)`\n(.*?)(?=^#{1,3} |\Z)", doc, re.S | re.M):
    sections[m.group(1)] = m.group(2)
exposed = set(m1)
check("every exposed family is documented in docs/metrics.md", exposed <= set(sections),
      sorted(exposed - set(sections)))
check("every documented family is exposed", set(sections) <= exposed, sorted(set(sections) - exposed))
undocumented = []
for name, f in sorted(m1.items()):
    sec = sections.get(name, "")
    labels = {k for _, lab, _ in f["samples"] for k in lab if k != "le"}
    values = {(k, v) for _, lab, _ in f["samples"] for k, v in lab.items()
              if k not in ("le", "code", "version", "family")}
    bad = [k for k in labels if f"`{k}`" not in sec] + [f"{k}={v}" for k, v in values if f"`{v}`" not in sec]
    typed = f"Type: {f['type']}" in sec
    if bad or not typed:
        undocumented.append(f"{name}: {bad} type {f['type']}")
check("docs/metrics.md gives the type and every label and value of each family", not undocumented,
      undocumented[:3])

# ---- values --------------------------------------------------------------------------------------

s0, s1 = series(m0), series(m1)
back = [k for k, v in s0.items() if k in s1 and s1[k] < v
        and family_of(k[0], m1) in m1 and m1[family_of(k[0], m1)]["type"] in ("counter", "histogram")]
check("no counter or histogram series went down between scrapes", not back, back[:3])
gone_series = [k for k in s0 if k not in s1 and k[0] != "kazi_tls_certificate_expiry_timestamp_seconds"]
check("every series of the first scrape is still there", not gone_series, gone_series[:3])


def rose(label, fam_name, sample=None, by=1, **labels):
    a = value(m0, fam_name, sample, **labels) or 0
    b = value(m1, fam_name, sample, **labels)
    check(f"{label} rose", b is not None and b >= a + by, f"{a} -> {b}")


rose("kazi_http_requests_total{code=200}", "kazi_http_requests_total", code=200, by=8)
rose("kazi_http_requests_total{code=404}", "kazi_http_requests_total", code=404)
rose("kazi_http_requests_total{code=101}", "kazi_http_requests_total", code=101)
rose("kazi_http_request_duration_seconds_count", "kazi_http_request_duration_seconds",
     "kazi_http_request_duration_seconds_count", by=8)
for fam in ("crm", "user", "department", "tasks", "batch"):
    rose(f"REST {fam} 2xx", "kazi_rest_requests_total", family=fam, **{"class": "2xx"})
    rose(f"REST {fam} latency count", "kazi_rest_request_duration_seconds",
         "kazi_rest_request_duration_seconds_count", family=fam)
rose("REST crm 4xx (the missing lead)", "kazi_rest_requests_total", family="crm", **{"class": "4xx"})
rose("REST other 4xx (the unknown method)", "kazi_rest_requests_total", family="other", **{"class": "4xx"})
rose("REST crm 5xx (the rate-limited call)", "kazi_rest_requests_total", family="crm", **{"class": "5xx"})
rose("route rest 2xx", "kazi_http_route_requests_total", route="rest", **{"class": "2xx"})
rose("route live 1xx (WebSocket upgrades)", "kazi_http_route_requests_total", route="live", **{"class": "1xx"})
rose("route auth 4xx (failed sign-ins)", "kazi_http_route_requests_total", route="auth", **{"class": "4xx"})
rose("route ops 2xx (the first scrape)", "kazi_http_route_requests_total", route="ops", **{"class": "2xx"})
rose("route none 4xx (refused before routing)", "kazi_http_route_requests_total", route="none", **{"class": "4xx"})
rose("kazi_rate_limited_total{limit=rest}", "kazi_rate_limited_total", limit="rest")
rose("kazi_rate_limited_total{limit=login}", "kazi_rate_limited_total", limit="login")
rose("kazi_tls_handshake_failures_total", "kazi_tls_handshake_failures_total")
for lim in ("max_header", "max_body", "header_timeout", "connections"):
    rose(f"kazi_http_limit_refusals_total{{limit={lim}}}", "kazi_http_limit_refusals_total", limit=lim)
rose("kazi_http_connections_total{listener=http}", "kazi_http_connections_total", listener="http", by=10)
rose("kazi_http_connections_total{listener=https}", "kazi_http_connections_total", listener="https")
rose("kazi_db_statements_total{kind=read}", "kazi_db_statements_total", kind="read")
rose("kazi_db_statements_total{kind=write}", "kazi_db_statements_total", kind="write")
rose("kazi_db_seconds_total{kind=write}", "kazi_db_seconds_total", kind="write", by=1e-6)
rose("kazi_db_write_transactions_total{result=committed}", "kazi_db_write_transactions_total",
     result="committed", by=2)
rose("kazi_db_writer_wait_seconds_count", "kazi_db_writer_wait_seconds",
     "kazi_db_writer_wait_seconds_count", by=2)
rose("kazi_live_connections_total", "kazi_live_connections_total", by=3)
rose("kazi_live_events_published_total", "kazi_live_events_published_total")
rose("kazi_live_events_sent_total (WebSocket and SSE)", "kazi_live_events_sent_total", by=2)
rose("kazi_live_resyncs_total", "kazi_live_resyncs_total")
rose("process_cpu_seconds_total", "process_cpu_seconds_total", by=0.01)

now = time.time()
g = lambda fam, **lab: value(m1, fam, **lab)  # noqa: E731
check("live connections open: the WebSocket", (g("kazi_live_connections_open", transport="websocket") or 0) >= 1)
check("live connections open: the SSE stream", (g("kazi_live_connections_open", transport="sse") or 0) >= 1)
check("in-flight requests count the scrape and the SSE stream",
      (g("kazi_http_requests_in_flight") or 0) >= 2, g("kazi_http_requests_in_flight"))
check("connections open on the HTTP listener", (g("kazi_http_connections_open", listener="http") or 0) >= 2)
rss = g("process_resident_memory_bytes") or 0
check("resident memory is plausible (1 MB to 4 GB)", 1e6 < rss < 4e9, rss)
fds, maxfds = g("process_open_fds") or 0, g("process_max_fds") or 0
check("open descriptors are plausible", 5 < fds < maxfds, f"{fds} of {maxfds}")
check("threads are plausible", 2 <= (g("process_threads") or 0) < 1000, g("process_threads"))
start, up = g("process_start_time_seconds") or 0, g("kazi_uptime_seconds")
check("the start time is in the last hour", now - 3600 < start <= now + 1, start)
check("uptime matches the start time", up is not None and abs(now - start - up) < 30, f"{up} {now - start}")
check("kazi_build_info names this version", g("kazi_build_info", version=VERSION) == 1, VERSION)
exp = g("kazi_tls_certificate_expiry_timestamp_seconds") or 0
check("the certificate expires in the future (the generated one: 825 days)",
      now + 800 * 86400 < exp < now + 830 * 86400, exp)
check("the database file has a size", (g("kazi_db_file_size_bytes", file="database") or 0) > 4096)
check("the WAL size is reported", g("kazi_db_file_size_bytes", file="wal") is not None)
check("the disk is not full", g("kazi_db_storage_full") == 0)
check("no writer is queued at rest", g("kazi_db_writers_waiting") == 0)
check("the live backlog is small", (g("kazi_live_backlog_events") or 0) <= 16, g("kazi_live_backlog_events"))

hist_problems = []
for name, f in m1.items():
    if f["type"] != "histogram":
        continue
    by = {}
    for sname, lab, v in f["samples"]:
        key = tuple(sorted((k, w) for k, w in lab.items() if k != "le"))
        by.setdefault(key, {"b": [], "sum": None, "count": None})
        if sname.endswith("_bucket"):
            by[key]["b"].append((float(lab["le"].replace("Inf", "inf")), v))
        elif sname.endswith("_sum"):
            by[key]["sum"] = v
        elif sname.endswith("_count"):
            by[key]["count"] = v
    for key, h in by.items():
        les = [le for le, _ in h["b"]]
        counts = [c for _, c in h["b"]]
        if les != sorted(les) or not les or not math.isinf(les[-1]):
            hist_problems.append(f"{name}{key}: buckets out of order or no +Inf")
        if counts != sorted(counts):
            hist_problems.append(f"{name}{key}: buckets not cumulative")
        if not counts or counts[-1] != h["count"]:
            hist_problems.append(f"{name}{key}: +Inf != count")
        if h["sum"] is None or h["sum"] < 0 or (h["count"] == 0 and h["sum"] != 0):
            hist_problems.append(f"{name}{key}: bad sum")
check("histograms: buckets ordered and cumulative, +Inf equal to _count, sums plausible",
      not hist_problems, hist_problems[:3])

# ---- contrib ---------------------------------------------------------------------------------------

import yaml  # noqa: E402

names_ok = set()
for name, f in m1.items():
    names_ok.add(name)
    if f["type"] == "histogram":
        names_ok |= {name + "_bucket", name + "_sum", name + "_count"}
PROMQL_OK = {"up"}


def metric_names(expr):
    """Metric names in a PromQL expression: identifiers starting kazi_ or process_."""
    return set(re.findall(r"\b((?:kazi|process)_[a-zA-Z0-9_:]*)", expr))


alerts = yaml.safe_load(open(f"{ROOT}/contrib/prometheus/kazi-alerts.yml"))
rules = [r for grp in alerts["groups"] for r in grp["rules"]]
check("kazi-alerts.yml parses and has rules", len(rules) >= 8, len(rules))
unknown = {n for r in rules for n in metric_names(r["expr"]) if n not in names_ok}
check("every metric an alert uses is exposed", not unknown, sorted(unknown))
want = {"KaziDown", "KaziHigh5xxRatio", "KaziHighLatencyP99", "KaziDatabaseWriterWait",
        "KaziDatabaseBusy", "KaziMemoryNearLimit", "KaziFileDescriptorsNearLimit", "KaziRestarted",
        "KaziCertificateExpiresSoon"}
have = {r.get("alert") for r in rules}
check("the alert rules cover down, 5xx, p99, DB, RSS, fds, restarts and the certificate",
      want <= have, sorted(want - have))
for r in rules:
    ann = r.get("annotations", {})
    if not (ann.get("summary") and ann.get("description") and r.get("labels", {}).get("severity")):
        not_ok(f"alert {r.get('alert')} has a summary, a description and a severity")

dash = json.load(open(f"{ROOT}/contrib/grafana/kazi-dashboard.json"))
panels = []
stack = list(dash.get("panels", []))
while stack:
    p = stack.pop()
    panels.append(p)
    stack += p.get("panels", [])
exprs = [t["expr"] for p in panels for t in p.get("targets", []) if "expr" in t]
check("the dashboard parses and has panels with queries", len(exprs) >= 10, len(exprs))
unknown = {n for e in exprs for n in metric_names(e) if n not in names_ok}
check("every metric a dashboard panel uses is exposed", not unknown, sorted(unknown))
variables = dash.get("templating", {}).get("list", [])
check("the dashboard has a Prometheus data-source variable",
      any(v.get("type") == "datasource" and v.get("query") == "prometheus" for v in variables))
check("every panel uses the data-source variable",
      all(p.get("datasource", {}).get("uid") == "${datasource}" for p in panels if p.get("targets")))
scrape_cfg = yaml.safe_load(open(f"{ROOT}/contrib/prometheus/scrape.yml"))
jobs = scrape_cfg.get("scrape_configs", [])
check("scrape.yml parses and has a kazi job with /metrics",
      any(j.get("job_name") == "kazi" and j.get("metrics_path", "/metrics") == "/metrics" for j in jobs))

# ---- access: a relayed request is still refused under the default (loopback) -------------------
st = http_status(BASE + "/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
check("metrics = loopback still refuses a relayed request (403)", st == 403, st)

sys.exit(failed)
