#!/usr/bin/env python3
"""Helpers for tests/api/package.sh.

  notify SOCKET LOG SECONDS   a datagram listener standing in for systemd's NOTIFY_SOCKET:
                              every message (READY=1, RELOADING=1...) is appended to LOG, one
                              assignment a line; it stops by itself after SECONDS
  load URL SECONDS MAX        GET URL from 4 threads, a new connection a request, about 40
                              a second each, until SECONDS pass or MAX requests were made;
                              prints "requests N failed F in S s" and the first failures
"""
import http.client
import os
import socket
import sys
import threading
import time
import urllib.parse


def notify(path, log, seconds):
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    os.chmod(path, 0o777)  # the service runs as its own user
    deadline = time.monotonic() + seconds
    with open(log, "a", buffering=1) as out:
        while time.monotonic() < deadline:
            sock.settimeout(max(0.1, deadline - time.monotonic()))
            try:
                data = sock.recv(65536)
            except socket.timeout:
                continue
            for line in data.decode("utf-8", "replace").splitlines():
                out.write(line + "\n")


def load(url, seconds, max_requests):
    u = urllib.parse.urlsplit(url)
    start = time.monotonic()
    deadline = start + seconds
    lock = threading.Lock()
    counts = {"requests": 0, "failed": 0}
    failures = []

    def worker():
        while time.monotonic() < deadline:
            with lock:
                if counts["requests"] >= max_requests:
                    return
                counts["requests"] += 1
            try:
                conn = http.client.HTTPConnection(u.hostname, u.port, timeout=20)
                conn.request("GET", u.path or "/")
                res = conn.getresponse()
                res.read()
                conn.close()
                ok = res.status == 200
                why = "status %d" % res.status
            except OSError as e:
                ok, why = False, repr(e)
            if not ok:
                with lock:
                    counts["failed"] += 1
                    if len(failures) < 5:
                        failures.append(why)
            time.sleep(0.025)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    print(
        "requests %d failed %d in %.1f s"
        % (counts["requests"], counts["failed"], time.monotonic() - start)
    )
    for f in failures:
        print("# failure: " + f)


if __name__ == "__main__":
    if sys.argv[1] == "notify":
        notify(sys.argv[2], sys.argv[3], float(sys.argv[4]))
    elif sys.argv[1] == "load":
        load(sys.argv[2], float(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit("usage: package_helpers.py notify|load ...")
