"""The store's tables (SQLAlchemy Core). Alembic migrations in ``migrations/`` create them.

Judgments and what they refer to only: the workbench keeps its accounts, sessions and campaign
work in its own tables (``prefkit.annotate``'s schema and migrations). ``campaigns`` names a group
of judgments; its ``config`` is an opaque JSON object that the campaign's owner keeps there.

Prompts and responses are keyed by content hash, so the same prompt or response text is stored
once however many judgments refer to it (responses are deduplicated per prompt). A judgment keeps
its own record-local response ids, models, ranks and ratings in child tables.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

__all__ = [
    "VISIBLE_SQL",
    "annotators",
    "campaigns",
    "imports",
    "judgment_responses",
    "judgments",
    "metadata",
    "prompts",
    "ratings",
    "responses",
    "visible",
]

metadata = sa.MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

_JSON = sa.JSON(none_as_null=True)
_NOW = sa.func.current_timestamp()

prompts = sa.Table(
    "prompts",
    metadata,
    sa.Column("hash", sa.String(32), primary_key=True),
    sa.Column("content", _JSON, nullable=False),  # a string or a list of chat messages
    sa.Column("is_chat", sa.Boolean, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False, server_default=_NOW),
)

responses = sa.Table(
    "responses",
    metadata,
    sa.Column("hash", sa.String(32), primary_key=True),  # sha256(prompt hash, text)
    sa.Column(
        "prompt_hash", sa.String(32), sa.ForeignKey("prompts.hash"), nullable=False, index=True
    ),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False, server_default=_NOW),
)

annotators = sa.Table(
    "annotators",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=True),  # human | ai | rule | model (first seen)
    sa.Column("created_at", sa.DateTime, nullable=False, server_default=_NOW),
)

campaigns = sa.Table(
    "campaigns",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("config", _JSON, nullable=True),
    sa.Column("created_at", sa.DateTime, nullable=False, server_default=_NOW),
)

judgments = sa.Table(
    "judgments",
    metadata,
    sa.Column("pk", sa.Integer, primary_key=True, autoincrement=True),  # insertion order
    sa.Column("id", sa.String(200), nullable=False, unique=True),
    sa.Column(
        "prompt_hash", sa.String(32), sa.ForeignKey("prompts.hash"), nullable=False, index=True
    ),
    sa.Column("kind", sa.String(16), nullable=False),  # pairwise | ranking | rating | single
    sa.Column("n_responses", sa.Integer, nullable=False),
    sa.Column("preference", sa.String(200), nullable=True),
    sa.Column("strength", sa.Float, nullable=True),
    sa.Column("rationale", sa.Text, nullable=True),
    sa.Column(
        "annotator", sa.String(200), sa.ForeignKey("annotators.name"), nullable=True, index=True
    ),
    sa.Column(
        "campaign", sa.String(200), sa.ForeignKey("campaigns.name"), nullable=True, index=True
    ),
    sa.Column("shown", _JSON, nullable=True),
    sa.Column("source", sa.String(16), nullable=True),
    sa.Column("meta", _JSON, nullable=False),
    sa.Column("started_at", sa.String(40), nullable=True),
    sa.Column("submitted_at", sa.String(40), nullable=True),
    sa.Column("duration_ms", sa.Float, nullable=True),
    sa.Column("has_timings", sa.Boolean, nullable=False),
    sa.Column("degenerate", sa.Boolean, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False, server_default=_NOW),
    # 0003: the annotation unit (records sharing it judged the same task) and nominal labels
    sa.Column("item", sa.String(200), nullable=True, index=True),
    sa.Column("labels", _JSON, nullable=True),  # {criterion: {local response id: category}}
    # 0007: the staged import that wrote it; its rows are hidden until that import is done
    # (no index: only a failed import's clean-up looks rows up by it)
    sa.Column("import_id", sa.Integer, nullable=True),
)

imports = sa.Table(  # 0007: big imports commit in chunks, hidden until ``state`` is done
    "imports",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("state", sa.String(16), nullable=False),  # pending | done
    sa.Column("started_at", sa.DateTime, nullable=False, server_default=_NOW),
    sa.Column("heartbeat_at", sa.DateTime, nullable=False, server_default=_NOW),
    sa.Column("rows", sa.Integer, nullable=False, server_default="0"),
)


def visible(j: sa.Table | Any = None) -> sa.ColumnElement[bool]:
    """The judgments readers may see: not written by an import that is still running (or died).

    One condition inside the reading statement, so it sees one snapshot: a staged import's
    rows appear all at once, when its ``imports`` row turns ``done``.
    """
    j = judgments if j is None else j
    done = sa.select(imports.c.id).where(imports.c.state == "done")
    return sa.or_(j.c.import_id.is_(None), j.c.import_id.in_(done.scalar_subquery()))


VISIBLE_SQL = (  # the same, for hand-written SQL on the judgments table
    "(import_id IS NULL OR import_id IN (SELECT id FROM imports WHERE state = 'done'))"
)

judgment_responses = sa.Table(
    "judgment_responses",
    metadata,
    sa.Column(
        "judgment_id",
        sa.String(200),
        sa.ForeignKey("judgments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("position", sa.Integer, primary_key=True),  # order in the record
    sa.Column("local_id", sa.String(200), nullable=False),  # the record's response id
    sa.Column(
        "response_hash", sa.String(32), sa.ForeignKey("responses.hash"), nullable=False, index=True
    ),
    sa.Column("model", sa.String(200), nullable=True),
    sa.Column("rank", sa.Integer, nullable=True),  # 0 = best, for listwise records
)

ratings = sa.Table(
    "ratings",
    metadata,
    sa.Column(
        "judgment_id",
        sa.String(200),
        sa.ForeignKey("judgments.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("criterion", sa.String(200), primary_key=True),
    sa.Column("local_id", sa.String(200), primary_key=True),
    sa.Column("value", sa.Integer, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),  # keeps the record's key order
)
