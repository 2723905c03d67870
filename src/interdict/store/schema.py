"""The snapshot store's tables, and how an older store is brought up to date.

There is no migration framework: every change so far only adds, so opening a
store creates the tables it lacks and adds the nullable columns it lacks.
Older interdict versions keep working on an upgraded store (they read the
columns they know and ignore the new tables). Adding is idempotent and safe
when two processes open the same old store at once: a column the other one
added first is simply found on the second look.

Added after the first release:
- `snapshots.content_sha256`: digest of the parsed entries, to store identical content once;
- `baselines`: per list, the snapshot a person last reviewed (the shrink and churn guard's reference);
- `snapshot_pins`: snapshots kept whatever the retention setting says (alerts and decisions refer to them);
- `snapshot_checks`: when and from where an identical list was last confirmed;
- `expected_lists`: the lists this store was set up to hold (bundled seeding resumes until all are there).
"""

from __future__ import annotations

from sqlalchemy import Column, Engine, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text, inspect, text
from sqlalchemy.exc import SQLAlchemyError

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

TABLES = (snapshots, entities, active, baselines, snapshot_pins, snapshot_checks, expected_lists)

# Columns added to tables of the first release: (table, column, SQL type). Nullable, no default.
ADDED_COLUMNS = (("snapshots", "content_sha256", "VARCHAR(64)"),)


def create_or_upgrade(engine: Engine) -> None:
    """Create missing tables and add missing columns; raises SQLAlchemyError when the database refuses."""
    try:
        metadata.create_all(engine)
    except SQLAlchemyError:
        # Two processes opening a new store at once (`serve --workers 2` on a first run) both see a
        # table missing and both create it: the loser's "already exists" is no failure. Check again.
        metadata.create_all(engine)
    for table, column, sql_type in ADDED_COLUMNS:
        if _has_column(engine, table, column):
            continue
        try:
            with engine.begin() as conn:
                conn.execute(text(f"ALTER TABLE {table} ADD COLUMN {column} {sql_type}"))
        except SQLAlchemyError:
            if not _has_column(engine, table, column):  # not a race with another process: a real failure
                raise


def _has_column(engine: Engine, table: str, column: str) -> bool:
    return any(item["name"] == column for item in inspect(engine).get_columns(table))
