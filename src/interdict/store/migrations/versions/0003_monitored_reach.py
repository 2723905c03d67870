"""What each party the relations reach reached when the watch register was last screened.

Revision ID: 0003
Revises: 0002

One row per list entry or relation node with reach-through rows (blocked or
to be reviewed through ownership or control, or a relative or associate of a
designated person): a digest of those rows. `cases.monitor.catch_up` screens
the entries whose digest changed against the register ("the parties whose
derived status changed"). Idempotent: creates the table only when missing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "monitored_reach" not in sa.inspect(op.get_bind()).get_table_names():
        op.create_table(
            "monitored_reach",
            sa.Column("entity_id", sa.String(200), primary_key=True),
            sa.Column("digest", sa.String(64), nullable=False),
        )


def downgrade() -> None:
    op.drop_table("monitored_reach")
