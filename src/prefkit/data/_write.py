"""Writing judgments: records planned into table rows, bulk inserts, staged big imports.

:class:`Writes` does the work behind ``Store.add_records`` and ``Store.transaction``. Adding is
all-or-nothing: nothing is written if any record conflicts.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from prefkit._json import dumps
from prefkit._perf import paused_gc
from prefkit.data import _schema as t
from prefkit.data._records import Judgment
from prefkit.errors import StoreError

__all__ = ["AddResult", "Transaction", "Writes"]

_CHUNK = 500  # rows per IN (...) lookup


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


def _chunks(seq: Sequence[Any], n: int = _CHUNK) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i : i + n]


_WRITE_CHUNK = 2000  # records per batch: one staged transaction holds the write lock this long
_ABANDONED_AFTER = 3600  # seconds without a heartbeat before a pending import is removed
_ANALYZE_AFTER = 10_000  # judgments added in one import
_COPY_MIN_ROWS = 200  # PostgreSQL: fewer rows go in with executemany
_PROMPT_COLS = ("hash", "content", "is_chat")
_RESPONSE_COLS = ("hash", "prompt_hash", "text")
_JUDGMENT_COLS = (
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
    "item",
    "labels",
)
_CONTENT_HASH = _JUDGMENT_COLS.index("content_hash")
_JR_COLS = ("judgment_id", "position", "local_id", "response_hash", "model", "rank")
_RATING_COLS = ("judgment_id", "criterion", "local_id", "value", "position")


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _text_json(value: Any) -> str | None:
    return None if value is None else dumps(value)


@dataclass
class _Batch:
    """The rows of one chunk of records, for each table (parents first)."""

    n: int
    prompts: list[tuple[Any, ...]]
    responses: list[tuple[Any, ...]]
    annotators: list[tuple[Any, ...]]
    campaigns: list[tuple[Any, ...]]
    judgments: list[tuple[Any, ...]]
    judgment_responses: list[tuple[Any, ...]]
    ratings: list[tuple[Any, ...]]

    def without(self, ids: Container[str]) -> _Batch:
        """This batch less the judgments in ``ids`` (parents are inserted if missing anyway)."""
        return _Batch(
            self.n,
            self.prompts,
            self.responses,
            self.annotators,
            self.campaigns,
            [r for r in self.judgments if r[0] not in ids],
            [r for r in self.judgment_responses if r[0] not in ids],
            [r for r in self.ratings if r[0] not in ids],
        )


class _Planner:
    """Turns records into table rows; remembers the parents it emitted so each goes in once."""

    def __init__(self) -> None:
        self.prompt_keys: dict[str, str] = {}  # text prompt -> hash
        self.prompts: set[str] = set()
        self.responses: set[str] = set()
        self.annotators: set[str] = set()
        self.campaigns: set[str] = set()

    def plan(self, recs: Sequence[Judgment]) -> _Batch:
        as_json = _text_json
        b = _Batch(len(recs), [], [], [], [], [], [], [])
        for rec in recs:
            if isinstance(rec.prompt, str):
                prompt: Any = rec.prompt
                phash = self.prompt_keys.get(prompt)
                if phash is None:
                    phash = self.prompt_keys[prompt] = _digest(dumps(prompt))
            else:
                prompt = [{"role": m.role, "content": m.content} for m in rec.prompt]
                phash = _digest(dumps(prompt))
            if phash not in self.prompts:
                self.prompts.add(phash)
                b.prompts.append((phash, as_json(prompt), not isinstance(prompt, str)))
            rank = {rid: i for i, rid in enumerate(rec.ranking)} if rec.ranking else {}
            rid_ = rec.id
            for pos, resp in enumerate(rec.responses):
                rhash = _digest(phash + "\x00" + resp.text)
                if rhash not in self.responses:
                    self.responses.add(rhash)
                    b.responses.append((rhash, phash, resp.text))
                b.judgment_responses.append(
                    (rid_, pos, resp.id, rhash, resp.model, rank.get(resp.id))
                )
            if rec.ratings:
                pos = 0
                for criterion, by_id in rec.ratings.items():
                    for local, value in by_id.items():
                        b.ratings.append((rid_, criterion, local, value, pos))
                        pos += 1
            if rec.annotator is not None and rec.annotator not in self.annotators:
                self.annotators.add(rec.annotator)
                b.annotators.append((rec.annotator, rec.source))
            campaign = rec.metadata.get("campaign")
            campaign = campaign if isinstance(campaign, str) and campaign else None
            if campaign is not None and campaign not in self.campaigns:
                self.campaigns.add(campaign)
                b.campaigns.append((campaign,))
            tm = rec.timings
            b.judgments.append(
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
                    rec.content_hash(),
                    rec.item,
                    as_json(rec.labels),
                )
            )
        return b


class Transaction:
    """One open write transaction on a store, from :meth:`Store.transaction`.

    Everything written through it, and through :attr:`connection`, commits together when the
    ``with`` block ends, or not at all if it raises. For writers that keep their own rows next to
    the judgments (the workbench commits a judgment together with its assignment).
    """

    def __init__(self, writes: Writes, connection: Connection) -> None:
        self._writes = writes
        self._conn = connection

    @property
    def connection(self) -> Connection:
        """The SQLAlchemy connection of this transaction, for the caller's own tables."""
        return self._conn

    def add_new(self, records: Sequence[Judgment], *, parents: bool = True) -> None:
        """Insert records whose ids are known to be new (a stored id raises the database's error).

        Args:
            records: validated records, each with an id.
            parents: also insert their prompt, response, annotator and campaign rows if missing;
                ``False`` when the caller knows they exist already (one round trip less each).
        """
        self._writes.insert_new(self._conn, records, parents=parents)

    def put_texts(self, prompt: str, texts: Sequence[str]) -> tuple[str, list[str]]:
        """Store a prompt and responses to it (if new).

        Returns:
            The prompt's content hash and each response's, in the order given.
        """
        return self._writes.put_texts(self._conn, prompt, texts)


