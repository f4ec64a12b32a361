"""Alembic environment: runs on the connection prefkit hands over (see ``_engine.migrate``)."""

from __future__ import annotations

from alembic import context

from prefkit.data._schema import metadata

config = context.config
connection = config.attributes.get("connection")

if connection is None:  # pragma: no cover - offline SQL generation
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
