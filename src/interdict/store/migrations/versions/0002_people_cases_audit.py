"""People, the watch register, alerts, cases, four-eyes decisions and the hash-chained audit log.

Revision ID: 0002
Revises: 0001

Every existing API key is given a user of its own (`key-<id>`, with the key's
role), so keys made before users existed keep working with the same rights.
On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE on `audit_log`
(and on SQLite one refuses UPDATE and DELETE; there, anyone who can write the
file can drop it, so `interdict audit verify` is the safeguard).
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
LIVE = "origin = 'register' AND status IN ('open', 'pending', 'escalated')"

PG_APPEND_ONLY = """
CREATE OR REPLACE FUNCTION interdict_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % refused', TG_OP;
END
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    users = op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("disabled_at", sa.String(32)),
    )
    with op.batch_alter_table("api_keys") as batch:
        batch.add_column(sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", name="api_keys_user")))
    bind = op.get_bind()
    keys = sa.table("api_keys", sa.column("id", sa.Integer), sa.column("role", sa.String), sa.column("user_id", sa.Integer))
    for key_id, role in bind.execute(sa.select(keys.c.id, keys.c.role).order_by(keys.c.id)).all():
        user_id = bind.execute(sa.insert(users).values(name=f"key-{key_id}", role=role, created_at=now)).inserted_primary_key[0]  # type: ignore[index]  # one-column primary key
        bind.execute(sa.update(keys).where(keys.c.id == key_id).values(user_id=user_id))

    op.create_table(
        "register_parties",
        sa.Column("party_id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("data_sha256", sa.String(64), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("screened_version", sa.Integer),
        sa.Column("added_at", sa.String(32), nullable=False),
        sa.Column("updated_at", sa.String(32), nullable=False),
    )
    op.create_index("register_by_update", "register_parties", ["updated_at"])
    op.create_table(
        "register_history",
        sa.Column("party_id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("data_sha256", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assignee", sa.String(100)),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("origin", sa.String(16), nullable=False),
        sa.Column("party_id", sa.String(200), nullable=False),
        sa.Column("party_version", sa.Integer),
        sa.Column("party_sha256", sa.String(64), nullable=False),
        sa.Column("party_data", sa.Text, nullable=False),
        sa.Column("entity_id", sa.String(200), nullable=False),
        sa.Column("dataset", sa.String(64), nullable=False),
        sa.Column("entry_sha256", sa.String(64), nullable=False),
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("match", sa.Boolean, nullable=False),
        sa.Column("explanation", sa.Text, nullable=False),
        sa.Column("hit", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("assignee", sa.String(100)),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("closed_at", sa.String(32)),
        sa.Column("closed_snapshot_id", sa.Integer),
        sa.Column("closed_reason", sa.Text),
    )
    op.create_index("one_live_alert_per_pair", "alerts", ["party_id", "entity_id"], unique=True, sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    op.create_index("alerts_by_entity", "alerts", ["entity_id", "status"])
    op.create_index("alerts_by_status", "alerts", ["status"])
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id")),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id"), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("proposed_by", sa.Integer, sa.ForeignKey("users.id"), nullable=False),
        sa.Column("proposed_at", sa.String(32), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("checked_by", sa.Integer, sa.ForeignKey("users.id")),
        sa.Column("checked_at", sa.String(32)),
        sa.Column("note", sa.Text),
        sa.CheckConstraint("checked_by IS NULL OR checked_by <> proposed_by", name="maker_is_not_checker"),
        sa.CheckConstraint("outcome IN ('true_match', 'false_positive', 'escalate')", name="known_outcome"),
        sa.CheckConstraint("(state IN ('proposed', 'withdrawn')) = (checked_by IS NULL)", name="checked_when_decided"),
    )
    op.create_index("one_proposal_per_alert", "decisions", ["alert_id"], unique=True, sqlite_where=sa.text("state = 'proposed'"), postgresql_where=sa.text("state = 'proposed'"))
    op.create_table(
        "suppressions",
        sa.Column("party_id", sa.String(200), primary_key=True),
        sa.Column("entity_id", sa.String(200), primary_key=True),
        sa.Column("party_sha256", sa.String(64), nullable=False),
        sa.Column("entry_sha256", sa.String(64), nullable=False),
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id"), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    op.create_table(
        "monitored_snapshots",
        sa.Column("dataset", sa.String(64), primary_key=True),
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    bind.execute(sa.insert(head).values(id=1, seq=0, hash=GENESIS))
    if bind.dialect.name == "postgresql":
        op.execute(PG_APPEND_ONLY)
        op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION interdict_audit_append_only()")
        op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION interdict_audit_append_only()")
    elif bind.dialect.name == "sqlite":
        op.execute("CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END")
        op.execute("CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END")
