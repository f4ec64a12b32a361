"""Load test of the workbench: N concurrent annotators submitting over HTTP to a real server.

Each simulated annotator signs in with its token, fetches its assignment and then submits
judgments as fast as the server answers (every submission returns the next assignment). 5 % of
submissions are sent twice at once with the same idempotency key (a double click). With
``--kill-after S`` the server is killed with SIGKILL S seconds in, restarted, and the clients
retry what was in flight with the same keys. At the end the store is checked: every
acknowledged submission must be there exactly once.

With ``--import-during N`` a ``prefkit import`` of N new records (a JSON-lines file written
beforehand) runs against the same store 2 s in, as a separate process, and the latency of the
submissions made while it runs is reported on its own; the run lasts until the import is done.

Usage: python bench/annotate_load.py [--annotators 50] [--seconds 10] [--db-url URL]
                                     [--kill-after S] [--pairs 4000] [--import-during 200000]
Prints submissions/s, p50/p99 latency, and lost / duplicated counts.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
PREFKIT = Path(sys.executable).with_name("prefkit")
RATIONALE = (
    "Response A answers what was asked and stays accurate, while B drifts off topic. So A wins."
)
CRITERIA = ("helpfulness", "harmlessness", "honesty")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def setup(db_url: str, annotators: int, pairs: int, overlap: int) -> dict[str, str]:
    from prefkit.annotate import (
        CampaignConfig,
        create_api_token,
        create_campaign,
        create_user,
        open_workbench,
    )
    from prefkit.data import judgment_from_dict

    rng = random.Random(0)
    words = [
        "the",
        "a",
        "model",
        "answer",
        "explains",
        "qubits",
        "gravity",
        "poem",
        "recipe",
        "code",
        "bug",
        "fix",
        "why",
        "how",
    ]
    recs = []
    for i in range(pairs):
        prompt = " ".join(rng.choices(words, k=12)) + f"? ({i})"
        recs.append(
            judgment_from_dict(
                {
                    "id": f"load-{i}",
                    "prompt": prompt,
                    "responses": [
                        {"id": "r1", "text": " ".join(rng.choices(words, k=80))},
                        {"id": "r2", "text": " ".join(rng.choices(words, k=80))},
                    ],
                    "preference": "r1",
                    "metadata": {"dataset": "load"},
                }
            )
        )
    with open_workbench(db_url) as store:
        store.add_records(recs)
        create_campaign(
            store,
            CampaignConfig(name="load", pairs={"dataset": "load"}, overlap=overlap, repeats=0.05),
        )
        tokens = {}
        with store.transaction() as tx:
            for k in range(annotators):
                create_user(tx.connection, f"ann-{k:03d}")
                tokens[f"ann-{k:03d}"] = create_api_token(tx.connection, f"ann-{k:03d}", "load")[1]
    return tokens


class Server:
    def __init__(self, db_url: str, log: Path, workers: int = 1) -> None:
        self.db_url, self.log, self.port, self.workers = db_url, log, free_port(), workers
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            return  # several workers: the supervisor replaced the killed one itself
        cmd = [str(PREFKIT), "serve", "--db", self.db_url, "--port", str(self.port)]
        if self.workers > 1:
            cmd += ["--workers", str(self.workers)]
        self.proc = subprocess.Popen(cmd, stdout=self.log.open("ab"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server did not start")

    def worker_pids(self) -> list[int]:
        """The worker processes under uvicorn's supervisor (not its resource tracker)."""
        assert self.proc is not None
        kids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        out = []
        for pid in map(int, kids):
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            if b"resource_tracker" not in cmdline:
                out.append(pid)
        return out

    def kill9(self) -> None:
        """SIGKILL the server; with several workers, one worker (the others keep serving)."""
        assert self.proc is not None
        if self.workers > 1:
            os.kill(self.worker_pids()[0], signal.SIGKILL)
            return
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(timeout=20)


