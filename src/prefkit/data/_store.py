"""The judgment store: SQLite by default, PostgreSQL by URL, the same code for both.

``open_store(url)`` connects, applies the Alembic migrations and returns a :class:`Store`, a
small facade over the engine (``_engine``), the write side (``_write``) and the read side
(``_read``). Adding records is all-or-nothing: one transaction, nothing written if any record
conflicts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from sqlalchemy.engine import Engine

from prefkit.data._engine import DEFAULT_URL, default_url, open_engine, schema_revision
from prefkit.data._read import Reads
from prefkit.data._records import Judgment
from prefkit.data._write import AddResult, Transaction, Writes

__all__ = ["DEFAULT_URL", "AddResult", "Store", "Transaction", "default_url", "open_store"]


class Store:
    """A judgment store on one database. Use :func:`open_store` to get one.

    Attributes:
        engine: the SQLAlchemy engine (one pool per store).
        url: the URL it was opened with.
        dialect: ``"sqlite"`` or ``"postgresql"``.
    """

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url
        self.dialect = engine.dialect.name
        self._reads = Reads(engine)
        self._writes = Writes(engine)

    # ---------------------------------------------------------------------------- writing

    def add_records(
        self,
        records: Iterable[Judgment],
        *,
        progress: Callable[[int], None] | None = None,
    ) -> AddResult:
        """Store records, all of them or none if any conflicts.

        A record whose id is already stored with the same content is skipped (importing a file
        twice is harmless); the same id with different content raises :class:`StoreError`.
        Records without an id get their content id (see ``assign_ids``). A big write on SQLite
        is staged: other writers keep going while it runs and its records stay hidden until the
        last one is in.

        Args:
            records: the judgments to store.
            progress: called with the number of records handled so far, batch by batch.

        Returns:
            How many were added and how many were stored identically already.
        """
        return self._writes.add_records(records, progress=progress)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """One write transaction: commits when the block ends, rolls back if it raises.

        Example:
            >>> with store.transaction() as tx:  # doctest: +SKIP
            ...     tx.add_new([record])
            ...     tx.connection.execute(my_table.insert().values(...))
        """
        with self.engine.begin() as conn:
            yield Transaction(self._writes, conn)

    # ---------------------------------------------------------------------------- reading

    def count(self, *, campaign: str | None = None) -> int:
        """The number of stored judgments (in one campaign if given)."""
        return self._reads.count(campaign=campaign)

    def iter_dicts(
        self, *, campaign: str | None = None, batch_size: int = 5000
    ) -> Iterator[dict[str, Any]]:
        """Every stored judgment as its canonical JSON object, in insertion order."""
        return self._reads.iter_dicts(campaign=campaign, batch_size=batch_size)

    def iter_records(
        self, *, campaign: str | None = None, batch_size: int = 5000
    ) -> Iterator[Judgment]:
        """Every stored judgment as a canonical record, in insertion order, in batches."""
        return self._reads.iter_records(campaign=campaign, batch_size=batch_size)

    def records(self, *, campaign: str | None = None) -> list[Judgment]:
        """Every stored judgment (in one campaign if given), as a list."""
        return self._reads.records(campaign=campaign)

    def stats(self, *, campaign: str | None = None) -> dict[str, Any]:
        """Counts for ``prefkit stats``: judgments by source, annotator, kind and criterion."""
        return self._reads.stats(campaign=campaign)

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden."""
        return self._reads.safe_url

    @property
    def revision(self) -> str | None:
        """The judgment schema's Alembic revision (None before the first migration)."""
        return schema_revision(self.engine)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(
    url: str | None = None, *, migrate_schema: bool = True, pool_size: int | None = None
) -> Store:
    """Open (and create or upgrade) the store at ``url``; default: :func:`default_url`.

    ``postgresql://`` URLs use psycopg 3. ``pool_size``: connections kept open (default 44,
    the workbench's thread pool and its writer). Raises :class:`StoreError` for a bad URL or an
    unreachable server, naming the URL (password hidden) and the fix.
    """
    raw = url or default_url()
    return Store(open_engine(raw, migrate_schema=migrate_schema, pool_size=pool_size), raw)
