#!/usr/bin/python3
"""An independent TLS peer (Python's ssl module, i.e. OpenSSL via CPython) for tst_tlssocket.

server CHAIN_PEM KEY_PEM [ALPN,...]
    listens on 127.0.0.1 (prints "listening on 127.0.0.1:PORT"), accepts one
    connection, prints "handshake sni=NAME alpn=PROTO version=V cipher=C",
    echoes everything until the peer ends its side, prints "echoed N", closes.
client PORT CA_PEM NAME NBYTES
    connects with SNI/verification NAME and ALPN http/1.1, prints
    "handshake alpn=PROTO version=V", sends NBYTES random bytes while reading
    the echo, prints "ok N" if the echo is byte-exact ("mismatch N" otherwise).
"""
import hashlib
import os
import select
import socket
import ssl
import sys
import time


def server(chain, key, alpn):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(chain, key)
    if alpn:
        ctx.set_alpn_protocols(alpn.split(","))
    seen = {}

    def on_sni(sock, name, context):
        seen["sni"] = name

    ctx.sni_callback = on_sni
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(15)
    print("listening on 127.0.0.1:%d" % listener.getsockname()[1], flush=True)
    raw, _ = listener.accept()
    raw.settimeout(15)
    conn = ctx.wrap_socket(raw, server_side=True)
    print("handshake sni=%s alpn=%s version=%s cipher=%s"
          % (seen.get("sni"), conn.selected_alpn_protocol(), conn.version(), conn.cipher()[0]), flush=True)
    total = 0
    while True:
        try:
            data = conn.recv(65536)
        except (ssl.SSLEOFError, ConnectionResetError):
            break
        if not data:
            break
        conn.sendall(data)
        total += len(data)
    print("echoed %d" % total, flush=True)
    conn.close()


def client(port, ca, name, nbytes):
    ctx = ssl.create_default_context(cafile=ca)
    ctx.set_alpn_protocols(["http/1.1"])
    raw = socket.create_connection(("127.0.0.1", port), timeout=15)
    conn = ctx.wrap_socket(raw, server_hostname=name)
    print("handshake alpn=%s version=%s" % (conn.selected_alpn_protocol(), conn.version()), flush=True)
    payload = os.urandom(nbytes)
    received = bytearray()
    sent = 0
    # One thread, non-blocking: an SSL object must not be used from two threads at once.
    conn.setblocking(False)
    deadline = time.monotonic() + 20
    while len(received) < nbytes and time.monotonic() < deadline:
        readable, writable, _ = select.select([conn], [conn] if sent < nbytes else [], [], 1)
        if writable:
            try:
                sent += conn.send(payload[sent:sent + 65536])
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                pass
        while readable or conn.pending():
            readable = []
            try:
                data = conn.recv(65536)
            except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                break
            if not data:
                deadline = 0
                break
            received.extend(data)
    same = hashlib.sha256(bytes(received)).digest() == hashlib.sha256(payload).digest()
    print(("ok %d" if same else "mismatch %d") % len(received), flush=True)
    conn.close()
    return 0 if same else 1


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(sys.argv[2], sys.argv[3], sys.argv[4] if len(sys.argv) > 4 else "")
    else:
        sys.exit(client(int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])))
