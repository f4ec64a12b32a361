"""A database made by the release whose workbench tables lived in ``prefkit.data`` upgrades in
place: the workbench takes its tables over with every row kept, on SQLite and PostgreSQL.

The databases in ``golden/`` were written by that release (schema 0007, commit 2eccfd9; see
``golden/build_release_store.py``): 22 judgments, a 6-pair campaign, boss, alice and a disabled
carol, two API tokens, a session, and alice with two judgments submitted and a draft saved.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from prefkit.annotate import (
    create_app,
    list_api_tokens,
    list_users,
    open_workbench,
    workbench_revision,
)
from prefkit.data import open_store

GOLDEN = Path(__file__).parent / "golden"
TABLES = (
    "prompts",
    "responses",
    "judgments",
    "judgment_responses",
    "ratings",
    "campaigns",
    "users",
    "api_tokens",
    "sessions",
    "campaign_units",
    "campaign_items",
    "campaign_members",
    "assignments",
)
RATIONALE = "A answers the question that was asked and stays accurate. B wanders off, so A wins."


def _golden_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if backend == "sqlite":
        db = tmp_path / "release.db"
        shutil.copy(GOLDEN / "store-0007.sqlite", db)
        return f"sqlite:///{db}"
    import psycopg

    url = str(request.getfixturevalue("pg_url"))
    dump = (GOLDEN / "store-0007.postgresql.sql").read_text(encoding="utf-8")
    with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as conn:
        conn.execute(dump)  # type: ignore[arg-type]  # a trusted file: many statements
    return url


def _counts(url: str) -> dict[str, int]:
    eng = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with eng.connect() as conn:
            return {
                t: int(conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar()) for t in TABLES
            }
    finally:
        eng.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_database_of_the_previous_release_upgrades_in_place(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = _golden_url(backend, request, tmp_path)
    before = _counts(url)
    assert before["judgments"] == 22 and before["users"] == 3 and before["api_tokens"] == 2
    assert before["sessions"] == 1 and before["assignments"] >= 3

    with open_store(url) as store:  # the judgment store alone leaves the workbench's rows be
        assert store.revision == "0007" and store.count() == 22
        assert workbench_revision(store) is None
    store = open_workbench(url)
    try:
        assert store.revision == "0007" and workbench_revision(store) == "w0001"
        assert _counts(url) == before  # every row kept
        users = {u["name"]: u for u in list_users(store)}
        assert sorted(users) == ["alice", "boss", "carol"]
        assert users["carol"]["disabled"] and not users["alice"]["disabled"]
        assert users["alice"]["invitation"] == "used" and users["alice"]["api_tokens"] == 1
        assert sorted(t.label for t in list_api_tokens(store)) == ["ci", "script"]

        # alice's API token still works, and she goes on where she stopped: the draft is there
        from prefkit.annotate import create_api_token

        token = create_api_token(store, "alice", "after upgrade")[1]
        h = {"Authorization": f"Bearer {token}"}
        with TestClient(create_app(store)) as c:
            r = c.get("/api/campaigns/demo/assignment", headers=h)
            assert r.status_code == 200, r.text
            a = r.json()["assignment"]
            assert a["draft"] == {"rationale": "half written", "preference": "tie"}
            ratings = {k["name"]: {"left": 3, "right": 3} for k in a["criteria"]}
            body = {"key": uuid.uuid4().hex, "preference": "tie", "ratings": ratings,
                    "rationale": RATIONALE}  # fmt: skip
            r = c.post(f"/api/assignments/{a['id']}/submit", json=body, headers=h)
            assert r.status_code == 200, r.text
        assert store.count(campaign="demo") == 3
        # opening again is a no-op
        assert _counts(url)["judgments"] == 23
    finally:
        store.close()
    with open_workbench(url) as again:
        assert workbench_revision(again) == "w0001" and again.count() == 23


def test_a_fresh_database_gets_both_schemas(db_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from prefkit.annotate import schema as w
    from prefkit.data import schema as t

    with open_workbench(db_url) as store, store.engine.connect() as conn:
        assert (store.revision, workbench_revision(store)) == ("0007", "w0001")
        # each schema's migrations make exactly its tables, and neither sees the other's
        ctx = MigrationContext.configure(conn, opts={"include_name": _only(w.metadata)})
        assert compare_metadata(ctx, w.metadata) == []
        ctx = MigrationContext.configure(conn, opts={"include_name": _only(t.metadata)})
        assert compare_metadata(ctx, t.metadata) == []
        assert not set(w.metadata.tables) & set(t.metadata.tables)


def _only(metadata: sa.MetaData):  # type: ignore[no-untyped-def]
    return lambda name, type_, _parent: type_ != "table" or name in metadata.tables


def test_the_store_knows_nothing_of_the_workbench() -> None:
    from prefkit.data import schema as t

    assert not {"users", "sessions", "api_tokens", "assignments"} & set(t.metadata.tables)
    assert not any(n.startswith("campaign_") for n in t.metadata.tables)
    assert not {"users", "sessions", "assignments"} & set(dir(t))
