"""Raw DBAPI statements for the workbench's hot path, on the caller's transaction.

A submission is about a dozen small statements; through SQLAlchemy's statement machinery each
costs several times what SQLite itself spends, so the hot path speaks DBAPI directly (``?``
placeholders, rewritten to ``%s`` for psycopg). Everything still runs inside the transaction
that the SQLAlchemy connection opened.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from sqlalchemy.engine import Connection

from prefkit._json import dumps, loads

__all__ = ["Raw"]


@lru_cache(maxsize=256)
def _pg(sql: str) -> str:
    return sql.replace("?", "%s")


class Raw:
    def __init__(self, conn: Connection) -> None:
        dbapi = conn.connection.dbapi_connection
        assert dbapi is not None
        self.cur = dbapi.cursor()
        self.pg = conn.dialect.name == "postgresql"

    def run(self, sql: str, params: Sequence[Any] = ()) -> Any:
        self.cur.execute(_pg(sql) if self.pg else sql, tuple(params))
        return self.cur

    def one(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.run(sql, params).fetchone()

    def all(self, sql: str, params: Sequence[Any] = ()) -> list[Any]:
        return list(self.run(sql, params).fetchall())

    def count(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Rows changed by an UPDATE or DELETE."""
        return int(self.run(sql, params).rowcount)

    def json_in(self, value: Any) -> Any:
        return None if value is None else dumps(value)

    def json_out(self, value: Any) -> Any:
        """A JSON column's value: psycopg has parsed it already, sqlite3 gives the text."""
        if self.pg or value is None:
            return value
        return loads(value)
