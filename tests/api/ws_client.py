"""A small WebSocket client over raw sockets (RFC 6455), for the live channel's tests and
benchmark: the handshake with any headers, masked frames of any shape (also malformed ones),
and a reader that answers pings. Standard library only."""
import base64
import hashlib
import json
import os
import socket
import struct
import threading
import time
import urllib.request

GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def login(base, email, password):
    """Signs in through /api/auth/login; returns the session cookie value."""
    req = urllib.request.Request(
        base + "/api/auth/login",
        data=json.dumps({"email": email, "password": password}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(req, timeout=30) as r:
        for k, v in r.getheaders():
            if k.lower() == "set-cookie" and v.startswith("kazi_session="):
                return v.split(";")[0].split("=", 1)[1]
    raise RuntimeError("no session cookie")


def rest(url, params):
    """POSTs JSON params to a REST URL (a webhook path + method); returns the decoded reply."""
    req = urllib.request.Request(
        url, data=json.dumps(params).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return json.loads(r.read())
    except urllib.error.HTTPError as e:
        return json.loads(e.read() or b"{}")


def frame(opcode, payload, fin=True, mask=True, rsv=0):
    """One frame as bytes; the client masks unless told not to."""
    b0 = (0x80 if fin else 0) | (rsv << 4) | opcode
    n = len(payload)
    if n < 126:
        head = struct.pack("!BB", b0, (0x80 if mask else 0) | n)
    elif n < 65536:
        head = struct.pack("!BBH", b0, (0x80 if mask else 0) | 126, n)
    else:
        head = struct.pack("!BBQ", b0, (0x80 if mask else 0) | 127, n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    body = bytes(b ^ key[i % 4] for i, b in enumerate(payload)) if n < 4096 else _mask_big(payload, key)
    return head + key + body


def _mask_big(payload, key):
    k = int.from_bytes(key * ((len(payload) + 3) // 4), "big")
    p = int.from_bytes(payload + b"\0" * (-len(payload) % 4), "big")
    return (p ^ k).to_bytes(len(payload) + (-len(payload) % 4), "big")[: len(payload)]


class _Stream:
    """What both clients share: the request and its answer's head, waiting on what the reader
    thread collected, closing."""

    def _request(self, lines, cookie, origin, headers):
        if cookie:
            lines.append(f"Cookie: kazi_session={cookie}")
        if origin:
            lines.append(f"Origin: {origin}")
        lines += headers or []
        self.sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                break
            buf += chunk
        head, _, self.buf = buf.partition(b"\r\n\r\n")
        first = head.split(b"\r\n")[0].decode(errors="replace").split()
        self.status = int(first[1]) if len(first) > 1 else 0
        self.headers = {}
        for line in head.split(b"\r\n")[1:]:
            k, _, v = line.decode(errors="replace").partition(":")
            self.headers[k.strip().lower()] = v.strip()

    def wait(self, pred, timeout):
        """Waits until pred(self) holds (under the lock); returns whether it did."""
        end = time.time() + timeout
        with self.lock:
            while not pred(self):
                left = end - time.time()
                if left <= 0:
                    return False
                self.lock.wait(left)
            return True

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


class WS(_Stream):
    """A connection. status is the handshake's HTTP status; when 101, messages (text frames
    decoded as JSON), pings and the close code are collected by a reader thread (read=True),
    which answers pings unless pong=False."""

    def __init__(self, host, port, path="/live", cookie=None, origin=None, headers=None, read=True,
                 pong=True, rcvbuf=None, timeout=30):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        self.sock.settimeout(timeout)
        self.sock.connect((host, port))
        key = base64.b64encode(os.urandom(16)).decode()
        lines = [
            f"GET {path} HTTP/1.1",
            f"Host: {host}:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {key}",
            "Sec-WebSocket-Version: 13",
        ]
        self._request(lines, cookie, origin, headers)
        want = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
        self.accept_ok = self.headers.get("sec-websocket-accept") == want
        self.messages = []
        self.pings = 0
        self.close_code = None
        self.closed = False
        self.pong = pong
        self.lock = threading.Condition()
        self.thread = None
        if self.status == 101 and read:
            self.start_reading()

    def start_reading(self):
        self.thread = threading.Thread(target=self._reader, daemon=True)
        self.thread.start()

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError:
            pass

    def _recv_exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def read_frame(self):
        b0, b1 = self._recv_exact(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._recv_exact(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._recv_exact(8))[0]
        return b0 & 0x0F, self._recv_exact(n)

    def _reader(self):
        self.sock.settimeout(None)
        try:
            while True:
                op, payload = self.read_frame()
                with self.lock:
                    if op == 1:
                        self.messages.append(json.loads(payload))
                    elif op == 9:
                        self.pings += 1
                        if self.pong:
                            self.send(frame(0xA, payload))
                    elif op == 8:
                        self.close_code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                        self.send(frame(8, payload[:2]))
                    self.lock.notify_all()
                if op == 8:
                    break
        except (EOFError, OSError, ValueError):
            pass
        with self.lock:
            self.closed = True
            self.lock.notify_all()


    def events(self, name=None):
        with self.lock:
            return [m for m in self.messages if name is None or m.get("event") == name]


class SSE(_Stream):
    """A GET /live/sse stream: status, headers, and the events parsed by a reader thread from
    the chunked body (each {"id": str or None, "data": decoded JSON}); comments are counted."""

    def __init__(self, host, port, path="/live/sse", cookie=None, origin=None, headers=None, timeout=30):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Accept: text/event-stream"]
        self._request(lines, cookie, origin, headers)
        self.events, self.comments, self.closed = [], 0, False
        self.lock = threading.Condition()
        if self.status == 200:
            threading.Thread(target=self._reader, daemon=True).start()

    def _more(self):
        c = self.sock.recv(65536)
        if not c:
            raise EOFError
        self.buf += c

    def _reader(self):
        self.sock.settimeout(None)
        text = b""
        try:
            while True:
                while b"\r\n" not in self.buf:
                    self._more()
                size_line, _, self.buf = self.buf.partition(b"\r\n")
                size = int(size_line.split(b";")[0], 16)
                while len(self.buf) < size + 2:
                    self._more()
                text += self.buf[:size]
                self.buf = self.buf[size + 2:]
                if size == 0:
                    break
                while b"\n\n" in text:
                    block, _, text = text.partition(b"\n\n")
                    ev = {"id": None, "data": None}
                    comment = False
                    for line in block.decode().split("\n"):
                        if line.startswith(":"):
                            comment = True
                        elif line.startswith("id: "):
                            ev["id"] = line[4:]
                        elif line.startswith("data: "):
                            ev["data"] = json.loads(line[6:])
                    with self.lock:
                        if ev["data"] is not None:
                            self.events.append(ev)
                        elif comment:
                            self.comments += 1
                        self.lock.notify_all()
        except (EOFError, OSError, ValueError):
            pass
        with self.lock:
            self.closed = True
            self.lock.notify_all()

