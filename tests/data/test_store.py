"""The store, on SQLite and on a real PostgreSQL (see conftest.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa

from prefkit.data import Store, judgment_from_dict, open_store, read_records, write_records
from prefkit.data import _schema as schema
from prefkit.errors import StoreError

from .test_io import RECORDS


def recs() -> list:
    return [judgment_from_dict(r) for r in RECORDS]


def test_round_trip_is_identical(store: Store, tmp_path: Path) -> None:
    res = store.add_records(recs())
    assert (res.added, res.skipped) == (3, 0)
    back = store.records()
    assert [r.to_dict() for r in back] == RECORDS  # order, ids, nesting, unicode, timings
    out = tmp_path / "out.jsonl"
    write_records(back, out)
    assert [json.loads(line) for line in out.read_text().splitlines()] == RECORDS


def test_reimport_is_idempotent_and_conflicts_write_nothing(store: Store) -> None:
    store.add_records(recs())
    assert store.add_records(recs()).skipped == 3
    changed = judgment_from_dict({**RECORDS[0], "preference": "r2", "ranking": None})
    fresh = judgment_from_dict({**RECORDS[0], "id": "new-1"})
    with pytest.raises(StoreError, match="'j-1'.*nothing was written"):
        store.add_records([fresh, changed])
    assert store.count() == 3  # the fresh record was not written either


def test_responses_deduplicated_per_prompt(store: Store) -> None:
    a = judgment_from_dict(
        {
            "id": "a",
            "prompt": "P",
            "responses": [{"id": "r1", "text": "same"}, {"id": "r2", "text": "other"}],
            "preference": "r1",
        }
    )
    b = judgment_from_dict(
        {
            "id": "b",
            "prompt": "P",
            "responses": [{"id": "x", "text": "other"}, {"id": "y", "text": "same"}],
            "preference": "y",
        }
    )
    c = judgment_from_dict(
        {
            "id": "c",
            "prompt": "Q",
            "responses": [{"id": "x", "text": "same"}, {"id": "y", "text": "same"}],
            "preference": "tie",
        }
    )
    store.add_records([a, b, c])
    with store.engine.connect() as conn:
        n_resp = conn.execute(sa.select(sa.func.count()).select_from(schema.responses)).scalar()
        n_prompts = conn.execute(sa.select(sa.func.count()).select_from(schema.prompts)).scalar()
    assert (n_prompts, n_resp) == (2, 3)  # "same" under Q is another response than under P
    stats = store.stats()
    assert stats["ties"] == 1 and stats["degenerate"] == 1
    assert store.records() == [a, b, c]


def test_stats_counts(store: Store) -> None:
    store.add_records(recs())
    s = store.stats()
    assert s["judgments"] == 3
    assert s["by_source"] == {"ai": 1, "human": 2}
    assert s["by_annotator"] == {"(none)": 1, "ann-1": 1, "ann-2": 1}
    assert s["by_kind"] == {"pairwise": 2, "ranking": 1}
    assert s["by_criterion"] == {"helpfulness": 1}
    assert s["by_campaign"] == {"(none)": 2, "demo": 1}
    assert store.stats(campaign="demo")["judgments"] == 1
    assert [r.id for r in store.records(campaign="demo")] == ["j-1"]


def test_real_data_round_trip(store: Store, shared_data: Path) -> None:
    data = read_records(shared_data / "hh-rlhf" / "helpful-online" / "test.jsonl.gz")
    data += read_records(shared_data / "oasst-en100" / "en_100_tree.jsonl")
    data += read_records(shared_data / "squality" / "all-responses.jsonl")
    store.add_records(data)
    assert store.records() == data
    assert store.stats()["degenerate"] == 2


def test_migrations_match_the_tables(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    s = open_store(db_url)
    try:
        with s.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), schema.metadata)
        assert diff == []
    finally:
        s.close()


def test_sqlite_settings(tmp_path: Path) -> None:
    s = open_store(f"sqlite:///{tmp_path / 'x.db'}")
    with s.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    s.close()


def test_bad_urls_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="not a database URL"):
        open_store("not a url")
    with pytest.raises(StoreError, match="unsupported database 'mysql'"):
        open_store("mysql://u@localhost/x")
    with pytest.raises(StoreError, match="cannot open the store.*database server is running"):
        open_store("postgresql://nobody@127.0.0.1:1/none")


def test_default_url_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from prefkit.data import default_url

    monkeypatch.delenv("PREFKIT_DATABASE_URL", raising=False)
    assert default_url() == "sqlite:///./prefkit.db"
    monkeypatch.setenv("PREFKIT_DATABASE_URL", f"sqlite:///{tmp_path}/env.db")
    assert open_store().url.endswith("env.db")
