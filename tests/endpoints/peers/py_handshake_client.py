#!/usr/bin/python3
"""python3-websockets client that reports what the opening handshake agreed.

Usage: py_handshake_client.py URL [--subprotocols a,b] [--deflate] [--origin ORIGIN] [--wait-close]
Prints one JSON line: {"subprotocol": ..., "extensions": [...]} once open, or
{"status": CODE} when the server refused the upgrade. Without --wait-close it
then closes with 1000; with it, it waits for the server to close and prints
{"close_code": ..., "close_reason": ...}. Exit 0 unless something unexpected failed.
"""
import asyncio
import json
import sys

import websockets


def arg(name):
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None


async def main():
    url = sys.argv[1]
    protocols = [p for p in (arg("--subprotocols") or "").split(",") if p]
    kwargs = dict(compression="deflate" if "--deflate" in sys.argv else None, open_timeout=5, close_timeout=5)
    if protocols:
        kwargs["subprotocols"] = protocols
    if arg("--origin"):
        kwargs["origin"] = arg("--origin")
    try:
        ws = await websockets.connect(url, **kwargs)
    except websockets.exceptions.InvalidStatusCode as e:
        print(json.dumps({"status": e.status_code}), flush=True)
        return 0
    print(json.dumps({"subprotocol": ws.subprotocol, "extensions": [e.name for e in ws.extensions]}), flush=True)
    if "--wait-close" in sys.argv:
        try:
            await asyncio.wait_for(ws.wait_closed(), 20)
        except asyncio.TimeoutError:
            print(json.dumps({"timeout": True}), flush=True)
            return 1
        print(json.dumps({"close_code": ws.close_code, "close_reason": ws.close_reason}), flush=True)
    else:
        await ws.close(1000, "done")
    return 0


sys.exit(asyncio.run(main()))
