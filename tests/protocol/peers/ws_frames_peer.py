#!/usr/bin/python3
"""Interop peer for tst_interop_frames, using Debian's python3-websockets.

  ws_frames_peer.py server
      Echo server on 127.0.0.1 (OS-chosen port); prints "listening on 127.0.0.1:PORT".
      Every message is sent back unchanged (text as text, binary as binary).
  ws_frames_peer.py client URL
      Connects, sends the messages below (one fragmented with a ping interleaved
      by websockets itself), expects each echoed back unchanged, prints
      "ok N" per message and "done", exits 0; any mismatch exits 1.
"""
import asyncio
import sys

import websockets


def client_messages():
    return [
        "Hello",
        "h\u00e9llo \u20ac \U0001F600",
        b"",
        bytes(range(256)) * 4,
        bytes((i * 7) & 0xFF for i in range(70000)),
        ["frag", "mented \u00e9", " text"],  # sent as three frames
    ]


async def echo(ws, path=None):
    try:
        async for message in ws:
            await ws.send(message)
    except websockets.ConnectionClosed:
        pass


async def serve():
    async with websockets.serve(echo, "127.0.0.1", 0, compression=None,
                                max_size=16 * 1024 * 1024, ping_interval=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening on 127.0.0.1:{port}", flush=True)
        await asyncio.sleep(120)


async def client(url):
    async with websockets.connect(url, compression=None, max_size=16 * 1024 * 1024,
                                  ping_interval=None, open_timeout=10) as ws:
        for n, message in enumerate(client_messages()):
            await ws.send(message)
            expected = "".join(message) if isinstance(message, list) else message
            reply = await asyncio.wait_for(ws.recv(), 10)
            if reply != expected:
                print(f"mismatch {n}: {reply!r:.80} != {expected!r:.80}", flush=True)
                sys.exit(1)
            print(f"ok {n}", flush=True)
        await ws.close(1000, "bye")
    print("done", flush=True)


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "server":
        asyncio.run(serve())
    elif len(sys.argv) >= 3 and sys.argv[1] == "client":
        asyncio.run(client(sys.argv[2]))
    else:
        print(__doc__, file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
