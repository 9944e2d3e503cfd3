#!/usr/bin/python3
"""A WebSocket client that never answers: raw socket, opening handshake, then
it only reads (never sends a close back, never closes).

Usage: py_deaf_client.py HOST PORT
Prints "open" after the 101, "frame HEX" for what arrives, then "eof" (FIN)
or "reset" (RST) when the server ends the connection. Each line is flushed.
"""
import base64
import os
import socket
import sys


def main():
    host, port = sys.argv[1], int(sys.argv[2])
    s = socket.create_connection((host, port), timeout=20)
    key = base64.b64encode(os.urandom(16)).decode()
    s.sendall(("GET /deaf HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
               "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n" % (host, port, key)).encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(4096)
        if not chunk:
            print("eof", flush=True)
            return 1
        head += chunk
    if not head.startswith(b"HTTP/1.1 101"):
        print("refused", flush=True)
        return 1
    print("open", flush=True)
    rest = head.split(b"\r\n\r\n", 1)[1]
    if rest:
        print("frame " + rest.hex(), flush=True)
    while True:
        try:
            chunk = s.recv(4096)
        except ConnectionResetError:
            print("reset", flush=True)
            return 0
        except socket.timeout:
            print("timeout", flush=True)
            return 1
        if not chunk:
            print("eof", flush=True)
            return 0
        print("frame " + chunk.hex(), flush=True)


sys.exit(main())
