"""A big import on SQLite is staged: other writers keep going, readers see all of it or none."""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from prefkit.data import Judgment, import_sources, judgment_from_dict, open_store, write_records
from prefkit.errors import StoreError


def recs(n: int, prefix: str = "s", text: str = "x") -> list[Judgment]:
    return [
        judgment_from_dict(
            {
                "id": f"{prefix}-{i}",
                "prompt": f"question {prefix} {i}?",
                "responses": [{"id": "a", "text": f"{text} {i}"}, {"id": "b", "text": f"y {i}"}],
                "preference": "a",
                "annotator": "ann",
            }
        )
        for i in range(n)
    ]


def raw_count(db: Path, where: str = "") -> int:
    with sqlite3.connect(db) as c:
        return int(c.execute(f"SELECT COUNT(*) FROM judgments {where}").fetchone()[0])


def test_other_writers_go_on_and_readers_see_nothing_until_the_end(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    store = open_store(f"sqlite:///{db}")
    store.add_records(recs(5, "old"))
    seen: list[tuple[int, int, float]] = []

    def between_batches(done: int) -> None:
        # another process's writer, with a short busy timeout: it must not wait for the import
        other = sqlite3.connect(db, timeout=0.5)
        t0 = time.perf_counter()
        other.execute("INSERT INTO annotators (name) VALUES (?)", (f"writer-{done}",))
        other.commit()
        waited = time.perf_counter() - t0
        other.close()
        seen.append((done, store.count(), waited))

    res = store.add_records(recs(7000, "big"), progress=between_batches)
    assert res.added == 7000
    assert [d for d, _n, _w in seen] == [2000, 4000, 6000, 7000]
    assert all(n == 5 for _d, n, _w in seen)  # hidden while the import runs
    assert all(w < 0.5 for _d, _n, w in seen)
    assert store.count() == 7005 and len(store.records()) == 7005
    assert store.stats()["judgments"] == 7005
    store.close()


def test_a_failed_import_leaves_nothing(tmp_path: Path) -> None:
    db = tmp_path / "f.db"
    store = open_store(f"sqlite:///{db}")
    store.add_records(recs(3, "big", text="other"))  # big-0..2 stored with other content
    src = tmp_path / "in.jsonl"
    write_records(recs(6000, "new") + recs(3, "big"), src)  # the conflict is in the last batch
    with pytest.raises(StoreError, match="already stored with different content"):
        import_sources(store, [src])
    assert store.count() == 3 and raw_count(db) == 3  # the staged rows were deleted again
    with sqlite3.connect(db) as c:
        assert c.execute("SELECT COUNT(*) FROM imports").fetchone()[0] == 0
        assert c.execute("SELECT COUNT(*) FROM judgment_responses").fetchone()[0] == 6
    store.close()


def test_an_abandoned_import_stays_hidden_and_is_cleaned_up(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    store = open_store(f"sqlite:///{db}")
    store.add_records(recs(4500, "dead"))
    old = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=2)
    with store.engine.begin() as conn:  # as if its process had been killed before the end
        conn.execute(sa.text("UPDATE imports SET state = 'pending', heartbeat_at = :t"), {"t": old})
    assert store.count() == 0 and store.records() == [] and raw_count(db) == 4500
    store.add_records(recs(4100, "next"))  # the next staged import removes it first
    assert store.count() == 4100 and raw_count(db) == 4100
    store.close()
