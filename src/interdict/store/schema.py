"""The store's tables, and how a store made before migrations is brought up to date.

Schema changes go through alembic (`store/migrations/`, run by
`store.migrate.upgrade` whenever a store is opened). The tables below are the
current shape the code reads and writes; each migration creates or alters its
own frozen copy. Before migrations, opening a store created the tables it
lacked and added nullable columns; revision 0001 does exactly that once more,
so such a store comes under alembic without losing a row.

Added after the first release:
- `snapshots.content_sha256`: digest of the parsed entries, to store identical content once;
- `baselines`: per list, the snapshot a person last reviewed (the shrink and churn guard's reference);
- `snapshot_pins`: snapshots kept whatever the retention setting says (alerts and decisions refer to them);
- `snapshot_checks`: when and from where an identical list was last confirmed;
- `expected_lists`: the lists this store was set up to hold (bundled seeding resumes until all are there).
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)

metadata = MetaData()

snapshots = Table(
    "snapshots",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("dataset", String(64), nullable=False, index=True),
    Column("parser", String(64), nullable=False),
    Column("origin", Text, nullable=False),
    Column("files", Text, nullable=False),  # JSON: [{role, name, origin, sha256, bytes, checksum_from}]
    Column("sha256", String(64), nullable=False),
    Column("published", String(32)),
    Column("loaded_at", String(32), nullable=False),
    Column("entries", Integer, nullable=False),
    Column("counts", Text, nullable=False),  # JSON {schema: n}
    Column("warnings", Text, nullable=False),  # JSON [str]
    Column("content_sha256", String(64)),  # added later: NULL on rows written before
)

entities = Table(
    "entities",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
    Column("entity_id", String(200), primary_key=True),
    Column("schema", String(32), nullable=False),
    Column("caption", Text, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

active = Table(
    "active",
    metadata,
    Column("dataset", String(64), primary_key=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
)

baselines = Table(
    "baselines",
    metadata,
    Column("dataset", String(64), primary_key=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
    Column("accepted_at", String(32), nullable=False),
    Column("reason", String(16), nullable=False),  # store.snapshots.Review
)

snapshot_pins = Table(
    "snapshot_pins",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), primary_key=True),
    Column("reason", String(200), primary_key=True),
    Column("pinned_at", String(32), nullable=False),
)

snapshot_checks = Table(
    "snapshot_checks",
    metadata,
    Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
    Column("checks", Integer, nullable=False),
    Column("last_checked_at", String(32), nullable=False),
    Column("origin", Text, nullable=False),
    Column("files", Text, nullable=False),  # JSON, as snapshots.files: what the last confirming load read
)

expected_lists = Table(
    "expected_lists",
    metadata,
    Column("dataset", String(64), primary_key=True),
    Column("since", String(32), nullable=False),
)

api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("secret_sha256", String(64), nullable=False, unique=True),
    Column("prefix", String(16), nullable=False),
    Column("role", String(16), nullable=False),
    Column("label", Text, nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
    Column("last_used", String(32)),
    Column("user_id", Integer, ForeignKey("users.id")),  # revision 0002: every key belongs to a user
)

# The tables of the first release (and what create_or_upgrade added to them before migrations).
TABLES = (snapshots, entities, active, baselines, snapshot_pins, snapshot_checks, expected_lists)

# --- revision 0002: people, the watch register, alerts, cases, decisions, audit ---------------

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("role", String(16), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("disabled_at", String(32)),
    Column("password_hash", String(200)),  # revision 0004: argon2id, for the web UI's login (NULL: no UI login)
)

register_parties = Table(
    "register_parties",
    metadata,
    Column("party_id", String(200), primary_key=True),
    Column("version", Integer, nullable=False),
    Column("data", Text, nullable=False),  # JSON: the screen-file row as read (rows.read_row)
    Column("data_sha256", String(64), nullable=False),
    Column("status", String(16), nullable=False),  # cases.register.PartyStatus
    Column("screened_version", Integer),  # the version last screened; behind `version` until its alerts are written
    Column("added_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Index("register_by_update", "updated_at"),  # the parties changed since the register's index was built
)

register_history = Table(
    "register_history",
    metadata,
    Column("party_id", String(200), primary_key=True),
    Column("version", Integer, primary_key=True),
    Column("data", Text, nullable=False),
    Column("data_sha256", String(64), nullable=False),
    Column("action", String(16), nullable=False),  # added, updated, removed, restored
    Column("at", String(32), nullable=False),
    Column("actor", String(100), nullable=False),
)

cases = Table(
    "cases",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("title", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("assignee", String(100)),
    Column("created_by", String(100), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("version", Integer, nullable=False),
)

alerts = Table(
    "alerts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("origin", String(16), nullable=False),  # register (monitoring) or screening (recorded one-off)
    Column("party_id", String(200), nullable=False),
    Column("party_version", Integer),
    Column("party_sha256", String(64), nullable=False),
    Column("party_data", Text, nullable=False),
    Column("entity_id", String(200), nullable=False),
    Column("dataset", String(64), nullable=False),
    Column("entry_sha256", String(64), nullable=False),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
    Column("score", Float, nullable=False),
    Column("match", Boolean, nullable=False),
    Column("explanation", Text, nullable=False),
    Column("hit", Text, nullable=False),  # JSON: the hit as screening returned it (relation path included)
    Column("status", String(16), nullable=False),  # cases.AlertStatus
    Column("reason", Text, nullable=False),  # why it was raised (or why it is back)
    Column("case_id", Integer, ForeignKey("cases.id")),
    Column("assignee", String(100)),
    Column("version", Integer, nullable=False),  # optimistic concurrency: every change bumps it
    Column("created_at", String(32), nullable=False),
    Column("closed_at", String(32)),
    Column("closed_snapshot_id", Integer),
    Column("closed_reason", Text),
    Index(
        "one_live_alert_per_pair",
        "party_id",
        "entity_id",
        unique=True,
        sqlite_where=text("origin = 'register' AND status IN ('open', 'pending', 'escalated')"),
        postgresql_where=text("origin = 'register' AND status IN ('open', 'pending', 'escalated')"),
    ),
    Index("alerts_by_entity", "entity_id", "status"),
    Index("alerts_by_status", "status"),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id")),
    Column("case_id", Integer, ForeignKey("cases.id")),
    Column("author", String(100), nullable=False),
    Column("body", Text, nullable=False),
    Column("at", String(32), nullable=False),
)

decisions = Table(
    "decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("alert_id", Integer, ForeignKey("alerts.id"), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("reason", Text, nullable=False),
    Column("proposed_by", Integer, ForeignKey("users.id"), nullable=False),
    Column("proposed_at", String(32), nullable=False),
    Column("state", String(16), nullable=False),  # proposed, approved, rejected
    Column("checked_by", Integer, ForeignKey("users.id")),
    Column("checked_at", String(32)),
    Column("note", Text),
    CheckConstraint("checked_by IS NULL OR checked_by <> proposed_by", name="maker_is_not_checker"),
    CheckConstraint("outcome IN ('true_match', 'false_positive', 'escalate')", name="known_outcome"),
    CheckConstraint("(state IN ('proposed', 'withdrawn')) = (checked_by IS NULL)", name="checked_when_decided"),
    Index(
        "one_proposal_per_alert",
        "alert_id",
        unique=True,
        sqlite_where=text("state = 'proposed'"),
        postgresql_where=text("state = 'proposed'"),
    ),
)

suppressions = Table(
    "suppressions",
    metadata,
    Column("party_id", String(200), primary_key=True),
    Column("entity_id", String(200), primary_key=True),
    Column("party_sha256", String(64), nullable=False),
    Column("entry_sha256", String(64), nullable=False),
    Column("decision_id", Integer, ForeignKey("decisions.id"), nullable=False),
    Column("at", String(32), nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("at", String(32), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(64), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("data", Text, nullable=False),  # canonical JSON
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)

# Per list, the snapshot whose changes the watch register has been screened against: a re-screen
# that dies half-way is resumed from here (cases.monitor.catch_up), never skipped.
monitored_snapshots = Table(
    "monitored_snapshots",
    metadata,
    Column("dataset", String(64), primary_key=True),
    Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False),
)

# Per list entry or relation node that reaches something through relations (ownership, control, family,
# associates): a digest of its reach-through rows as the watch register was last screened with them. An
# entry whose digest changes ("derived status changed") is screened against the register (cases.monitor).
monitored_reach = Table(
    "monitored_reach",
    metadata,
    Column("entity_id", String(200), primary_key=True),
    Column("digest", String(64), nullable=False),
)

# One row: the chain's head. Every audited transaction updates it first, which serialises
# appenders on both databases (SQLite's write lock, PostgreSQL's row lock) before they read it.
audit_head = Table(
    "audit_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("seq", Integer, nullable=False),
    Column("hash", String(64), nullable=False),
)

# --- revision 0004: web UI sessions ------------------------------------------------------

# One row per logged-in browser: the SHA-256 of the cookie's random token (a stolen database does not
# log anyone in), the session's CSRF token, and a one-shot message for the next page (`flash`).
ui_sessions = Table(
    "ui_sessions",
    metadata,
    Column("token_sha256", String(64), primary_key=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("csrf", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("last_seen_at", String(32), nullable=False),
    Column("expires_at", String(32), nullable=False, index=False),
    Column("flash", Text),
    Index("ui_sessions_by_expiry", "expires_at"),
)