class Conn:
    """A minimal HTTP/1.1 keep-alive client: the load generator must cost less than the server."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        data = b"" if body is None else json.dumps(body).encode()
        head = (
            f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {self.token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
        )
        try:
            self.writer.write(head.encode() + data)
            await self.writer.drain()
            assert self.reader is not None
            status_line = await self.reader.readline()
            if not status_line:
                raise ConnectionError("closed")
            status = int(status_line.split()[1])
            length = 0
            while (line := await self.reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            payload = await self.reader.readexactly(length) if length else b""
        except (OSError, ConnectionError, asyncio.IncompleteReadError, ValueError, IndexError):
            self.close()
            raise ConnectionError("request failed") from None
        return status, json.loads(payload) if payload else None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def annotator(
    port_of: Any,
    token: str,
    stop_at: float,
    acked: dict[str, str],
    lat: list[float],
    stats: dict[str, int],
    seed: int,
    marks: list[tuple[float, float]],
    running: Any = lambda: False,
) -> None:
    rng = random.Random(seed)
    conn = Conn(port_of(), token)
    twin = Conn(port_of(), token)

    async def call(c: Conn, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        while True:  # retry through a server restart, with the same body (and key)
            try:
                c.port = port_of()
                return await c.request(method, path, body)
            except ConnectionError:
                stats["retries"] += 1
                await asyncio.sleep(0.05)

    status, nxt = await call(conn, "GET", "/api/campaigns/load/assignment")
    while (time.monotonic() < stop_at or running()) and status == 200 and not nxt["finished"]:
        a = nxt["assignment"]
        body = {
            "key": uuid.uuid4().hex,
            "preference": rng.choice(["left", "right", "tie"]),
            "ratings": {
                c: {"left": rng.randint(1, 5), "right": rng.randint(1, 5)} for c in CRITERIA
            },
            "rationale": RATIONALE,
        }
        t0 = time.perf_counter()
        if rng.random() < 0.05:  # a double click: the same submission twice at once
            (status, res), (status2, res2) = await asyncio.gather(
                call(conn, "POST", f"/api/assignments/{a['id']}/submit", body),
                call(twin, "POST", f"/api/assignments/{a['id']}/submit", body),
            )
            stats["double_sent"] += 1
            if status2 == 200 and status != 200:
                status, res = status2, res2
        else:
            status, res = await call(conn, "POST", f"/api/assignments/{a['id']}/submit", body)
        lat.append(time.perf_counter() - t0)
        marks.append((t0, lat[-1]))
        if status != 200:
            stats[f"http_{status}"] = stats.get(f"http_{status}", 0) + 1
            break
        acked[body["key"]] = res["judgment_id"]
        nxt = res["next"]
    conn.close()
    twin.close()


def import_file(path: Path, n: int) -> None:
    """N records in prefkit's JSON-lines format, none of them in the store yet."""
    rng = random.Random(1)
    words = ["the", "a", "model", "answer", "explains", "qubits", "gravity", "poem", "recipe",
             "code", "bug", "fix", "why", "how"]  # fmt: skip
    with path.open("w") as f:
        for i in range(n):
            f.write(
                json.dumps(
                    {
                        "id": f"bulk-{i}",
                        "prompt": " ".join(rng.choices(words, k=12)) + f"? [{i}]",
                        "responses": [
                            {"id": "r1", "text": " ".join(rng.choices(words, k=60))},
                            {"id": "r2", "text": " ".join(rng.choices(words, k=60))},
                        ],
                        "preference": "r1",
                        "annotator": f"crowd-{i % 40}",
                        "metadata": {"dataset": "bulk"},
                    }
                )
                + "\n"
            )


class Importer:
    """``prefkit import`` in its own process, started ``after`` seconds into the run."""

    def __init__(self, db_url: str, path: Path | None, after: float = 2.0) -> None:
        self.db_url, self.path, self.after = db_url, path, after
        self.proc: subprocess.Popen[bytes] | None = None
        self.window: tuple[float, float] | None = None  # perf_counter start, end
        self.rc: int | None = None
        self.output = b""

    def running(self) -> bool:
        return self.path is not None and self.window is None

    async def run(self) -> None:
        if self.path is None:
            return
        await asyncio.sleep(self.after)
        t0 = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            str(PREFKIT), "import", str(self.path), "--db", self.db_url,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
        )  # fmt: skip
        self.output, _ = await proc.communicate()
        self.rc = proc.returncode
        self.window = (t0, time.perf_counter())


async def drive(
    server: Server,
    tokens: dict[str, str],
    seconds: float,
    kill_after: float | None,
    importer: Importer | None = None,
) -> tuple[dict[str, str], list[float], dict[str, int], float, list[tuple[float, float]]]:
    acked: dict[str, str] = {}
    lat: list[float] = []
    marks: list[tuple[float, float]] = []
    stats: dict[str, int] = {"retries": 0, "double_sent": 0, "kills": 0}
    start = time.monotonic()
    stop_at = start + seconds
    imp = importer or Importer("", None)

    async def killer() -> None:
        if kill_after is None:
            return
        await asyncio.sleep(kill_after)
        server.kill9()
        stats["kills"] += 1
        await asyncio.to_thread(server.start)

    tasks = [
        annotator(lambda: server.port, tok, stop_at, acked, lat, stats, i, marks, imp.running)
        for i, tok in enumerate(tokens.values())
    ]
    await asyncio.gather(killer(), imp.run(), *tasks)
    return acked, lat, stats, time.monotonic() - start, marks