class Writes:
    """The write side of a :class:`~prefkit.data.Store` (one per store)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name

    def add_records(
        self,
        records: Iterable[Judgment],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> AddResult:
        """Store records, all of them or none if any conflicts.

        Store records, all of them or none if any conflicts (see :meth:`add_batches`: a
        big write is staged, so other writers are not held up while it runs).

        A record whose id is already stored with the same content is skipped (importing a file
        twice is harmless); the same id with different content raises :class:`StoreError`.
        Records without an id get their content id (see ``assign_ids``).
        """
        with paused_gc():
            return self._add_records(records, progress)

    def _add_records(
        self, records: Iterable[Judgment], progress: Callable[[int], None] | None
    ) -> AddResult:
        recs = list(records)
        missing = [i for i, r in enumerate(recs) if r.id is None]
        for i in missing:
            recs[i] = recs[i].with_id("j-" + recs[i].content_hash()[:16])
        ids = [str(r.id) for r in recs]
        if len(set(ids)) != len(ids):
            dup = next(i for i in ids if ids.count(i) > 1)
            raise StoreError(f"record id {dup!r} appears twice in one batch; ids must be unique")
        with self.engine.connect() as conn:
            existing = self._existing(conn, ids)
        conflicts = [r.id for r in recs if r.id in existing and existing[r.id] != r.content_hash()]
        if conflicts:
            raise StoreError(
                f"{len(conflicts)} record id(s) already stored with different content, e.g. "
                f"{conflicts[0]!r}; nothing was written. Give the new records other ids, or "
                "remove the old ones first"
            )
        new = [r for r in recs if r.id not in existing] if existing else recs
        planner = _Planner()
        res = self.add_batches(
            (planner.plan(chunk) for chunk in _chunks(new, _WRITE_CHUNK)), progress=progress
        )
        return AddResult(added=res.added, skipped=len(recs) - res.added)

    def _bulk_session(self, conn: Connection) -> None:
        if self.dialect == "postgresql":
            # The id lookups between batches must use the unique index. Statistics taken while
            # the table was small make the planner scan the whole table instead, once per 500
            # ids: 100k records took 89 s in those lookups alone. This transaction only.
            conn.exec_driver_sql("SET LOCAL enable_seqscan = off")

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
        # SQLite and small PostgreSQL writes: plain DBAPI executemany with positional tuples
        # (SQLAlchemy's per-row parameter processing costs more than SQLite's own insert work at
        # this volume). Big PostgreSQL writes: COPY, through a temporary table where duplicates
        # must be skipped (COPY has no ON CONFLICT).
        if not rows:
            return
        names = ", ".join(cols)
        pg = self.dialect == "postgresql"
        if pg and len(rows) >= _COPY_MIN_ROWS:
            self._copy(conn, table.name, names, rows, ignore_conflicts)
            return
        mark = "%s" if pg else "?"
        sql = f"INSERT INTO {table.name} ({names}) VALUES ({', '.join([mark] * len(cols))})"
        if ignore_conflicts:
            sql += " ON CONFLICT DO NOTHING"
        for chunk in _chunks(rows, 10000):
            conn.exec_driver_sql(sql, list(chunk))

    def _copy(
        self,
        conn: Connection,
        table: str,
        names: str,
        rows: list[tuple[Any, ...]],
        ignore_conflicts: bool,
    ) -> None:
        import psycopg

        raw = conn.connection.driver_connection  # the same transaction as ``conn``
        assert raw is not None

        def copy_into(cur: Any, target: str) -> None:
            with cur.copy(f"COPY {target} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

        with raw.cursor() as cur:
            if not ignore_conflicts:
                copy_into(cur, table)
                return
            # Most rows are new: COPY them straight in. If one is there already, undo that
            # COPY and go through a temporary table with ON CONFLICT DO NOTHING.
            try:
                with raw.transaction():  # a savepoint
                    copy_into(cur, table)
                return
            except psycopg.errors.UniqueViolation:
                pass
            target = f"prefkit_load_{table}"
            cur.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {target} "
                f"(LIKE {table} INCLUDING DEFAULTS) ON COMMIT DROP"
            )
            cur.execute(f"TRUNCATE {target}")
            copy_into(cur, target)
            cur.execute(
                f"INSERT INTO {table} ({names}) SELECT {names} FROM {target} ON CONFLICT DO NOTHING"
            )

    def _write(
        self,
        conn: Connection,
        new: Sequence[Judgment],
        progress: Callable[[int], None] | None,
        *,
        parents: bool = True,
    ) -> None:
        planner = _Planner()
        done = 0
        for chunk in _chunks(new, _WRITE_CHUNK):
            batch = planner.plan(chunk)
            if not parents:
                batch = _Batch(
                    batch.n,
                    [],
                    [],
                    [],
                    [],
                    batch.judgments,
                    batch.judgment_responses,
                    batch.ratings,
                )
            self._insert(conn, batch)
            done += batch.n
            if progress is not None:
                progress(done)

    def insert_new(
        self, conn: Connection, records: Sequence[Judgment], *, parents: bool = True
    ) -> None:
        """Insert records whose ids are known to be new, inside ``conn``'s transaction."""
        self._write(conn, records, None, parents=parents)

    def put_texts(
        self, conn: Connection, prompt: str, texts: Sequence[str]
    ) -> tuple[str, list[str]]:
        """Store a prompt and responses to it (if new) and return their content hashes."""
        phash = _digest(dumps(prompt))
        rhashes = [_digest(phash + "\x00" + text) for text in texts]
        self._bulk(
            conn, t.prompts, _PROMPT_COLS, [(phash, dumps(prompt), False)], ignore_conflicts=True
        )
        self._bulk(
            conn,
            t.responses,
            _RESPONSE_COLS,
            [(h, phash, text) for h, text in zip(rhashes, texts, strict=True)],
            ignore_conflicts=True,
        )
        return phash, rhashes

    def add_batches(
        self,
        batches: Iterable[_Batch],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> AddResult:
        """Insert planned row batches (from ``_Planner``), all or nothing.

        The same rules as :meth:`add_records`, checked batch by batch: an id seen twice or stored
        with other content raises :class:`StoreError` and nothing is kept.

        On PostgreSQL, and for one batch, this is one transaction. More batches on SQLite, which
        has one write lock for the whole database, are *staged* so that other writers (the
        workbench's submissions) keep going during a big import: each
        batch commits on its own, its judgments tagged with a pending ``imports`` row and hidden
        from every reader (:func:`schema.visible`) until the last batch is in and one tiny
        transaction marks the import done. On an error the import's rows are deleted again; an
        import whose process died stays hidden and is removed by the next import that starts.
        """
        it = iter(batches)
        first = next(it, None)
        if first is None:
            return AddResult(added=0, skipped=0)
        second = next(it, None)
        with paused_gc():
            if second is None or self.dialect != "sqlite":
                rest = () if second is None else (second,)
                res = self._add_in_one(itertools.chain((first, *rest), it), progress)
            else:
                res = self._add_staged(itertools.chain((first, second), it), progress)
        self._analyze_after(res.added)
        return res

    def _checked(self, conn: Connection, b: _Batch, seen: set[str]) -> tuple[_Batch, int]:
        """The batch without records stored already (same content); raises on conflicts."""
        ids = [row[0] for row in b.judgments]
        dup = next((i for i in ids if i in seen), None)
        if dup is not None:
            raise StoreError(f"record id {dup!r} appears twice in one import; ids must be unique")
        seen.update(ids)
        existing = self._existing(conn, ids)
        if not existing:
            return b, 0
        conflicts = [
            r[0] for r in b.judgments if r[0] in existing and existing[r[0]] != r[_CONTENT_HASH]
        ]
        if conflicts:
            raise StoreError(
                f"record id {conflicts[0]!r} is already stored with different "
                "content; nothing was written. Give the new records other ids, or "
                "remove the old ones first"
            )
        pending = self._pending_ids(conn, list(existing))
        if pending:
            raise StoreError(
                f"record id {pending[0]!r} is being imported by another import that has not "
                "finished; nothing was written. Run this import again once that one is done"
            )
        return b.without(existing), len(existing)

    def _pending_ids(self, conn: Connection, ids: list[str]) -> list[str]:
        j = t.judgments
        out: list[str] = []
        for chunk in _chunks(ids):
            q = sa.select(j.c.id).where(j.c.id.in_(chunk), sa.not_(t.visible(j)))
            out.extend(r[0] for r in conn.execute(q))
        return out

    def _add_in_one(
        self, batches: Iterable[_Batch], progress: Callable[[int], None] | None
    ) -> AddResult:
        """Every batch in one transaction (PostgreSQL's row locks let others write meanwhile)."""
        added = skipped = 0
        seen: set[str] = set()
        with self.engine.begin() as conn:
            self._bulk_session(conn)
            for b in batches:
                b, n_skipped = self._checked(conn, b, seen)
                self._insert(conn, b)
                added += len(b.judgments)
                skipped += n_skipped
                if progress is not None:
                    progress(added + skipped)
        return AddResult(added=added, skipped=skipped)

    def _add_staged(
        self, batches: Iterable[_Batch], progress: Callable[[int], None] | None
    ) -> AddResult:
        imp = t.imports
        self._discard_abandoned()
        with self.engine.begin() as conn:
            now = _utcnow()
            pk = conn.execute(
                imp.insert().values(state="pending", started_at=now, heartbeat_at=now)
            ).inserted_primary_key
        assert pk is not None
        iid = int(pk[0])
        added = skipped = 0
        seen: set[str] = set()
        sqlite = self.dialect == "sqlite"
        try:
            # one connection throughout: its page cache stays warm from batch to batch
            with self.engine.connect() as conn:
                if sqlite:
                    # The batches are not acknowledged to anyone: no fsync per batch (in WAL
                    # mode a crash loses at most the last ones, which stay hidden anyway).
                    # The final commit is FULL, which makes every earlier frame durable too.
                    conn.exec_driver_sql("PRAGMA synchronous=NORMAL")
                try:
                    for b in batches:
                        b, n_skipped = self._checked(conn, b, seen)  # reads: no write lock yet
                        conn.rollback()
                        with conn.begin():  # its first statement writes: no lock upgrade
                            self._bulk_session(conn)
                            self._insert(conn, b, import_id=iid)
                            added += len(b.judgments)
                            conn.execute(
                                imp.update()
                                .where(imp.c.id == iid)
                                .values(heartbeat_at=_utcnow(), rows=added)
                            )
                        skipped += n_skipped
                        if progress is not None:
                            progress(added + skipped)
                finally:
                    if sqlite:
                        conn.rollback()
                        conn.exec_driver_sql("PRAGMA synchronous=FULL")
                        conn.commit()
                with conn.begin():  # the one moment the records become visible
                    conn.execute(imp.update().where(imp.c.id == iid).values(state="done"))
        except BaseException:
            self._discard_import(iid)
            raise
        return AddResult(added=added, skipped=skipped)

    def _discard_import(self, iid: int) -> None:
        """Delete an unfinished import's rows, in small transactions (never a long lock)."""
        j, jr, rt = t.judgments, t.judgment_responses, t.ratings
        with contextlib.suppress(Exception):  # a dead database: the next import cleans up
            while True:
                with self.engine.begin() as conn:
                    ids = [
                        r[0]
                        for r in conn.execute(
                            sa.select(j.c.id).where(j.c.import_id == iid).limit(_WRITE_CHUNK)
                        )
                    ]
                    if not ids:
                        conn.execute(t.imports.delete().where(t.imports.c.id == iid))
                        return
                    for chunk in _chunks(ids):
                        conn.execute(rt.delete().where(rt.c.judgment_id.in_(chunk)))
                        conn.execute(jr.delete().where(jr.c.judgment_id.in_(chunk)))
                        conn.execute(j.delete().where(j.c.id.in_(chunk)))

    def _discard_abandoned(self) -> None:
        """Remove imports that stopped without finishing (no heartbeat for an hour)."""
        imp = t.imports
        cutoff = _utcnow() - timedelta(seconds=_ABANDONED_AFTER)
        with self.engine.connect() as conn:
            stale = [
                int(r[0])
                for r in conn.execute(
                    sa.select(imp.c.id).where(imp.c.state == "pending", imp.c.heartbeat_at < cutoff)
                )
            ]
        for iid in stale:
            self._discard_import(iid)

    def _analyze_after(self, added: int) -> None:
        # PostgreSQL plans the next queries from statistics taken before a big load (often
        # "empty"); refresh them now rather than waiting for autovacuum.
        if self.dialect == "postgresql" and added >= _ANALYZE_AFTER:
            with self.engine.begin() as conn:
                conn.exec_driver_sql(
                    "ANALYZE prompts, responses, judgments, judgment_responses, ratings"
                )

    def _insert(self, conn: Connection, b: _Batch, *, import_id: int | None = None) -> None:
        self._bulk(conn, t.prompts, _PROMPT_COLS, b.prompts, ignore_conflicts=True)
        self._bulk(conn, t.responses, _RESPONSE_COLS, b.responses, ignore_conflicts=True)
        self._bulk(conn, t.annotators, ("name", "kind"), b.annotators, ignore_conflicts=True)
        self._bulk(conn, t.campaigns, ("name",), b.campaigns, ignore_conflicts=True)
        if import_id is None:
            self._bulk(conn, t.judgments, _JUDGMENT_COLS, b.judgments)
        else:
            tagged = [(*row, import_id) for row in b.judgments]
            self._bulk(conn, t.judgments, (*_JUDGMENT_COLS, "import_id"), tagged)
        self._bulk(conn, t.judgment_responses, _JR_COLS, b.judgment_responses)
        self._bulk(conn, t.ratings, _RATING_COLS, b.ratings)
