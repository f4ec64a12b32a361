"""items and labels: the annotation unit of a judgment and nominal labels per response

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 21:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("judgments") as batch:
        batch.add_column(sa.Column("item", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("labels", sa.JSON(none_as_null=True), nullable=True))
        batch.create_index("ix_judgments_item", ["item"])


def downgrade() -> None:
    # Plain ALTER TABLE ... DROP COLUMN (SQLite >= 3.35): a batch "recreate" of judgments would
    # drop the old table, and ON DELETE CASCADE would empty judgment_responses and ratings.
    op.drop_index("ix_judgments_item", table_name="judgments")
    op.execute("ALTER TABLE judgments DROP COLUMN labels")
    op.execute("ALTER TABLE judgments DROP COLUMN item")
