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
