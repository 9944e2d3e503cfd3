"""A client that sends its CONNECT request and its TLS ClientHello in one
write, before the proxy answers (as a client with TCP Fast Open or an eager
tunnel implementation does), then upgrades to a WebSocket inside the tunnel,
sends one masked text frame and checks the echo.
Usage: py_pipelined_tls.py HOST:PORT PROXY_HOST:PORT --ca CA_FILE [--name SNI]
Prints 'ok' and exits 0 on success; otherwise prints what went wrong, exit 1."""
import argparse
import os
import socket
import ssl
import struct
import sys


def pump_handshake(sock, tls, incoming, outgoing):
    while True:
        try:
            tls.do_handshake()
            break
        except ssl.SSLWantReadError:
            pending = outgoing.read()
            if pending:
                sock.sendall(pending)
            data = sock.recv(65536)
            if not data:
                raise RuntimeError("proxy closed during the TLS handshake")
            incoming.write(data)
    pending = outgoing.read()
    if pending:
        sock.sendall(pending)


def tls_send(sock, tls, outgoing, data):
    tls.write(data)
    sock.sendall(outgoing.read())


def tls_recv_until(sock, tls, incoming, done):
    buf = b""
    while not done(buf):
        try:
            chunk = tls.read(65536)
            if not chunk:
                raise RuntimeError("TLS stream ended")
            buf += chunk
            continue
        except ssl.SSLWantReadError:
            pass
        data = sock.recv(65536)
        if not data:
            raise RuntimeError("proxy closed the connection; got %r" % buf)
        incoming.write(data)
    return buf


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("target")
    parser.add_argument("proxy")
    parser.add_argument("--ca", required=True)
    parser.add_argument("--name", default=None)
    args = parser.parse_args()
    host, port = args.target.rsplit(":", 1)
    name = args.name or host
    phost, pport = args.proxy.rsplit(":", 1)

    ctx = ssl.create_default_context(cafile=args.ca)
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls = ctx.wrap_bio(incoming, outgoing, server_hostname=name)
    try:
        tls.do_handshake()
    except ssl.SSLWantReadError:
        pass
    hello = outgoing.read()

    sock = socket.create_connection((phost, int(pport)), timeout=10)
    connect = f"CONNECT {args.target} HTTP/1.1\r\nHost: {args.target}\r\n\r\n".encode()
    sock.sendall(connect + hello)  # one write: the proxy gets both at once

    head = b""
    while b"\r\n\r\n" not in head:
        data = sock.recv(65536)
        if not data:
            raise RuntimeError("proxy closed before answering CONNECT")
        head += data
    head, rest = head.split(b"\r\n\r\n", 1)
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError("proxy refused: %r" % head)
    incoming.write(rest)
    pump_handshake(sock, tls, incoming, outgoing)

    key = "dGhlIHNhbXBsZSBub25jZQ=="
    tls_send(sock, tls, outgoing,
             f"GET /pipelined HTTP/1.1\r\nHost: {name}:{port}\r\nUpgrade: websocket\r\n"
             f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n".encode())
    response = tls_recv_until(sock, tls, incoming, lambda b: b"\r\n\r\n" in b)
    if not response.startswith(b"HTTP/1.1 101"):
        raise RuntimeError("no upgrade: %r" % response)
    after = response.split(b"\r\n\r\n", 1)[1]

    payload = b"pipelined hello"
    mask = os.urandom(4)
    masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    tls_send(sock, tls, outgoing, bytes([0x81, 0x80 | len(payload)]) + mask + masked)
    frame = after
    if len(frame) < 2 + len(payload):
        frame += tls_recv_until(sock, tls, incoming, lambda b: len(after + b) >= 2 + len(payload))
    if frame[0] != 0x81 or frame[1] != len(payload) or frame[2:2 + len(payload)] != payload:
        raise RuntimeError("bad echo: %r" % frame)
    # close 1000
    body = struct.pack("!H", 1000)
    mask = os.urandom(4)
    tls_send(sock, tls, outgoing, bytes([0x88, 0x80 | len(body)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(body)))
    try:
        tls_recv_until(sock, tls, incoming, lambda b: len(b) >= 4)
    except RuntimeError:
        pass
    sock.close()
    print("ok", flush=True)


try:
    main()
except Exception as e:  # noqa: BLE001 - the test prints what went wrong
    print("error:", e, flush=True)
    sys.exit(1)
