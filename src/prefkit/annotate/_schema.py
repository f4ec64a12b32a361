"""The workbench's tables: accounts, sessions, API tokens and campaign work (SQLAlchemy Core).

They live next to the judgment store's tables in the same database, and refer to them (a campaign
item points at the prompt and responses it shows) but the store knows nothing of them. Their own
Alembic migrations (``migrations/``, version table ``prefkit_workbench_version``) create them;
:func:`ensure` runs those once per engine. Secrets are stored as SHA-256 of 256-bit random tokens
(never the tokens themselves).
"""

from __future__ import annotations

import functools
import threading
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Concatenate, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from prefkit.data import Store, open_store
from prefkit.data import schema as t

if TYPE_CHECKING:
    from alembic.config import Config

__all__ = [
    "MIGRATIONS",
    "VERSION_TABLE",
    "api_tokens",
    "assignments",
    "campaign_items",
    "campaign_members",
    "campaign_units",
    "ensure",
    "metadata",
    "on_store",
    "open_workbench",
    "revision",
    "sessions",
    "users",
    "workbench_revision",
]

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "prefkit_workbench_version"

metadata = sa.MetaData(naming_convention=t.metadata.naming_convention)

_JSON = sa.JSON(none_as_null=True)
_NOW = sa.func.current_timestamp()

users = sa.Table(
    "users",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(200), nullable=False, unique=True),
    sa.Column("role", sa.String(16), nullable=False),  # admin | annotator
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),  # the invitation token
    sa.Column("disabled", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("created_at", sa.DateTime, nullable=False, server_default=_NOW),
    # the last credential change (new token, disable, sign out everywhere); sessions
    # created before it are refused
    sa.Column("credentials_at", sa.DateTime, nullable=True),
    # an invitation signs in once, before it expires (scripts use api_tokens)
    sa.Column("invite_expires_at", sa.DateTime, nullable=True),
    sa.Column("invite_used_at", sa.DateTime, nullable=True),
)

api_tokens = sa.Table(  # long-lived bearer tokens for scripts, one row per token
    "api_tokens",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
    sa.Column("label", sa.String(200), nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False, server_default=_NOW),
    sa.Column("expires_at", sa.DateTime, nullable=True),  # none: until revoked
    sa.Column("last_used_at", sa.DateTime, nullable=True),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    sa.Column("csrf", sa.String(64), nullable=False),
    sa.Column("expires_at", sa.DateTime, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False, server_default=_NOW),
    sa.Column("last_seen", sa.DateTime, nullable=True),  # for the idle timeout
)

campaign_units = sa.Table(
    "campaign_units",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("campaign", sa.String(200), sa.ForeignKey(t.campaigns.c.name), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),  # pair | triad | gold | attention
    sa.Column("claimed", sa.Integer, nullable=False, server_default="0"),  # annotators on it
    sa.Index("ix_campaign_units_campaign", "campaign", "id"),
)

campaign_items = sa.Table(
    "campaign_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("unit_id", sa.Integer, sa.ForeignKey("campaign_units.id"), nullable=False),
    sa.Column("campaign", sa.String(200), sa.ForeignKey(t.campaigns.c.name), nullable=False),
    sa.Column("source_judgment", sa.String(200), nullable=True),
    sa.Column("prompt_hash", sa.String(32), sa.ForeignKey(t.prompts.c.hash), nullable=False),
    sa.Column("a_id", sa.String(200), nullable=False),  # record-local response ids
    sa.Column("a_hash", sa.String(32), sa.ForeignKey(t.responses.c.hash), nullable=False),
    sa.Column("a_model", sa.String(200), nullable=True),
    sa.Column("b_id", sa.String(200), nullable=False),
    sa.Column("b_hash", sa.String(32), sa.ForeignKey(t.responses.c.hash), nullable=False),
    sa.Column("b_model", sa.String(200), nullable=True),
    sa.Column("answer", sa.String(200), nullable=True),  # gold / attention: a_id, b_id or "tie"
    sa.Index("ix_campaign_items_unit", "unit_id"),
)

