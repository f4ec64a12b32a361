"""Slow-client probe of a real ``prefkit serve``: N slowloris and N slow-body connections.

Half of the connections send request headers one byte every second (slowloris), the other half
send complete headers and then a body one byte every second (slow body). Meanwhile a normal
client asks ``/healthz`` every 0.5 s. Reported: how many slow connections the server still
holds open at 5, 15 and 25 s (the issue saw all 1,500 held at 25 s), and the normal client's
latency and failures while the probe runs.

Usage: python bench/slow_clients.py [--connections 1500] [--seconds 25] [--read-timeout 10]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

PREFKIT = Path(sys.executable).with_name("prefkit")


async def slow(port: int, kind: str, open_: list[asyncio.StreamWriter], stop: float) -> None:
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return
    open_.append(writer)
    head = b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
    if kind == "body":
        writer.write(head + b"Content-Length: 100000\r\n\r\n")
        drip = b"{" + b" " * 100_000
    else:
        drip = head + b"X-Slow: " + b"a" * 100_000
    try:
        for i in range(len(drip)):
            if time.monotonic() > stop or reader.at_eof():
                break
            writer.write(drip[i : i + 1])
            await writer.drain()
            await asyncio.sleep(1.0)
    except (ConnectionError, OSError):
        pass
    finally:
        open_.remove(writer)
        writer.close()


async def probe(base: str, port: int, n: int, seconds: float) -> dict[str, object]:
    open_: list[asyncio.StreamWriter] = []
    stop = time.monotonic() + seconds
    tasks = [
        asyncio.create_task(slow(port, "headers" if i % 2 else "body", open_, stop))
        for i in range(n)
    ]
    held: dict[int, int] = {}
    lat: list[float] = []
    failed = 0
    start = time.monotonic()
    async with httpx.AsyncClient(timeout=10) as client:
        while time.monotonic() < stop:
            t0 = time.perf_counter()
            try:
                r = await client.get(base + "/healthz")
                if r.status_code != 200:
                    failed += 1
                else:
                    lat.append(time.perf_counter() - t0)
            except httpx.HTTPError:
                failed += 1
            await asyncio.sleep(0.5)
            el = int(time.monotonic() - start)
            for mark in (5, 15, 25):
                if el >= mark and mark not in held:
                    held[mark] = len(open_)
    await asyncio.gather(*tasks)
    lat.sort()
    return {
        "held": held,
        "healthz_p50_ms": statistics.median(lat) * 1000 if lat else None,
        "healthz_max_ms": lat[-1] * 1000 if lat else None,
        "healthz_failed": failed,
        "healthz_ok": len(lat),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--connections", type=int, default=1500)
    ap.add_argument("--seconds", type=float, default=26.0)
    ap.add_argument("--read-timeout", type=float, default=10.0)
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="prefkit-slow-"))
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [str(PREFKIT), "serve", "--db", f"sqlite:///{tmp / 'slow.db'}", "--port", str(port),
         "--read-timeout", str(args.read_timeout)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        res = asyncio.run(probe(base, port, args.connections, args.seconds))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(
        f"{args.connections} slow connections (half slowloris, half slow body), "
        f"--read-timeout {args.read_timeout:g}"
    )
    print(f"  still held open by the server at 5 / 15 / 25 s: {res['held']}")
    print(
        f"  a normal client meanwhile: {res['healthz_ok']} ok, {res['healthz_failed']} failed, "
        f"p50 {res['healthz_p50_ms']:.1f} ms, max {res['healthz_max_ms']:.0f} ms"
    )
    print("  before the fix (the issue): all 1,500 held at 25 s")


if __name__ == "__main__":
    main()
