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
    with op.batch_alter_table("judgments") as batch:
        batch.drop_index("ix_judgments_item")
        batch.drop_column("labels")
        batch.drop_column("item")
