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


def _construct(d: dict[str, Any]) -> Judgment:
    # The store holds validated records only: rebuild without validating again.
    prompt = d["prompt"]
    if not isinstance(prompt, str):
        prompt = [Message.model_construct(role=m["role"], content=m["content"]) for m in prompt]
    tm = d.get("timings")
    return Judgment.model_construct(
        **{
            **d,
            "prompt": prompt,
            "responses": [Response.model_construct(**r) for r in d["responses"]],
            "timings": Timings.model_construct(**tm) if tm is not None else None,
        }
    )


class Store:
    """A judgment store on one database. Use :func:`open_store` to get one."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.dialect = engine.dialect.name

    # ---------------------------------------------------------------------------- writing

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
        ids = [str(r.id) for r in recs]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise StoreError(f"record id {dup!r} appears twice in one batch; ids must be unique")
        hashes = [r.content_hash() for r in recs]
        with self.engine.begin() as conn:
            existing = self._existing(conn, ids)
            conflicts = [
                i for i, h in zip(ids, hashes, strict=True) if i in existing and existing[i] != h
            ]
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

    def _bulk(
        self,
        conn: Connection,
        table: sa.Table,
        cols: tuple[str, ...],
        rows: list[tuple[Any, ...]],
        *,
        ignore_conflicts: bool = False,
    ) -> None:
        # Plain DBAPI executemany with positional tuples: SQLAlchemy's per-row parameter
        # processing costs more than SQLite's own insert work at this volume.
        if not rows:
            return
        mark = "?" if self.dialect == "sqlite" else "%s"
        sql = (
            f"INSERT INTO {table.name} ({', '.join(cols)}) VALUES ({', '.join([mark] * len(cols))})"
        )
        if ignore_conflicts:
            sql += " ON CONFLICT DO NOTHING"
        for chunk in _chunks(rows, 10000):
            conn.exec_driver_sql(sql, list(chunk))

    def _json(self) -> Callable[[Any], Any]:
        if self.dialect == "postgresql":
            from psycopg.types.json import Json

            return lambda v: None if v is None else Json(v)
        dumps = json.dumps
        return lambda v: None if v is None else dumps(v, ensure_ascii=False)

    def _write(
        self,
        conn: Connection,
        new: list[tuple[Judgment, str]],
        progress: Callable[[int], None] | None,
    ) -> None:
        prompts: dict[str, tuple[Any, ...]] = {}
        responses: dict[str, tuple[Any, ...]] = {}
        annotators: dict[str, tuple[Any, ...]] = {}
        campaigns: dict[str, tuple[Any, ...]] = {}
        jrows: list[tuple[Any, ...]] = []
        jrrows: list[tuple[Any, ...]] = []
        rrows: list[tuple[Any, ...]] = []
        dumps = json.dumps
        as_json = self._json()
        prompt_keys: dict[Any, str] = {}
        for rec, chash in new:
            if isinstance(rec.prompt, str):
                prompt: Any = rec.prompt
                key: Any = rec.prompt
            else:
                prompt = [{"role": m.role, "content": m.content} for m in rec.prompt]
                key = None
            phash = prompt_keys.get(key) if key is not None else None
            if phash is None:
                phash = _digest(dumps(prompt, ensure_ascii=False))
                if key is not None:
                    prompt_keys[key] = phash
            if phash not in prompts:
                prompts[phash] = (phash, as_json(prompt), not isinstance(prompt, str))
            rank = {rid: i for i, rid in enumerate(rec.ranking)} if rec.ranking else {}
            rid_ = rec.id
            for pos, resp in enumerate(rec.responses):
                rhash = _digest(phash + "\x00" + resp.text)
                if rhash not in responses:
                    responses[rhash] = (rhash, phash, resp.text)
                jrrows.append((rid_, pos, resp.id, rhash, resp.model, rank.get(resp.id)))
            if rec.ratings:
                pos = 0
                for criterion, by_id in rec.ratings.items():
                    for local, value in by_id.items():
                        rrows.append((rid_, criterion, local, value, pos))
                        pos += 1
            if rec.annotator is not None and rec.annotator not in annotators:
                annotators[rec.annotator] = (rec.annotator, rec.source)
            campaign = rec.metadata.get("campaign")
            campaign = campaign if isinstance(campaign, str) and campaign else None
            if campaign is not None and campaign not in campaigns:
                campaigns[campaign] = (campaign,)
            tm = rec.timings
            jrows.append(
                (
                    rid_,
                    phash,
                    _kind(rec),
                    len(rec.responses),
                    rec.preference,
                    rec.strength,
                    rec.rationale,
                    rec.annotator,
                    campaign,
                    as_json(list(rec.shown) if rec.shown is not None else None),
                    rec.source,
                    as_json(rec.metadata),
                    tm.started_at if tm else None,
                    tm.submitted_at if tm else None,
                    tm.duration_ms if tm else None,
                    tm is not None,
                    rec.degenerate,
                    chash,
                )
            )
        self._bulk(
            conn,
            t.prompts,
            ("hash", "content", "is_chat"),
            list(prompts.values()),
            ignore_conflicts=True,
        )
        self._bulk(
            conn,
            t.responses,
            ("hash", "prompt_hash", "text"),
            list(responses.values()),
            ignore_conflicts=True,
        )
        self._bulk(
            conn, t.annotators, ("name", "kind"), list(annotators.values()), ignore_conflicts=True
        )
        self._bulk(conn, t.campaigns, ("name",), list(campaigns.values()), ignore_conflicts=True)
        cols = (
            "id",
            "prompt_hash",
            "kind",
            "n_responses",
            "preference",
            "strength",
            "rationale",
            "annotator",
            "campaign",
            "shown",
            "source",
            "meta",
            "started_at",
            "submitted_at",
            "duration_ms",
            "has_timings",
            "degenerate",
            "content_hash",
        )
        for i, chunk in enumerate(_chunks(jrows, 10000)):
            self._bulk(conn, t.judgments, cols, list(chunk))
            if progress is not None:
                progress(min((i + 1) * 10000, len(jrows)))
        self._bulk(
            conn,
            t.judgment_responses,
            ("judgment_id", "position", "local_id", "response_hash", "model", "rank"),
            jrrows,
        )
        self._bulk(
            conn, t.ratings, ("judgment_id", "criterion", "local_id", "value", "position"), rrows
        )

    # ---------------------------------------------------------------------------- reading

    def count(self, *, campaign: str | None = None) -> int:
        q = sa.select(sa.func.count()).select_from(t.judgments)
        if campaign is not None:
            q = q.where(t.judgments.c.campaign == campaign)
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    def iter_dicts(
        self, *, campaign: str | None = None, batch_size: int = 5000
    ) -> Iterator[dict[str, Any]]:
        """Every stored judgment as its canonical JSON object, in insertion order."""
        last = 0
        mark = "?" if self.dialect == "sqlite" else "%s"
        cols = (
            "pk, id, prompt_hash, preference, strength, rationale, annotator, shown, source, "
            "meta, started_at, submitted_at, duration_ms, has_timings"
        )
        where = f" AND campaign = {mark}" if campaign is not None else ""
        sql = (
            f"SELECT {cols} FROM judgments WHERE pk > {mark}{where} ORDER BY pk "
            f"LIMIT {int(batch_size)}"
        )
        with self.engine.connect() as conn:
            while True:
                params = (last, campaign) if campaign is not None else (last,)
                rows = conn.exec_driver_sql(sql, params).fetchall()
                if not rows:
                    return
                last = rows[-1][0]
                yield from self._assemble(conn, rows)

    def iter_records(
        self, *, campaign: str | None = None, batch_size: int = 5000
    ) -> Iterator[Judgment]:
        """Every stored judgment as a canonical record, in insertion order, in batches."""
        for d in self.iter_dicts(campaign=campaign, batch_size=batch_size):
            yield _construct(d)

    def records(self, *, campaign: str | None = None) -> list[Judgment]:
        return list(self.iter_records(campaign=campaign))

    def _assemble(self, conn: Connection, rows: Sequence[Any]) -> list[dict[str, Any]]:
        loads: Callable[[Any], Any] = (
            (lambda v: None if v is None else json.loads(v))
            if self.dialect == "sqlite"
            else (lambda v: v)
        )
        mark = "?" if self.dialect == "sqlite" else "%s"
        lo, hi = rows[0][0], rows[-1][0]
        # One range join per child table instead of an IN list: the batch is a pk range.
        rng = f"j.pk >= {mark} AND j.pk <= {mark}"
        resp: dict[str, list[Any]] = {}
        for jid, local, model, rank, text in conn.exec_driver_sql(
            "SELECT jr.judgment_id, jr.local_id, jr.model, jr.rank, r.text "
            "FROM judgments j JOIN judgment_responses jr ON jr.judgment_id = j.id "
            f"JOIN responses r ON r.hash = jr.response_hash WHERE {rng} "
            "ORDER BY j.pk, jr.position",
            (lo, hi),
        ):
            resp.setdefault(jid, []).append((local, model, rank, text))
        rats: dict[str, dict[str, dict[str, int]]] = {}
        for jid, criterion, local, value in conn.exec_driver_sql(
            "SELECT rt.judgment_id, rt.criterion, rt.local_id, rt.value "
            f"FROM judgments j JOIN ratings rt ON rt.judgment_id = j.id WHERE {rng} "
            "ORDER BY j.pk, rt.position",
            (lo, hi),
        ):
            rats.setdefault(jid, {}).setdefault(criterion, {})[local] = value
        prompts = {
            h: loads(c)
            for h, c in conn.exec_driver_sql(
                "SELECT p.hash, p.content FROM prompts p WHERE p.hash IN "
                f"(SELECT j.prompt_hash FROM judgments j WHERE {rng})",
                (lo, hi),
            )
        }
        out = []
        for (
            _pk,
            jid,
            phash,
            pref,
            strength,
            rationale,
            annotator,
            shown,
            source,
            meta,
            started,
            submitted,
            duration,
            has_timings,
        ) in rows:
            rlist = resp[jid]
            ranked = sorted((x for x in rlist if x[2] is not None), key=lambda x: x[2])
            d: dict[str, Any] = {
                "id": jid,
                "prompt": prompts[phash],
                "responses": [{"id": x[0], "text": x[3], "model": x[1]} for x in rlist],
                "preference": pref,
                "ranking": [x[0] for x in ranked] if ranked else None,
                "strength": _num(strength),
                "ratings": rats.get(jid),
                "rationale": rationale,
                "annotator": annotator,
                "shown": loads(shown),
                "source": source,
                "metadata": loads(meta),
            }
            if has_timings:
                d["timings"] = {
                    "started_at": started,
                    "submitted_at": submitted,
                    "duration_ms": _num(duration),
                }
            out.append(d)
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
