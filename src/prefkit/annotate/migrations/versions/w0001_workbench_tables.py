"""the workbench's tables, now its own: users, API tokens, sessions and campaign work

Revision ID: w0001
Revises:
Create Date: 2026-12-03 07:00:00

Until the judgment store's migration 0007 these tables were created by the store's migrations
0002, 0004, 0005 and 0006 (now no-ops). This revision creates what is missing and leaves what
is there: on a database made by that release it only records the revision, every row kept; on
one stopped part-way (0002-0005) it adds the columns and table the later store migrations added,
with the same values (open invitations get seven days from now, as 0006 gave them).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "w0001"
down_revision = None
branch_labels = None
depends_on = None

_NOW = sa.text("(CURRENT_TIMESTAMP)")


def _users() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("disabled", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=_NOW, nullable=False),
        sa.Column("credentials_at", sa.DateTime(), nullable=True),
        sa.Column("invite_expires_at", sa.DateTime(), nullable=True),
        sa.Column("invite_used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_users"),
        sa.UniqueConstraint("name", name="uq_users_name"),
        sa.UniqueConstraint("token_hash", name="uq_users_token_hash"),
    )


def _api_tokens() -> None:
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=_NOW, nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_api_tokens_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )


def _sessions() -> None:
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=_NOW, nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_sessions_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("token_hash", name="pk_sessions"),
    )


def _campaign_members() -> None:
    op.create_table(
        "campaign_members",
        sa.Column("campaign", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("cursor", sa.Integer(), server_default="0", nullable=False),
        sa.Column("next_seq", sa.Integer(), server_default="0", nullable=False),
        sa.Column("done", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign"], ["campaigns.name"], name="fk_campaign_members_campaign_campaigns"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_campaign_members_user_id_users",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("campaign", "user_id", name="pk_campaign_members"),
    )


def _campaign_units() -> None:
    op.create_table(
        "campaign_units",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("campaign", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("claimed", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign"], ["campaigns.name"], name="fk_campaign_units_campaign_campaigns"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_campaign_units"),
    )
    op.create_index("ix_campaign_units_campaign", "campaign_units", ["campaign", "id"])


def _campaign_items() -> None:
    op.create_table(
        "campaign_items",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("campaign", sa.String(length=200), nullable=False),
        sa.Column("source_judgment", sa.String(length=200), nullable=True),
        sa.Column("prompt_hash", sa.String(length=32), nullable=False),
        sa.Column("a_id", sa.String(length=200), nullable=False),
        sa.Column("a_hash", sa.String(length=32), nullable=False),
        sa.Column("a_model", sa.String(length=200), nullable=True),
        sa.Column("b_id", sa.String(length=200), nullable=False),
        sa.Column("b_hash", sa.String(length=32), nullable=False),
        sa.Column("b_model", sa.String(length=200), nullable=True),
        sa.Column("answer", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["a_hash"], ["responses.hash"], name="fk_campaign_items_a_hash_responses"
        ),
        sa.ForeignKeyConstraint(
            ["b_hash"], ["responses.hash"], name="fk_campaign_items_b_hash_responses"
        ),
        sa.ForeignKeyConstraint(
            ["campaign"], ["campaigns.name"], name="fk_campaign_items_campaign_campaigns"
        ),
        sa.ForeignKeyConstraint(
            ["prompt_hash"], ["prompts.hash"], name="fk_campaign_items_prompt_hash_prompts"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["campaign_units.id"], name="fk_campaign_items_unit_id_campaign_units"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_campaign_items"),
    )
    op.create_index("ix_campaign_items_unit", "campaign_items", ["unit_id"])


def _assignments() -> None:
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("campaign", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("repeat_of", sa.Integer(), nullable=True),
        sa.Column("due_after", sa.Integer(), nullable=True),
        sa.Column("left_id", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("draft", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("skip_reason", sa.Text(), nullable=True),
        sa.Column("submit_key", sa.String(length=100), nullable=True),
        sa.Column("judgment_id", sa.String(length=200), nullable=True),
        sa.Column("started_at", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(), server_default=_NOW, nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign"], ["campaigns.name"], name="fk_assignments_campaign_campaigns"
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["campaign_items.id"], name="fk_assignments_item_id_campaign_items"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_assignments_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_assignments"),
    )
    op.create_index("ix_assignments_item", "assignments", ["item_id"])
    op.create_index("ix_assignments_user", "assignments", ["campaign", "user_id", "status", "seq"])


# parents first
_TABLES = {
    "users": _users,
    "api_tokens": _api_tokens,
    "sessions": _sessions,
    "campaign_units": _campaign_units,
    "campaign_items": _campaign_items,
    "campaign_members": _campaign_members,
    "assignments": _assignments,
}


def _add_column(table: str, column: sa.Column[object]) -> None:
    # plain ADD COLUMN (a nullable column with no default): a batch "recreate" on SQLite would
    # cascade-delete the sessions and memberships that refer to the table
    op.add_column(table, column)


def upgrade() -> None:
    insp = sa.inspect(op.get_bind())
    present = set(insp.get_table_names())
    if "users" in present:  # made by store migrations 0002-0006: complete what is missing
        cols = {c["name"] for c in insp.get_columns("users")}
        if "credentials_at" not in cols:
            _add_column("users", sa.Column("credentials_at", sa.DateTime(), nullable=True))
        if "invite_expires_at" not in cols:
            _add_column("users", sa.Column("invite_expires_at", sa.DateTime(), nullable=True))
            week = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=7)
            op.execute(sa.text("UPDATE users SET invite_expires_at = :w").bindparams(w=week))
        if "invite_used_at" not in cols:
            _add_column("users", sa.Column("invite_used_at", sa.DateTime(), nullable=True))
    if "sessions" in present and "last_seen" not in {
        c["name"] for c in insp.get_columns("sessions")
    }:
        _add_column("sessions", sa.Column("last_seen", sa.DateTime(), nullable=True))
    for name, create in _TABLES.items():
        if name not in present:
            create()


def downgrade() -> None:
    for name in reversed(list(_TABLES)):
        op.drop_table(name)
