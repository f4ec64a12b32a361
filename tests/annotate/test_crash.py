"""50 concurrent annotators, ``kill -9`` of the server mid-load, a restart: every acknowledged
submission is stored exactly once (SQLite and a real PostgreSQL). Uses bench/annotate_load.py."""

from __future__ import annotations

import asyncio
import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def load_bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "annotate_load", ROOT / "bench" / "annotate_load.py"
    )
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.slow
def test_acknowledged_submissions_survive_kill_9(db_url: str, tmp_path: Path) -> None:
    bench = load_bench()
    tokens = bench.setup(db_url, annotators=50, pairs=1500, overlap=3)
    server = bench.Server(db_url, tmp_path / "server.log")
    server.start()
    try:
        acked, latencies, stats, _wall, _marks = asyncio.run(
            bench.drive(server, tokens, seconds=6.0, kill_after=2.5)
        )
    finally:
        server.stop()
    assert stats["kills"] == 1
    assert stats["retries"] > 0  # requests really were cut off by the kill
    assert len(acked) > 200 and len(latencies) >= len(acked)
    assert not [k for k in stats if k.startswith("http_")], stats  # nothing refused
    stored, lost, duplicated = bench.verify(db_url, acked)
    assert (lost, duplicated) == (0, 0)
    assert stored >= len(set(acked.values()))


@pytest.mark.slow
def test_four_workers_on_postgresql_survive_a_worker_killed(pg_url: str, tmp_path: Path) -> None:
    """``prefkit serve --workers 4``: claims, keys and sessions hold across processes."""
    bench = load_bench()
    tokens = bench.setup(pg_url, annotators=50, pairs=1500, overlap=3)
    server = bench.Server(pg_url, tmp_path / "server.log", workers=4)
    server.start()
    try:
        assert len(server.worker_pids()) == 4
        acked, latencies, stats, _wall, _marks = asyncio.run(
            bench.drive(server, tokens, seconds=8.0, kill_after=3.0)
        )
        assert len(server.worker_pids()) == 4  # the killed worker was replaced
    finally:
        server.stop()
    assert stats["kills"] == 1
    assert len(acked) > 200 and len(latencies) >= len(acked)
    assert not [k for k in stats if k.startswith("http_")], stats
    stored, lost, duplicated = bench.verify(pg_url, acked)
    assert (lost, duplicated) == (0, 0)
    assert stored >= len(set(acked.values()))


def test_sqlite_refuses_several_workers(tmp_path: Path) -> None:
    import subprocess
    import sys

    prefkit = Path(sys.executable).with_name("prefkit")
    res = subprocess.run(
        [str(prefkit), "serve", "--db", f"sqlite:///{tmp_path / 'w.db'}", "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 1
    assert "--workers 2 needs PostgreSQL" in res.stderr and "postgresql://" in res.stderr


@pytest.mark.slow
def test_a_revoked_token_is_refused_by_every_worker(pg_url: str, tmp_path: Path) -> None:
    import httpx

    from prefkit.annotate import create_api_token, open_workbench, revoke_api_tokens

    bench = load_bench()
    bench.setup(pg_url, annotators=1, pairs=20, overlap=1)

    with open_workbench(pg_url) as store:
        token = create_api_token(store, "ann-000", "revoke me")[1]
        server = bench.Server(pg_url, tmp_path / "server.log", workers=3)
        server.start()
        try:
            url = f"http://127.0.0.1:{server.port}/api/campaigns"
            h = {"Authorization": f"Bearer {token}"}
            # a new connection per request: the kernel spreads them over the workers
            assert all(httpx.get(url, headers=h).status_code == 200 for _ in range(30))
            revoke_api_tokens(store, "ann-000")
            codes = {httpx.get(url, headers=h).status_code for _ in range(30)}
        finally:
            server.stop()
    assert codes == {401}
