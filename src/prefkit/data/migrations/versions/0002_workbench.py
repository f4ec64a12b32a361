"""workbench (moved to prefkit.annotate: now a no-op)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 03:55:52.205664

The workbench's tables are the workbench's own since 2026-12-03: ``prefkit.annotate``'s migration
w0001 creates them, or completes them on a database this revision changed before. The revision
stays so that databases stamped with it, and the ones after it, keep upgrading.
"""

from __future__ import annotations

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