campaign_members = sa.Table(
    "campaign_members",
    metadata,
    sa.Column("campaign", sa.String(200), sa.ForeignKey(t.campaigns.c.name), primary_key=True),
    sa.Column(
        "user_id",
        sa.Integer,
        sa.ForeignKey("users.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("cursor", sa.Integer, nullable=False, server_default="0"),  # in the user's order
    sa.Column("next_seq", sa.Integer, nullable=False, server_default="0"),
    sa.Column("done", sa.Integer, nullable=False, server_default="0"),  # judgments submitted
)

assignments = sa.Table(
    "assignments",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("campaign", sa.String(200), sa.ForeignKey(t.campaigns.c.name), nullable=False),
    sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("campaign_items.id"), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),  # the order the annotator sees them in
    sa.Column("repeat_of", sa.Integer, nullable=True),  # the assignment this one repeats
    sa.Column("due_after", sa.Integer, nullable=True),  # repeats: after this many done
    sa.Column("left_id", sa.String(200), nullable=False),  # the response shown on the left
    sa.Column("status", sa.String(16), nullable=False),  # pending | done | skipped
    sa.Column("draft", _JSON, nullable=True),
    sa.Column("skip_reason", sa.Text, nullable=True),
    sa.Column("submit_key", sa.String(100), nullable=True),
    sa.Column("judgment_id", sa.String(200), nullable=True),
    sa.Column("started_at", sa.String(40), nullable=True),  # ISO 8601, first shown
    sa.Column("created_at", sa.DateTime, nullable=False, server_default=_NOW),
    sa.Index("ix_assignments_user", "campaign", "user_id", "status", "seq"),
    sa.Index("ix_assignments_item", "item_id"),
)


_ready: weakref.WeakSet[Engine] = weakref.WeakSet()
_lock = threading.Lock()


def _config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def ensure(engine: Engine) -> None:
    """Create or upgrade the workbench's tables on ``engine`` (once per engine and process).

    The judgment store's own schema must be current (``open_store`` sees to that).
    """
    if engine in _ready:
        return
    from alembic import command
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    with _lock:
        if engine in _ready:
            return
        cfg = _config()
        head = ScriptDirectory.from_config(cfg).get_current_head()
        with engine.begin() as conn:
            ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
            if ctx.get_current_revision() != head:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        _ready.add(engine)


def revision(engine: Engine) -> str | None:
    """The workbench schema's Alembic revision (None before its first migration)."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"version_table": VERSION_TABLE})
        return ctx.get_current_revision()


def open_workbench(
    url: str | None = None, *, migrate_schema: bool = True, pool_size: int | None = None
) -> Store:
    """Open the store at ``url`` with the workbench's tables created or upgraded.

    The same as :func:`prefkit.data.open_store` (default URL, errors), then the workbench's
    own migrations. Pass the store to :func:`create_app`, :func:`create_campaign`,
    :func:`create_user` and the other account functions.
    """
    store = open_store(url, migrate_schema=migrate_schema, pool_size=pool_size)
    if migrate_schema:
        try:
            ensure(store.engine)
        except BaseException:
            store.close()
            raise
    return store


def workbench_revision(store: Store) -> str | None:
    """The workbench schema's Alembic revision on ``store`` (None before it was created)."""
    return revision(store.engine)


P = ParamSpec("P")
R = TypeVar("R")


def on_store(
    fn: Callable[Concatenate[Connection, P], R],
) -> Callable[Concatenate[Store | Connection, P], R]:
    """Let a function that works on a connection take a store too (in its own transaction)."""

    @functools.wraps(fn)
    def wrapper(db: Store | Connection, /, *args: P.args, **kwargs: P.kwargs) -> R:
        if isinstance(db, Store):
            ensure(db.engine)
            with db.transaction() as tx:
                return fn(tx.connection, *args, **kwargs)
        return fn(db, *args, **kwargs)

    return wrapper
