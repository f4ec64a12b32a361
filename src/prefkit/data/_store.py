"""The judgment store: SQLite by default, PostgreSQL by URL, the same code for both.

``open_store(url)`` connects, applies the Alembic migrations and returns a :class:`Store`.
Adding records is all-or-nothing: one transaction, nothing written if any record conflicts.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from prefkit.data import _schema as t
from prefkit.data._records import Judgment, Message, Response, Timings
from prefkit.errors import StoreError

__all__ = ["DEFAULT_URL", "AddResult", "Store", "default_url", "open_store"]

DEFAULT_URL = "sqlite:///./prefkit.db"
_MIGRATIONS = Path(__file__).with_name("migrations")
_CHUNK = 500  # rows per IN (...) lookup


def default_url() -> str:
    """``PREFKIT_DATABASE_URL`` if set, else ``sqlite:///./prefkit.db``."""
    return os.environ.get("PREFKIT_DATABASE_URL") or DEFAULT_URL


def _normalize_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")  # a committed judgment survives a crash
    cur.close()


def _create_engine(url: str) -> Engine:
    try:
        sa_url = sa.engine.make_url(url)
    except sa.exc.ArgumentError:
        raise StoreError(
            f"{url!r} is not a database URL; use sqlite:///path/to/file.db or "
            "postgresql://user:password@host:port/dbname"
        ) from None
    backend = sa_url.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise StoreError(f"unsupported database {backend!r}; expected sqlite or postgresql")
    if backend == "sqlite":
        db = sa_url.database
        if db and db != ":memory:" and not db.startswith("file:"):
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(sa_url)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return sa.create_engine(sa_url, pool_pre_ping=True)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision (a no-op when it is there already)."""
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with engine.begin() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        if current == head:
            return
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@dataclass
class AddResult:
    """What ``Store.add_records`` did: new judgments, and ones already stored identically."""

    added: int
    skipped: int

    def to_dict(self) -> dict[str, int]:
        return {"added": self.added, "skipped": self.skipped}


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def _kind(rec: Judgment) -> str:
    if rec.ranking is not None:
        return "ranking"
    if rec.preference is not None:
        return "pairwise"
    return "rating" if rec.ratings else "single"


def _num(value: float | None) -> int | float | None:
    if value is not None and float(value).is_integer():
        return int(value)
    return value


def _chunks(seq: Sequence[Any], n: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


class Store:
    """A judgment store on one database. Use :func:`open_store` to get one."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.dialect = engine.dialect.name

    # ---------------------------------------------------------------------------- writing

    def _insert(self, table: sa.Table) -> Any:
        if self.dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        return insert(table).on_conflict_do_nothing()

    def add_records(
        self,
        records: Iterable[Judgment],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> AddResult:
        """Store records in one transaction: all of them, or none if any conflicts.

        A record whose id is already stored with the same content is skipped (importing a file
        twice is harmless); the same id with different content raises :class:`StoreError`.
        Records without an id get their content id (see ``assign_ids``).
        """
        recs = list(records)
        missing = [i for i, r in enumerate(recs) if r.id is None]
        for i in missing:
            recs[i] = recs[i].with_id("j-" + recs[i].content_hash()[:16])
        ids = [r.id for r in recs]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise StoreError(f"record id {dup!r} appears twice in one batch; ids must be unique")
        hashes = [r.content_hash() for r in recs]
        with self.engine.begin() as conn:
            existing = self._existing(conn, ids)
            conflicts = [i for i, h in zip(ids, hashes, strict=True) if i in existing and existing[i] != h]
            if conflicts:
                raise StoreError(
                    f"{len(conflicts)} record id(s) already stored with different content, e.g. "
                    f"{conflicts[0]!r}; nothing was written. Give the new records other ids, or "
                    "remove the old ones first"
                )
            new = [(r, h) for r, h in zip(recs, hashes, strict=True) if r.id not in existing]
            self._write(conn, new, progress)
        return AddResult(added=len(new), skipped=len(recs) - len(new))

    def _existing(self, conn: Connection, ids: list[str]) -> dict[str, str]:
        found: dict[str, str] = {}
        j = t.judgments
        for chunk in _chunks(ids):
            q = sa.select(j.c.id, j.c.content_hash).where(j.c.id.in_(chunk))
            found.update({row.id: row.content_hash for row in conn.execute(q)})
        return found

    def _write(
        self,
        conn: Connection,
        new: list[tuple[Judgment, str]],
        progress: Callable[[int], None] | None,
    ) -> None:
        prompts: dict[str, dict[str, Any]] = {}
        responses: dict[str, dict[str, Any]] = {}
        annotators: dict[str, dict[str, Any]] = {}
        campaigns: dict[str, dict[str, Any]] = {}
        jrows, jrrows, rrows = [], [], []
        dumps = json.dumps
        for rec, chash in new:
            prompt: Any = (
                rec.prompt
                if isinstance(rec.prompt, str)
                else [{"role": m.role, "content": m.content} for m in rec.prompt]
            )
            phash = _digest(dumps(prompt, ensure_ascii=False))
            if phash not in prompts:
                prompts[phash] = {
                    "hash": phash,
                    "content": prompt,
                    "is_chat": not isinstance(prompt, str),
                }
            rank = {rid: i for i, rid in enumerate(rec.ranking)} if rec.ranking else {}
            for pos, resp in enumerate(rec.responses):
                rhash = _digest(phash + "\x00" + resp.text)
                if rhash not in responses:
                    responses[rhash] = {"hash": rhash, "prompt_hash": phash, "text": resp.text}
                jrrows.append(
                    {
                        "judgment_id": rec.id,
                        "position": pos,
                        "local_id": resp.id,
                        "response_hash": rhash,
                        "model": resp.model,
                        "rank": rank.get(resp.id),
                    }
                )
            if rec.ratings:
                pos = 0
                for criterion, by_id in rec.ratings.items():
                    for rid, value in by_id.items():
                        rrows.append(
                            {
                                "judgment_id": rec.id,
                                "criterion": criterion,
                                "local_id": rid,
                                "value": value,
                                "position": pos,
                            }
                        )
                        pos += 1
            if rec.annotator is not None and rec.annotator not in annotators:
                annotators[rec.annotator] = {"name": rec.annotator, "kind": rec.source}
            campaign = rec.metadata.get("campaign")
            campaign = campaign if isinstance(campaign, str) and campaign else None
            if campaign is not None and campaign not in campaigns:
                campaigns[campaign] = {"name": campaign, "config": None}
            tm = rec.timings
            jrows.append(
                {
                    "id": rec.id,
                    "prompt_hash": phash,
                    "kind": _kind(rec),
                    "n_responses": len(rec.responses),
                    "preference": rec.preference,
                    "strength": rec.strength,
                    "rationale": rec.rationale,
                    "annotator": rec.annotator,
                    "campaign": campaign,
                    "shown": list(rec.shown) if rec.shown is not None else None,
                    "source": rec.source,
                    "meta": rec.metadata,
                    "started_at": tm.started_at if tm else None,
                    "submitted_at": tm.submitted_at if tm else None,
                    "duration_ms": tm.duration_ms if tm else None,
                    "has_timings": tm is not None,
                    "degenerate": rec.degenerate,
                    "content_hash": chash,
                }
            )
        for table, rows in (
            (t.prompts, list(prompts.values())),
            (t.responses, list(responses.values())),
            (t.annotators, list(annotators.values())),
            (t.campaigns, list(campaigns.values())),
        ):
            for chunk in _chunks(rows, 5000):
                conn.execute(self._insert(table), list(chunk))
        done = 0
        for chunk in _chunks(jrows, 5000):
            conn.execute(t.judgments.insert(), list(chunk))
            done += len(chunk)
            if progress is not None:
                progress(done)
        for table, rows in ((t.judgment_responses, jrrows), (t.ratings, rrows)):
            for chunk in _chunks(rows, 10000):
                conn.execute(table.insert(), list(chunk))

    # ---------------------------------------------------------------------------- reading

    def count(self, *, campaign: str | None = None) -> int:
        q = sa.select(sa.func.count()).select_from(t.judgments)
        if campaign is not None:
            q = q.where(t.judgments.c.campaign == campaign)
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    def iter_records(
        self, *, campaign: str | None = None, batch_size: int = 2000
    ) -> Iterator[Judgment]:
        """Every stored judgment as a canonical record, in insertion order, in batches."""
        j = t.judgments
        last = 0
        with self.engine.connect() as conn:
            while True:
                q = sa.select(j).where(j.c.pk > last).order_by(j.c.pk).limit(batch_size)
                if campaign is not None:
                    q = q.where(j.c.campaign == campaign)
                rows = conn.execute(q).all()
                if not rows:
                    return
                last = rows[-1].pk
                yield from self._assemble(conn, rows)

    def records(self, *, campaign: str | None = None) -> list[Judgment]:
        return list(self.iter_records(campaign=campaign))

    def _assemble(self, conn: Connection, rows: Sequence[Any]) -> list[Judgment]:
        ids = [r.id for r in rows]
        jr, rs, rt, pr = t.judgment_responses, t.responses, t.ratings, t.prompts
        resp: dict[str, list[Any]] = {i: [] for i in ids}
        q = (
            sa.select(jr.c.judgment_id, jr.c.local_id, jr.c.model, jr.c.rank, rs.c.text)
            .join(rs, rs.c.hash == jr.c.response_hash)
            .where(jr.c.judgment_id.in_(ids))
            .order_by(jr.c.judgment_id, jr.c.position)
        )
        for r in conn.execute(q):
            resp[r.judgment_id].append(r)
        rats: dict[str, list[Any]] = {}
        q = sa.select(rt).where(rt.c.judgment_id.in_(ids)).order_by(rt.c.judgment_id, rt.c.position)
        for r in conn.execute(q):
            rats.setdefault(r.judgment_id, []).append(r)
        hashes = list({r.prompt_hash for r in rows})
        prompts = {
            p.hash: p.content
            for p in conn.execute(sa.select(pr.c.hash, pr.c.content).where(pr.c.hash.in_(hashes)))
        }
        out = []
        for row in rows:
            content = prompts[row.prompt_hash]
            prompt = (
                content
                if isinstance(content, str)
                else [Message.model_construct(role=m["role"], content=m["content"]) for m in content]
            )
            rlist = resp[row.id]
            ranked = [x for x in rlist if x.rank is not None]
            ratings = None
            if row.id in rats:
                ratings = {}
                for x in rats[row.id]:
                    ratings.setdefault(x.criterion, {})[x.local_id] = x.value
            timings = None
            if row.has_timings:
                timings = Timings.model_construct(
                    started_at=row.started_at,
                    submitted_at=row.submitted_at,
                    duration_ms=_num(row.duration_ms),
                )
            out.append(
                Judgment.model_construct(
                    id=row.id,
                    prompt=prompt,
                    responses=[
                        Response.model_construct(id=x.local_id, text=x.text, model=x.model)
                        for x in rlist
                    ],
                    preference=row.preference,
                    ranking=[x.local_id for x in sorted(ranked, key=lambda x: x.rank)]
                    if ranked
                    else None,
                    strength=_num(row.strength),
                    ratings=ratings,
                    rationale=row.rationale,
                    annotator=row.annotator,
                    shown=row.shown,
                    source=row.source,
                    metadata=row.meta,
                    timings=timings,
                )
            )
        return out

    def stats(self, *, campaign: str | None = None) -> dict[str, Any]:
        """Counts for ``prefkit stats``: judgments by source, annotator, kind and criterion."""
        j, rt = t.judgments, t.ratings
        where = [j.c.campaign == campaign] if campaign is not None else []

        def grouped(col: Any) -> dict[str, int]:
            q = sa.select(col, sa.func.count()).where(*where).group_by(col).order_by(col)
            return {str(k) if k is not None else "(none)": int(n) for k, n in conn.execute(q)}

        with self.engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(j).where(*where))
            n = int(total.scalar_one())
            ties = conn.execute(
                sa.select(sa.func.count()).where(j.c.preference == "tie", *where)
            ).scalar_one()
            degenerate = conn.execute(
                sa.select(sa.func.count()).where(j.c.degenerate.is_(True), *where)
            ).scalar_one()
            crit_q = (
                sa.select(rt.c.criterion, sa.func.count(sa.distinct(rt.c.judgment_id)))
                .join(j, j.c.id == rt.c.judgment_id)
                .where(*where)
                .group_by(rt.c.criterion)
                .order_by(rt.c.criterion)
            )
            by_criterion = {str(k): int(v) for k, v in conn.execute(crit_q)}
            prompts = conn.execute(
                sa.select(sa.func.count(sa.distinct(j.c.prompt_hash))).where(*where)
            ).scalar_one()
            responses = conn.execute(
                sa.select(sa.func.count(sa.distinct(t.judgment_responses.c.response_hash)))
                .join(j, j.c.id == t.judgment_responses.c.judgment_id)
                .where(*where)
            ).scalar_one()
            return {
                "database": self.safe_url,
                "campaign": campaign,
                "judgments": n,
                "prompts": int(prompts),
                "responses": int(responses),
                "ties": int(ties),
                "degenerate": int(degenerate),
                "by_kind": grouped(j.c.kind),
                "by_source": grouped(j.c.source),
                "by_annotator": grouped(j.c.annotator),
                "by_campaign": grouped(j.c.campaign),
                "by_criterion": by_criterion,
            }

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden."""
        return self.engine.url.render_as_string(hide_password=True)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(url: str | None = None, *, migrate_schema: bool = True) -> Store:
    """Open (and create or upgrade) the store at ``url``; default: :func:`default_url`.

    ``postgresql://`` URLs use psycopg 3. Raises :class:`StoreError` for a bad URL or an
    unreachable server, naming the URL (password hidden) and the fix.
    """
    raw = url or default_url()
    engine = _create_engine(_normalize_url(raw))
    if migrate_schema:
        try:
            migrate(engine)
        except sa.exc.OperationalError as exc:
            engine.dispose()
            shown = engine.url.render_as_string(hide_password=True)
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise StoreError(
                f"cannot open the store at {shown}: {reason}. Check the URL (--db or "
                "PREFKIT_DATABASE_URL) and that the database server is running"
            ) from None
    return Store(engine, raw)
