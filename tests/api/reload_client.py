#!/usr/bin/env python3
"""Client side of tests/api/reload.sh: request load across SIGHUPs, TLS certificate
fingerprints seen by new and kept-alive connections, and a service-manager notify socket.

    reload_client.py load --pid P --http URL --https URL --hups N [--swap A_DIR B_DIR CERT KEY]
    reload_client.py fp URL                      sha256 of the certificate a new connection gets
    reload_client.py fpfile CERT.pem             sha256 of the first certificate in a PEM file
    reload_client.py keepalive --pid P --url URL --new-dir DIR --cert CERT --key KEY
    reload_client.py notify SOCKET OUT SECONDS   writes each datagram as one line to OUT

Results are printed as key=value lines for the shell to check. Every loop is bounded in count
and time. Only loopback addresses are used; only the given PID is signalled.
"""
import hashlib
import http.client
import os
import shutil
import signal
import socket
import ssl
import sys
import threading
import time
import urllib.parse


def tls_context():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx


def fingerprint_der(der):
    return ":".join("%02X" % b for b in hashlib.sha256(der).digest())


def connection(url, timeout=15):
    u = urllib.parse.urlsplit(url)
    if u.scheme == "https":
        return http.client.HTTPSConnection(u.hostname, u.port, timeout=timeout, context=tls_context())
    return http.client.HTTPConnection(u.hostname, u.port, timeout=timeout)


def get(conn, path="/healthz", close=False):
    conn.request("GET", path, headers={"Connection": "close"} if close else {})
    r = conn.getresponse()
    body = r.read()
    if r.status != 200 or b'"ok"' not in body:
        raise RuntimeError("status %d: %r" % (r.status, body[:200]))


def peer_fp(conn):
    return fingerprint_der(conn.sock.getpeercert(binary_form=True))


def fp_of_new_connection(url):
    conn = connection(url)
    try:
        conn.connect()
        fp = peer_fp(conn)
        get(conn, close=True)
        return fp
    finally:
        conn.close()


def fp_of_file(path):
    with open(path) as f:
        pem = f.read()
    end = pem.index("-----END CERTIFICATE-----") + len("-----END CERTIFICATE-----")
    return fingerprint_der(ssl.PEM_cert_to_DER_cert(pem[:end]))


def install_pair(src_dir, cert, key):
    """Replaces cert and key by the pair in src_dir, each by an atomic rename."""
    for name, dst in (("key.pem", key), ("cert.pem", cert)):
        tmp = dst + ".new"
        shutil.copyfile(os.path.join(src_dir, name), tmp)
        os.replace(tmp, dst)


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.ok = 0
        self.failed = 0
        self.first_error = ""

    def add(self, ok, err=""):
        with self.lock:
            if ok:
                self.ok += 1
            else:
                self.failed += 1
                self.first_error = self.first_error or err


def keepalive_client(url, stop, counter, limit):
    conn = connection(url)
    n = 0
    while not stop.is_set() and n < limit:
        n += 1
        try:
            get(conn)
            counter.add(True)
        except Exception as e:  # a dropped keep-alive connection is a failure here
            counter.add(False, "keep-alive %s: %r" % (url, e))
            conn.close()
            conn = connection(url)
    conn.close()


def fresh_client(url, stop, counter, limit):
    n = 0
    while not stop.is_set() and n < limit:
        n += 1
        conn = connection(url)
        try:
            get(conn, close=True)
            counter.add(True)
        except Exception as e:
            counter.add(False, "new connection %s: %r" % (url, e))
        finally:
            conn.close()


def cmd_load(args):
    swap = None
    if "--swap" in args:  # last, with its four arguments
        i = args.index("--swap")
        swap, args = args[i + 1 : i + 5], args[:i]
    opts = dict(zip(args[0::2], args[1::2]))
    pid, hups = int(opts["--pid"]), int(opts["--hups"])
    stop, counter, limit = threading.Event(), Counter(), 3000
    threads = []
    for url in (opts["--http"], opts["--https"]):
        for _ in range(3):
            threads.append(
                threading.Thread(target=keepalive_client, args=(url, stop, counter, limit), daemon=True)
            )
        threads.append(
            threading.Thread(target=fresh_client, args=(url, stop, counter, limit), daemon=True)
        )
    for t in threads:
        t.start()
    time.sleep(0.5)
    sent = 0
    try:
        for i in range(hups):
            if swap:
                install_pair(swap[i % 2], swap[2], swap[3])
            os.kill(pid, signal.SIGHUP)
            sent += 1
            time.sleep(0.5)
        time.sleep(0.5)
    except ProcessLookupError:
        counter.add(False, "kazi (pid %d) is gone after %d SIGHUP(s)" % (pid, sent))
    stop.set()
    for t in threads:
        t.join(60)
    print("requests=%d" % (counter.ok + counter.failed))
    print("failed=%d" % counter.failed)
    print("hups=%d" % sent)
    print("first_error=%s" % counter.first_error.replace("\n", " "))


def cmd_keepalive(args):
    opts = dict(zip(args[0::2], args[1::2]))
    url, pid = opts["--url"], int(opts["--pid"])
    kept = connection(url)
    get(kept)
    before = peer_fp(kept)
    print("before=%s" % before)
    install_pair(opts["--new-dir"], opts["--cert"], opts["--key"])
    os.kill(pid, signal.SIGHUP)
    want = fp_of_file(opts["--cert"])
    seen, deadline = "", time.time() + 20
    while time.time() < deadline:
        seen = fp_of_new_connection(url)
        if seen == want:
            break
        time.sleep(0.1)
    print("new_connection=%s" % seen)
    print("expected=%s" % want)
    try:
        get(kept)
        print("kept_request=ok")
    except Exception as e:
        print("kept_request=failed %r" % e)
    print("kept_fp=%s" % peer_fp(kept))
    kept.close()


def cmd_notify(sock_path, out_path, seconds):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(sock_path)
    deadline = time.time() + float(seconds)
    with open(out_path, "w") as out:
        while time.time() < deadline:
            s.settimeout(max(0.05, deadline - time.time()))
            try:
                msg = s.recv(4096).decode("utf-8", "replace")
            except socket.timeout:
                break
            out.write(msg.replace("\n", " | ") + "\n")
            out.flush()
            if "STOPPING=1" in msg:
                break
    s.close()
    os.unlink(sock_path)


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "load":
        cmd_load(args)
    elif cmd == "fp":
        print(fp_of_new_connection(args[0]))
    elif cmd == "fpfile":
        print(fp_of_file(args[0]))
    elif cmd == "keepalive":
        cmd_keepalive(args)
    elif cmd == "notify":
        cmd_notify(*args)
    else:
        sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
