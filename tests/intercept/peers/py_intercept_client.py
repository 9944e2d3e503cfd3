"""python3-websockets client for the intercept tests.
Usage: py_intercept_client.py URL MESSAGES_JSON
Connects (permessage-deflate is offered by default), sends every message of the
JSON list in order, then reads until it receives the last one ("done") or 5 s
pass. Prints the negotiated extensions and then one JSON line with the list of
messages received, in order. websockets rejects invalid frames and bad
compressed data, so a clean run also proves the edits arrived well-formed."""
import asyncio
import json
import sys

import websockets


async def main():
    url, messages = sys.argv[1], json.loads(sys.argv[2])
    received = []
    async with websockets.connect(url, open_timeout=5, max_size=None) as ws:
        print("extensions:", ws.response_headers.get("Sec-WebSocket-Extensions"), flush=True)
        for m in messages:
            await ws.send(m)
        try:
            while True:
                got = await asyncio.wait_for(ws.recv(), 5)
                received.append(got if isinstance(got, str) else got.hex())
                if got == messages[-1]:
                    break
        except asyncio.TimeoutError:
            pass
        await ws.close(code=1000, reason="done")
    print("received:", json.dumps(received), flush=True)


asyncio.run(asyncio.wait_for(main(), 15))
