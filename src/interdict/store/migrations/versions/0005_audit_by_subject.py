"""An index on the audit log's subject, so an alert's or a case's history is read without scanning the log.

Revision ID: 0005
Revises: 0004

The web UI's alert and case pages (and `alerts history`, `cases history`)
read the records about a few subjects ("alert 12", "case 3") out of a log
that grows with every screening; without this index that read scans the whole
log. Re-runnable like 0002-0004: the index is created only if missing.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if "audit_by_subject" not in {index["name"] for index in sa.inspect(op.get_bind()).get_indexes("audit_log")}:
        op.create_index("audit_by_subject", "audit_log", ["subject", "seq"])


def downgrade() -> None:
    op.drop_index("audit_by_subject", "audit_log")
