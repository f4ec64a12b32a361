"""A store made by the previous release upgrades in place with every row kept.

``golden/store-0002.sqlite`` was written by the release before migration 0003 (schema 0002):
42 records (30 HH-RLHF pairs, 12 SQuALITY records), two accounts and a 5-pair campaign.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import sqlalchemy as sa

from prefkit.data import open_store

GOLDEN = Path(__file__).parent / "golden" / "store-0002.sqlite"


def test_a_store_of_the_previous_release_upgrades_in_place(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(GOLDEN, db)
    raw = sa.create_engine(f"sqlite:///{db}")
    with raw.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == "0002"
        counts = {
            t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar()
            for t in ("judgments", "judgment_responses", "ratings", "users", "campaign_items")
        }
    raw.dispose()
    store = open_store(f"sqlite:///{db}")  # the judgment tables to the head
    with store.engine.connect() as conn:
        after = {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in counts}
    assert store.revision == "0007"
    assert after == counts and counts["judgments"] == 42
    recs = store.records()
    assert len(recs) == 42 and all(r.item is None and r.labels is None for r in recs)
    assert sum(1 for r in recs if r.ratings) == 3  # SQuALITY's three ratings records survived
    store.close()

    from prefkit.annotate import open_workbench, workbench_revision

    store = open_workbench(f"sqlite:///{db}")  # the workbench completes its own tables
    with store.engine.connect() as conn:
        after = {t: conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in counts}
        users = conn.execute(
            sa.text("SELECT name, role, credentials_at, invite_expires_at FROM users")
        ).fetchall()
        tokens = conn.execute(sa.text("SELECT COUNT(*) FROM api_tokens")).scalar()
        sessions = {r[1] for r in conn.execute(sa.text("PRAGMA table_info(sessions)"))}
    assert workbench_revision(store) == "w0001" and store.revision == "0007"
    assert after == counts
    assert sorted(u[:3] for u in users) == [("alice", "annotator", None), ("boss", "admin", None)]
    assert all(u[3] is not None for u in users)  # open invitations got a week, as 0006 gave
    assert tokens == 0 and "last_seen" in sessions
    store.close()


def test_downgrading_to_0002_keeps_every_row(tmp_path: Path) -> None:
    from alembic import command
    from alembic.config import Config

    from prefkit.data import read_records, sample_paths
    from prefkit.data._engine import MIGRATIONS as _MIGRATIONS

    url = f"sqlite:///{tmp_path / 'new.db'}"
    store = open_store(url)
    helpful = next(p for p in sample_paths() if "helpful" in p.name)
    store.add_records(read_records(helpful)[:20])
    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    with store.engine.connect() as conn:
        n = conn.execute(sa.text("SELECT COUNT(*) FROM judgment_responses")).scalar()
    assert n == 40  # two responses each: nothing cascaded away
    store.close()
