"""session last_seen: sessions idle for too long are refused

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 22:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.add_column(sa.Column("last_seen", sa.DateTime(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE sessions DROP COLUMN last_seen")
