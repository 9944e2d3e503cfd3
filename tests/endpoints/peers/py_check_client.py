#!/usr/bin/python3
"""python3-websockets client that checks an echo server (ours).

Usage: py_check_client.py URL [--deflate] [--big-mib N]
Prints one JSON object with the results; exit 0 when every check passed.
"""
import asyncio
import json
import sys

import websockets


async def main():
    url = sys.argv[1]
    deflate = "--deflate" in sys.argv
    big_mib = int(sys.argv[sys.argv.index("--big-mib") + 1]) if "--big-mib" in sys.argv else 16
    results = {}
    ok = True
    async with websockets.connect(url, max_size=None, compression="deflate" if deflate else None,
                                  subprotocols=["chat"], open_timeout=5, close_timeout=5) as ws:
        results["subprotocol"] = ws.subprotocol
        results["extensions"] = [e.name for e in ws.extensions]
        checks = [
            ("text", "hello \u03ba\u1f79\u03c3\u03bc\u03b5"),
            ("empty", ""),
            ("binary", bytes(range(256))),
            ("big", bytes((i * 7) & 0xFF for i in range(256)) * (big_mib * 4096)),
        ]
        for name, payload in checks:
            await ws.send(payload)
            answer = await asyncio.wait_for(ws.recv(), 15)
            results[name] = answer == payload
            ok = ok and results[name]
        pong = await ws.ping(b"xyz")
        await asyncio.wait_for(pong, 5)
        results["pong"] = True
        await ws.close(4001, "bye")
        results["close_code"] = ws.close_code
    ok = ok and results["close_code"] == 4001 and results["subprotocol"] == "chat"
    ok = ok and (("permessage-deflate" in results["extensions"]) == deflate)
    print(json.dumps(results), flush=True)
    sys.exit(0 if ok else 1)


asyncio.run(main())
