"""staged imports: big imports commit in chunks, hidden until they are done

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 07:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column(
            "started_at", sa.DateTime(), nullable=False, server_default=sa.func.current_timestamp()
        ),
        sa.Column(
            "heartbeat_at",
            sa.DateTime(),
            nullable=False,
            server_default=sa.func.current_timestamp(),
        ),
        sa.Column("rows", sa.Integer(), nullable=False, server_default="0"),
        sa.PrimaryKeyConstraint("id", name="pk_imports"),
    )
    with op.batch_alter_table("judgments") as batch:
        batch.add_column(sa.Column("import_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    # rows of imports that never finished are not part of the store: drop them first
    op.execute(
        "DELETE FROM judgments WHERE import_id IS NOT NULL AND import_id NOT IN "
        "(SELECT id FROM imports WHERE state = 'done')"
    )
    # a plain DROP COLUMN (SQLite >= 3.35): a batch rebuild of judgments would cascade-delete
    # the rows that reference it
    op.execute("ALTER TABLE judgments DROP COLUMN import_id")
    op.drop_table("imports")
