"""credentials_at: when a user's credentials last changed (sessions older than it are refused)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("credentials_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    # plain DROP COLUMN: a batch "recreate" would cascade-delete sessions and members
    op.execute("ALTER TABLE users DROP COLUMN credentials_at")
