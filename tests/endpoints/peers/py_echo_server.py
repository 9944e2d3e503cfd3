#!/usr/bin/python3
"""Echo server on python3-websockets (Debian) for interop tests.

Prints "listening on 127.0.0.1:PORT". Text "close:CODE" closes with CODE;
text "ping-me" pings the client and answers "got pong" or "no pong".
Options: --no-deflate.
"""
import asyncio
import sys

import websockets


async def handler(ws, path=None):
    try:
        async for msg in ws:
            if isinstance(msg, str) and msg.startswith("close:"):
                await ws.close(int(msg[6:]), "requested")
                return
            if msg == "ping-me":
                waiter = await ws.ping(b"abc")
                try:
                    await asyncio.wait_for(waiter, 1.0)
                    await ws.send("got pong")
                except asyncio.TimeoutError:
                    await ws.send("no pong")
                continue
            await ws.send(msg)
    except websockets.ConnectionClosed:
        pass


async def main():
    compression = None if "--no-deflate" in sys.argv else "deflate"
    async with websockets.serve(handler, "127.0.0.1", 0, max_size=None, compression=compression,
                                subprotocols=["chat"]) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on 127.0.0.1:{port}", flush=True)
        await asyncio.Future()


asyncio.run(main())