def verify(db_url: str, acked: dict[str, str]) -> tuple[int, int, int]:
    from prefkit.annotate import open_workbench
    from prefkit.annotate import schema as w
    from prefkit.data import schema as t

    with open_workbench(db_url) as store, store.engine.connect() as conn:
        j, a = t.judgments, w.assignments
        stored = {r.id for r in conn.execute(sa.select(j.c.id).where(j.c.campaign == "load"))}
        lost = sum(1 for jid in set(acked.values()) if jid not in stored)
        keys = conn.execute(
            sa.select(a.c.submit_key, sa.func.count())
            .where(a.c.status == "done")
            .group_by(a.c.submit_key)
        ).all()
        dup_keys = sum(n - 1 for _k, n in keys if n > 1)
        per_assignment = conn.execute(
            sa.select(sa.func.count(), sa.func.count(sa.distinct(j.c.id))).where(
                j.c.campaign == "load"
            )
        ).one()
        dups = dup_keys + (per_assignment[0] - per_assignment[1])
    return len(stored), lost, dups


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--annotators", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--pairs", type=int, default=4000)
    ap.add_argument("--overlap", type=int, default=3)
    ap.add_argument("--db-url", default=None, help="default: a fresh SQLite file")
    ap.add_argument("--workers", type=int, default=1, help="server processes (PostgreSQL)")
    ap.add_argument("--kill-after", type=float, default=None, help="SIGKILL the server after S s")
    ap.add_argument(
        "--import-during",
        type=int,
        default=None,
        metavar="N",
        help="import N records into the same store while annotators submit",
    )
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="prefkit-load-"))
    url = args.db_url or f"sqlite:///{tmp / 'load.db'}"
    tokens = setup(url, args.annotators, args.pairs, args.overlap)
    importer = None
    if args.import_during:
        t0 = time.perf_counter()
        import_file(tmp / "bulk.jsonl", args.import_during)
        print(f"wrote {args.import_during} records to import in {time.perf_counter() - t0:.1f} s")
        importer = Importer(url, tmp / "bulk.jsonl")
    server = Server(url, tmp / "server.log", args.workers)
    server.start()
    try:
        acked, lat, stats, wall, marks = asyncio.run(
            drive(server, tokens, args.seconds, args.kill_after, importer)
        )
    finally:
        server.stop()
    stored, lost, dups = verify(url, acked)
    lat.sort()
    p50 = statistics.median(lat) * 1000 if lat else float("nan")
    p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000 if lat else float("nan")
    db = url.split(":")[0]
    killed = "one worker" if args.workers > 1 else "server"
    print(
        f"{args.annotators} annotators, {db}, {args.workers} worker(s), {wall:.1f} s"
        + (
            f", {killed} killed with SIGKILL at {args.kill_after} s and restarted"
            if args.kill_after
            else ""
        )
    )
    print(f"  acknowledged submissions: {len(acked)}  ({len(acked) / wall:.0f}/s)")
    print(
        f"  latency p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {lat[-1] * 1000 if lat else 0:.0f} ms"
    )
    print(
        f"  stored {stored}; lost {lost}; duplicated {dups}; double-sent {stats['double_sent']}; client retries {stats['retries']}"
    )
    other = {k: v for k, v in stats.items() if k.startswith("http_")}
    if other:
        print(f"  refused: {other}")
    if importer is not None and importer.window is not None:
        lo, hi = importer.window
        during = sorted(d for t0, d in marks if lo <= t0 <= hi)
        print(
            f"  import of {args.import_during} records: {hi - lo:.1f} s, exit {importer.rc}: "
            + importer.output.decode(errors="replace").strip().splitlines()[-1][:200]
        )
        if during:
            q = lambda p: during[min(len(during) - 1, int(len(during) * p))] * 1000  # noqa: E731
            print(
                f"  during the import: {len(during)} submissions ({len(during) / (hi - lo):.0f}/s), "
                f"p50 {q(0.5):.1f} ms, p99 {q(0.99):.1f} ms, max {during[-1] * 1000:.0f} ms"
            )
        else:
            print("  during the import: no submission completed")
        if importer.rc != 0:
            sys.exit(1)
    print("  reference: Label Studio on this machine, 36.6/s at p99 1.66 s (from the issue)")
    if lost or dups:
        sys.exit(1)
    os.environ.pop("X", None)


if __name__ == "__main__":
    main()
