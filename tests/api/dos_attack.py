#!/usr/bin/env python3
"""Bounded denial-of-service clients for tests/api/dos.sh. Loopback only.

    dos_attack.py slow PORT CONNS SECONDS [bare]
        Holds CONNS connections from 127.0.0.1 for SECONDS. Each sends a request line and
        then one more header line every 2 s, never finishing its headers (slowloris); with
        "bare" it sends nothing at all (a TLS listener waiting for a handshake). Connections
        the server closes are opened again at the next tick, as an attacker would. Prints
        "open=N max_open=N reconnects=N" at the end.

    dos_attack.py bodies PORT CONNS MIB PID ABORT_KB
        CONNS concurrent POSTs to /rest/server.time without credentials, each declaring a
        MIB MiB JSON body (half with Content-Length, half chunked) and sending it as fast as
        the server reads. Samples RssAnon of PID every 50 ms; stops every sender once it
        passes ABORT_KB (so a server that buffers everything cannot exhaust the machine).
        Prints "max_rss_kb=N statuses=..." with one entry per connection: the status code
        received, or "closed" when the server closed without an answer.
"""
import errno
import selectors
import socket
import sys
import threading
import time

HOST = "127.0.0.1"


def slow(port, conns, seconds, bare):
    sel = selectors.DefaultSelector()
    state = {}  # socket -> "connecting" | "open"
    reconnects = 0
    max_open = 0

    def open_one():
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setblocking(False)
        s.bind((HOST, 0))
        rc = s.connect_ex((HOST, port))
        if rc not in (0, errno.EINPROGRESS):
            s.close()
            return False
        state[s] = "connecting"
        sel.register(s, selectors.EVENT_WRITE)
        return True

    def drop(s):
        sel.unregister(s)
        del state[s]
        s.close()

    for _ in range(conns):
        open_one()
    deadline = time.monotonic() + seconds
    next_tick = time.monotonic() + 2
    while time.monotonic() < deadline:
        for key, ev in sel.select(timeout=0.2):
            s = key.fileobj
            if state.get(s) == "connecting" and ev & selectors.EVENT_WRITE:
                if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                    drop(s)
                    continue
                state[s] = "open"
                sel.modify(s, selectors.EVENT_READ)
                if not bare:
                    try:
                        s.send(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
                    except OSError:
                        drop(s)
            elif ev & selectors.EVENT_READ:
                try:
                    s.recv(4096)  # an answer or end of file: either way, done
                except OSError:
                    pass
                drop(s)
        max_open = max(max_open, sum(1 for v in state.values() if v == "open"))
        if time.monotonic() >= next_tick:
            next_tick += 2
            for s, st in list(state.items()):
                if st == "open" and not bare:
                    try:
                        s.send(b"X-Slow: 1\r\n")
                    except (BlockingIOError, InterruptedError):
                        pass
                    except OSError:
                        drop(s)
            missing = conns - len(state)
            for _ in range(missing):
                if open_one():
                    reconnects += 1
    n_open = sum(1 for v in state.values() if v == "open")
    for s in list(state):
        drop(s)
    print(f"open={n_open} max_open={max_open} reconnects={reconnects}")


def rss_anon_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("RssAnon:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def bodies(port, conns, mib, pid, abort_kb):
    size = mib * 1024 * 1024
    piece = b"0," * 32768  # 64 KiB of array elements
    stop = threading.Event()
    statuses = [None] * conns
    peak = [0]

    def sample():
        while not stop.is_set():
            r = rss_anon_kb(pid)
            peak[0] = max(peak[0], r)
            if r > abort_kb:
                stop.set()
            time.sleep(0.05)

    def sender(i):
        chunked = i % 2 == 1
        try:
            s = socket.create_connection((HOST, port), timeout=30)
        except OSError:
            statuses[i] = "refused"
            return
        s.settimeout(30)
        head = b"POST /rest/server.time HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        head += b"Transfer-Encoding: chunked\r\n\r\n" if chunked else b"Content-Length: %d\r\n\r\n" % size
        got = b""
        try:
            s.sendall(head + (b'6\r\n{"a":[\r\n' if chunked else b'{"a":['))
            sent = 6
            while sent < size - 2 and not stop.is_set():
                n = min(len(piece), size - 2 - sent)
                data = piece[:n]
                if chunked:
                    data = b"%x\r\n" % n + data + b"\r\n"
                s.sendall(data)
                sent += n
            if not stop.is_set():
                s.sendall(b"2\r\n0]\r\n0\r\n\r\n" if chunked else b"0]")
        except OSError:
            pass
        try:
            while b"\r\n" not in got:
                d = s.recv(4096)
                if not d:
                    break
                got += d
        except OSError:
            pass
        s.close()
        statuses[i] = got.split(b" ")[1].decode() if got.startswith(b"HTTP/1.") else "closed"

    sampler = threading.Thread(target=sample)
    sampler.start()
    threads = [threading.Thread(target=sender, args=(i,)) for i in range(conns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stop.set()
    sampler.join()
    print(f"max_rss_kb={peak[0]} statuses={','.join(str(s) for s in statuses)}")


def main():
    mode = sys.argv[1]
    if mode == "slow":
        slow(int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]),
             len(sys.argv) > 5 and sys.argv[5] == "bare")
    elif mode == "bodies":
        bodies(int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]),
               int(sys.argv[6]))
    else:
        sys.exit("usage: see the docstring")


if __name__ == "__main__":
    main()
