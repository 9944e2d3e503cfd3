"""WebSocket client (python3-websockets).
Usage: py_client.py URL [PROXY_HOST:PORT] [--ca CA_FILE]
With a proxy it opens a CONNECT tunnel itself (websockets 10 has no proxy
support) and runs the WebSocket over that socket. A wss:// URL is opened with
TLS trusting only CA_FILE (the relay's CA: through an intercepting proxy it
only works if the relay intercepts). Sends three messages, checks the echoes,
closes with 1000. Prints 'ok' and exits 0 on success."""
import argparse
import asyncio
import socket
import ssl
from urllib.parse import urlparse

import websockets


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


async def main(args):
    u = urlparse(args.url)
    tls = u.scheme == "wss"
    messages = ["hello from python" + (" over tls" if tls else ""), "compressible " * 200, b"\x00\x01binary\xff"]
    kwargs = {}
    if args.proxy:
        kwargs["sock"] = connect_tunnel(args.proxy, u.hostname, u.port or (443 if tls else 80))
    if tls:
        kwargs["ssl"] = ssl.create_default_context(cafile=args.ca)
        kwargs["server_hostname"] = u.hostname
    async with websockets.connect(args.url, open_timeout=5, **kwargs) as ws:
        print("extensions:", ws.response_headers.get("Sec-WebSocket-Extensions"), flush=True)
        for m in messages:
            await ws.send(m)
            echo = await asyncio.wait_for(ws.recv(), 5)
            if echo != m:
                raise RuntimeError(f"bad echo: {echo!r}")
        await ws.close(code=1000, reason="python done")
    print("ok", flush=True)


parser = argparse.ArgumentParser()
parser.add_argument("url")
parser.add_argument("proxy", nargs="?")
parser.add_argument("--ca", help="the only CA trusted for wss:// (PEM)")
asyncio.run(asyncio.wait_for(main(parser.parse_args()), 15))
