"""Alembic environment of the workbench's tables (version table ``prefkit_workbench_version``).

It runs on the connection :func:`prefkit.annotate.schema.ensure` hands over, after the judgment
store's own migrations; it compares and touches the workbench's tables only.
"""

from __future__ import annotations

from typing import Any

from alembic import context

from prefkit.annotate._schema import VERSION_TABLE, metadata


def _ours(name: str | None, type_: str, _parent: Any) -> bool:
    return type_ != "table" or name in metadata.tables


config = context.config
connection = config.attributes.get("connection")
opts: dict[str, Any] = {
    "target_metadata": metadata,
    "version_table": VERSION_TABLE,
    "include_name": _ours,
    "render_as_batch": True,
}

if connection is None:  # pragma: no cover - offline SQL generation
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True, **opts)
else:
    context.configure(connection=connection, **opts)
with context.begin_transaction():
    context.run_migrations()
