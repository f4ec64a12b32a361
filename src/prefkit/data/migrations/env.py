"""Alembic environment: runs on the connection prefkit hands over (see ``_engine.migrate``)."""

from __future__ import annotations

from typing import Any

from alembic import context

from prefkit.data._schema import metadata


def _ours(name: str | None, type_: str, _parent: Any) -> bool:
    # the workbench's tables share the database and have their own migrations
    return type_ != "table" or name in metadata.tables


config = context.config
connection = config.attributes.get("connection")

if connection is None:  # pragma: no cover - offline SQL generation
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
        include_name=_ours,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        include_name=_ours,
    )
    with context.begin_transaction():
        context.run_migrations()
