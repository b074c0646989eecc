#!/usr/bin/env python3
"""Sends raw bytes to an HTTP listener and reports what came back, for tests of request
framing that curl refuses to produce.

    http_raw.py PORT [WAIT] < request-bytes

Prints every status line received (one per response), then "closed" when the server closed
the connection or "open" when it was still open after WAIT seconds (default 3) of silence."""
import re
import socket
import sys

port = int(sys.argv[1])
wait = float(sys.argv[2]) if len(sys.argv) > 2 else 3.0
data = sys.stdin.buffer.read()
s = socket.create_connection(("127.0.0.1", port), timeout=10)
s.sendall(data)
s.settimeout(wait)
got = b""
state = "open"
while True:
    try:
        chunk = s.recv(65536)
    except socket.timeout:
        break
    except ConnectionResetError:
        state = "closed"
        break
    if not chunk:
        state = "closed"
        break
    got += chunk
s.close()
for m in re.finditer(rb"HTTP/1\.[01] [0-9]{3}[^\r\n]*", got):
    print(m.group(0).decode("latin-1"))
print(state)
