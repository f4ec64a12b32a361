"""single-use expiring invitations, and API tokens for scripts

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 06:40:00

An invitation now signs in once and expires; invitations that exist when this runs get seven
days from now. Scripts authenticate with API tokens (table ``api_tokens``) instead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("invite_expires_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("invite_used_at", sa.DateTime(), nullable=True))
    week = datetime.now(UTC).replace(tzinfo=None) + timedelta(days=7)
    op.execute(sa.text("UPDATE users SET invite_expires_at = :w").bindparams(w=week))
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "user_id",
            sa.Integer(),
            sa.ForeignKey("users.id", ondelete="CASCADE", name="fk_api_tokens_user_id_users"),
            nullable=False,
        ),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("label", sa.String(200), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(), nullable=False, server_default=sa.func.current_timestamp()
        ),
        sa.Column("expires_at", sa.DateTime(), nullable=True),
        sa.Column("last_used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_api_tokens"),
        sa.UniqueConstraint("token_hash", name="uq_api_tokens_token_hash"),
    )


def downgrade() -> None:
    op.drop_table("api_tokens")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("invite_used_at")
        batch.drop_column("invite_expires_at")
