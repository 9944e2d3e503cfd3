"""WebSocket client (python3-websockets). Usage: py_client.py URL [PROXY_HOST:PORT]
With a proxy it opens a CONNECT tunnel itself (websockets 10 has no proxy
support) and runs the WebSocket over that socket. Sends three messages, checks
the echoes, closes with 1000. Prints 'ok' and exits 0 on success."""
import asyncio
import socket
import sys
from urllib.parse import urlparse

import websockets

MESSAGES = ["hello from python", "compressible " * 200, b"\x00\x01binary\xff"]


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
    url = sys.argv[1]
    kwargs = {}
    if len(sys.argv) > 2:
        u = urlparse(url)
        kwargs["sock"] = connect_tunnel(sys.argv[2], u.hostname, u.port or 80)
    async with websockets.connect(url, open_timeout=5, **kwargs) as ws:
        print("extensions:", ws.response_headers.get("Sec-WebSocket-Extensions"), flush=True)
        for m in MESSAGES:
            await ws.send(m)
            echo = await asyncio.wait_for(ws.recv(), 5)
            if echo != m:
                raise RuntimeError(f"bad echo: {echo!r}")
        await ws.close(code=1000, reason="python done")
    print("ok", flush=True)


asyncio.run(asyncio.wait_for(main(), 15))
