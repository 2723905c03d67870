"""People, the watch register, alerts, cases, four-eyes decisions and the hash-chained audit log.

Revision ID: 0002
Revises: 0001

Every existing API key is given a user of its own (`key-<id>`, with the key's
role), so keys made before users existed keep working with the same rights.
On PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE on `audit_log`
(and on SQLite one refuses UPDATE and DELETE; there, anyone who can write the
file can drop it, so `interdict audit verify` is the safeguard).

Re-runnable: every step creates only what is missing. On SQLite (Python's
sqlite3 commits DDL as it goes, so a process killed mid-migration can leave
some tables made and the revision not recorded) the next opening finishes the
job instead of failing on "table already exists". The same holds on
PostgreSQL, where the whole revision is one transaction anyway.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

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
    users = _table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("name", sa.String(100), nullable=False, unique=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("disabled_at", sa.String(32)),
    )
    bind = op.get_bind()
    _recover_batch_copy(bind, "api_keys")
    if "user_id" not in {column["name"] for column in sa.inspect(bind).get_columns("api_keys")}:
        with op.batch_alter_table("api_keys") as batch:
            batch.add_column(sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", name="api_keys_user")))
    keys = sa.table("api_keys", sa.column("id", sa.Integer), sa.column("role", sa.String), sa.column("user_id", sa.Integer))
    for key_id, role in bind.execute(sa.select(keys.c.id, keys.c.role).where(keys.c.user_id.is_(None)).order_by(keys.c.id)).all():
        name = f"key-{key_id}"
        user_id = bind.execute(sa.select(users.c.id).where(users.c.name == name)).scalar()  # made by a run cut short
        if user_id is None:
            user_id = bind.execute(sa.insert(users).values(name=name, role=role, created_at=now)).inserted_primary_key[0]  # type: ignore[index]  # one-column primary key
        bind.execute(sa.update(keys).where(keys.c.id == key_id).values(user_id=user_id))

    _table(
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
    _index("register_by_update", "register_parties", ["updated_at"])
    _table(
        "register_history",
        sa.Column("party_id", sa.String(200), primary_key=True),
        sa.Column("version", sa.Integer, primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("data_sha256", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
    )
    _table(
        "cases",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("assignee", sa.String(100)),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.String(32), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
    )
    _table(
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
    _index("one_live_alert_per_pair", "alerts", ["party_id", "entity_id"], unique=True, sqlite_where=sa.text(LIVE), postgresql_where=sa.text(LIVE))
    _index("alerts_by_entity", "alerts", ["entity_id", "status"])
    _index("alerts_by_status", "alerts", ["status"])
    _table(
        "comments",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("alert_id", sa.Integer, sa.ForeignKey("alerts.id")),
        sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id")),
        sa.Column("author", sa.String(100), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    _table(
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
    _index("one_proposal_per_alert", "decisions", ["alert_id"], unique=True, sqlite_where=sa.text("state = 'proposed'"), postgresql_where=sa.text("state = 'proposed'"))
    _table(
        "suppressions",
        sa.Column("party_id", sa.String(200), primary_key=True),
        sa.Column("entity_id", sa.String(200), primary_key=True),
        sa.Column("party_sha256", sa.String(64), nullable=False),
        sa.Column("entry_sha256", sa.String(64), nullable=False),
        sa.Column("decision_id", sa.Integer, sa.ForeignKey("decisions.id"), nullable=False),
        sa.Column("at", sa.String(32), nullable=False),
    )
    _table(
        "monitored_snapshots",
        sa.Column("dataset", sa.String(64), primary_key=True),
        sa.Column("snapshot_id", sa.Integer, sa.ForeignKey("snapshots.id"), nullable=False),
    )
    _table(
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
    head = _table(
        "audit_head",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    if bind.execute(sa.select(sa.func.count()).select_from(head)).scalar() == 0:
        bind.execute(sa.insert(head).values(id=1, seq=0, hash=GENESIS))
    if bind.dialect.name == "postgresql":
        op.execute(PG_APPEND_ONLY)
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION interdict_audit_append_only()")
        op.execute("DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log")
        op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION interdict_audit_append_only()")
    elif bind.dialect.name == "sqlite":
        op.execute("CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: UPDATE refused'); END")
        op.execute("CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'the audit log is append-only: DELETE refused'); END")


def _table(name: str, *columns: Any) -> sa.Table:
    """Create a table unless a run cut short already did; the table either way (for the inserts that follow)."""
    if name in sa.inspect(op.get_bind()).get_table_names():
        return sa.Table(name, sa.MetaData(), *columns)
    table = op.create_table(name, *columns)
    assert table is not None
    return table


def _index(name: str, table: str, columns: list[str], **kw: Any) -> None:
    if name not in {index["name"] for index in sa.inspect(op.get_bind()).get_indexes(table)}:
        op.create_index(name, table, columns, **kw)


def _recover_batch_copy(bind: sa.Connection, table: str) -> None:
    """SQLite's ALTER goes through a copy (`_alembic_tmp_<table>`): finish or undo one a kill interrupted."""
    names = sa.inspect(bind).get_table_names()
    copy = f"_alembic_tmp_{table}"
    if copy not in names:
        return
    if table in names:  # the original is intact: the copy is the abandoned half
        op.execute(f"DROP TABLE {copy}")
    else:  # the original was already dropped: the copy holds every row
        op.execute(f"ALTER TABLE {copy} RENAME TO {table}")
