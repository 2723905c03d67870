"""The first release's tables, as interdict created them before it had migrations.

Revision ID: 0001
Revises: (none)

Idempotent on purpose: a store written by an interdict without alembic already
holds some or all of these tables (and maybe not the later-added
`snapshots.content_sha256` column or `api_keys`, which appeared when a key was
first made). Whatever is missing is created; nothing that exists is touched, so
an old store comes under alembic without losing a row.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _tables() -> list[sa.Table]:
    meta = sa.MetaData()
    return [
        sa.Table(
            "snapshots",
            meta,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("dataset", sa.String(64), nullable=False, index=True),
            sa.Column("parser", sa.String(64), nullable=False),
            sa.Column("origin", sa.Text, nullable=False),
            sa.Column("files", sa.Text, nullable=False),
            sa.Column("sha256", sa.String(64), nullable=False),
            sa.Column("published", sa.String(32)),
            sa.Column("loaded_at", sa.String(32), nullable=False),
            sa.Column("entries", sa.Integer, nullable=False),
            sa.Column("counts", sa.Text, nullable=False),
            sa.Column("warnings", sa.Text, nullable=False),
            sa.Column("content_sha256", sa.String(64)),
        ),
        sa.Table(
            "entities",
            meta,
            sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
            sa.Column("entity_id", sa.String(200), primary_key=True),
            sa.Column("schema", sa.String(32), nullable=False),
            sa.Column("caption", sa.Text, nullable=False),
            sa.Column("data", sa.LargeBinary, nullable=False),
        ),
        sa.Table(
            "active",
            meta,
            sa.Column("dataset", sa.String(64), primary_key=True),
            sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), nullable=False),
        ),
        sa.Table(
            "baselines",
            meta,
            sa.Column("dataset", sa.String(64), primary_key=True),
            sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), nullable=False),
            sa.Column("accepted_at", sa.String(32), nullable=False),
            sa.Column("reason", sa.String(16), nullable=False),
        ),
        sa.Table(
            "snapshot_pins",
            meta,
            sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), primary_key=True),
            sa.Column("reason", sa.String(200), primary_key=True),
            sa.Column("pinned_at", sa.String(32), nullable=False),
        ),
        sa.Table(
            "snapshot_checks",
            meta,
            sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
            sa.Column("checks", sa.Integer, nullable=False),
            sa.Column("last_checked_at", sa.String(32), nullable=False),
            sa.Column("origin", sa.Text, nullable=False),
            sa.Column("files", sa.Text, nullable=False),
        ),
        sa.Table(
            "expected_lists",
            meta,
            sa.Column("dataset", sa.String(64), primary_key=True),
            sa.Column("since", sa.String(32), nullable=False),
        ),
        sa.Table(
            "api_keys",
            meta,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
            sa.Column("secret_sha256", sa.String(64), nullable=False, unique=True),
            sa.Column("prefix", sa.String(16), nullable=False),
            sa.Column("role", sa.String(16), nullable=False),
            sa.Column("label", sa.Text, nullable=False),
            sa.Column("created_at", sa.String(32), nullable=False),
            sa.Column("revoked_at", sa.String(32)),
            sa.Column("last_used", sa.String(32)),
        ),
    ]


def upgrade() -> None:
    bind = op.get_bind()
    existing = set(sa.inspect(bind).get_table_names())
    for table in _tables():
        if table.name not in existing:
            table.create(bind)
    if "snapshots" in existing:
        columns = {column["name"] for column in sa.inspect(bind).get_columns("snapshots")}
        if "content_sha256" not in columns:
            op.add_column("snapshots", sa.Column("content_sha256", sa.String(64)))
