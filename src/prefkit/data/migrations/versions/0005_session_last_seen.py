"""session last_seen (moved to prefkit.annotate: now a no-op)

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 22:10:00

The workbench's tables are the workbench's own since 2026-12-03: ``prefkit.annotate``'s migration
w0001 creates them, or completes them on a database this revision changed before. The revision
stays so that databases stamped with it, and the ones after it, keep upgrading.
"""

from __future__ import annotations

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
