"""wss:// client (python3-websockets) through an intercepting HTTP proxy.
Usage: py_wss_client.py wss://HOST:PORT/PATH PROXY_HOST:PORT CA_FILE
Opens the CONNECT tunnel itself (websockets 10 has no proxy support), then TLS
over it trusting only CA_FILE (the relay's CA), sends three messages, checks the
echoes and closes with 1000. Prints 'ok' and exits 0 on success."""
import asyncio
import socket
import ssl
import sys
from urllib.parse import urlparse

import websockets

MESSAGES = ["hello from python over tls", "compressible " * 200, b"\x00\x01binary\xff"]


def connect_tunnel(proxy, host, port):
    phost, pport = proxy.rsplit(":", 1)
    s = socket.create_connection((phost, int(pport)), timeout=5)
    s.sendall(f"CONNECT {host}:{port} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(1)
        if not chunk:
            raise RuntimeError("proxy closed the connection")
        head += chunk
    if not head.startswith(b"HTTP/1.1 200"):
        raise RuntimeError("proxy refused: " + head.decode(errors="replace"))
    s.settimeout(None)
    return s


async def main():
    url, proxy, ca_file = sys.argv[1], sys.argv[2], sys.argv[3]
    u = urlparse(url)
    context = ssl.create_default_context(cafile=ca_file)  # only our CA: interception must work
    sock = connect_tunnel(proxy, u.hostname, u.port or 443)
    async with websockets.connect(url, sock=sock, ssl=context, server_hostname=u.hostname, open_timeout=5) as ws:
        for m in MESSAGES:
            await ws.send(m)
            echo = await asyncio.wait_for(ws.recv(), 5)
            if echo != m:
                raise RuntimeError(f"bad echo: {echo!r}")
        await ws.close(code=1000, reason="python done")
    print("ok", flush=True)


asyncio.run(asyncio.wait_for(main(), 15))
