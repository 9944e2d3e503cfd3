"""Echo WebSocket server (python3-websockets, permessage-deflate on by default).
Prints 'listening on 127.0.0.1:PORT' and serves until killed or 30 s pass."""
import asyncio
import sys

import websockets


async def echo(ws, path=None):
    async for message in ws:
        await ws.send(message)


async def main():
    async with websockets.serve(echo, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on 127.0.0.1:{port}", flush=True)
        await asyncio.sleep(30)


asyncio.run(main())
