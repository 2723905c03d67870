"""The snapshot lifecycle on real SQLite and PostgreSQL: identical loads stored once, retention, pins, baselines, upgrades.

Every test runs on both back ends (PostgreSQL when INTERDICT_TEST_POSTGRES is
set; CI starts one with .ci/postgres.sh): the store code is shared.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Column, ForeignKey, Integer, LargeBinary, MetaData, String, Table, Text, create_engine, inspect, text

from interdict.errors import InputError, NotFoundError, StoreError, UpdateError
from interdict.model import Entity
from interdict.sources.base import ParseResult, entity_id
from interdict.store import FileProvenance, Review, SnapshotStore, StoreSettings, open_store

DATASET = "un_sc_sanctions"
PG_URL = os.environ.get("INTERDICT_TEST_POSTGRES")


def person(n: int, name: str | None = None, passport: str | None = None) -> Entity:
    entity = Entity(id=entity_id(DATASET, f"QDi.{n:03d}"), dataset=DATASET, source_id=f"QDi.{n:03d}", schema="Person")
    entity.add_name(name or f"Person Number {n}", kind="primary")
    if passport:
        entity.add_identifier("passport", passport)
    return entity


def result(count: int, start: int = 0, published: str = "2026-02-27") -> ParseResult:
    return ParseResult(entities=[person(n) for n in range(start, start + count)], published=published)


def prov(data: bytes, origin: str = "https://example.org/list.xml") -> list[FileProvenance]:
    return [FileProvenance(role="main", name="list.xml", origin=origin, sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))]


@pytest.fixture(params=["sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lifecycle.db'}"
        return
    if not PG_URL:
        pytest.skip("INTERDICT_TEST_POSTGRES is not set (CI sets it; see .ci/postgres.sh)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    yield f"{PG_URL}?options=-csearch_path%3D{schema}"
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def make_store(url: str, **settings: float) -> SnapshotStore:
    return open_store(url, StoreSettings(**settings))  # type: ignore[arg-type]  # test values of the right types


@pytest.fixture
def store(url: str) -> Iterator[SnapshotStore]:
    store = make_store(url)
    yield store
    store.engine.dispose()


def table_rows(store: SnapshotStore, table: str) -> int:
    with store.engine.connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


# --- identical content is stored once -------------------------------------------------


def test_fifteen_identical_loads_store_one_snapshot(store: SnapshotStore) -> None:
    first = store.add_snapshot(DATASET, "un_xml", result(300), prov(b"v1", "bundled:list.xml"), origin="bundled", review=Review.BUNDLED)
    for n in range(14):
        again = store.add_snapshot(DATASET, "un_xml", result(300), prov(b"v1", f"https://mirror/{n}"), origin=f"https://mirror/{n}")
        assert again.id == first.id
    assert table_rows(store, "snapshots") == 1 and table_rows(store, "entities") == 300
    snap = store.active_snapshot(DATASET)
    assert snap.confirmed is not None and snap.confirmed.checks == 14
    assert snap.confirmed.origin == "https://mirror/13" and snap.confirmed.files[0].origin == "https://mirror/13"
    assert snap.last_confirmed_at >= snap.loaded_at
    assert snap.origin == "bundled" and snap.files[0].origin == "bundled:list.xml"  # the first load's provenance stays


def test_same_entities_in_other_order_or_bytes_are_the_same_content(store: SnapshotStore) -> None:
    first = store.add_snapshot(DATASET, "un_xml", result(50), prov(b"a"), origin="x")
    shuffled = result(50)
    shuffled.entities.reverse()
    assert store.add_snapshot(DATASET, "un_xml", shuffled, prov(b"re-encoded file"), origin="y").id == first.id


@pytest.mark.parametrize(
    "change",
    ["published", "parser", "one alias", "one entry more"],
)
def test_any_difference_is_a_new_snapshot(store: SnapshotStore, change: str) -> None:
    first = store.add_snapshot(DATASET, "un_xml", result(50), prov(b"a"), origin="x")
    new = result(50, published="2026-03-01" if change == "published" else "2026-02-27")
    if change == "one alias":
        new.entities[7].add_name("Another Alias", kind="alias")
    if change == "one entry more":
        new.entities.append(person(99))
    parser = "un_xml_other" if change == "parser" else "un_xml"
    second = store.add_snapshot(DATASET, parser, new, prov(b"b"), origin="y")
    assert second.id != first.id and store.active_snapshot(DATASET).id == second.id


def test_forcing_identical_content_makes_it_the_baseline(store: SnapshotStore) -> None:
    first = store.add_snapshot(DATASET, "un_xml", result(100), prov(b"a"), origin="x")
    second = store.add_snapshot(DATASET, "un_xml", result(95, start=5), prov(b"b"), origin="y")
    assert store.baseline(DATASET).snapshot_id == first.id  # the first load: nothing to compare it with
    assert store.baseline(DATASET).reason is Review.FIRST
    again = store.add_snapshot(DATASET, "un_xml", result(95, start=5), prov(b"b"), origin="z", force=True)
    assert again.id == second.id
    baseline = store.baseline(DATASET)
    assert (baseline.snapshot_id, baseline.reason) == (second.id, Review.FORCED)


# --- retention and pins -----------------------------------------------------------------


def grow(store: SnapshotStore, steps: int, start: int = 0) -> list[int]:
    """Snapshots that each add one entry (always accepted): distinct content, newest last."""
    return [store.add_snapshot(DATASET, "un_xml", result(100 + n), prov(b"%d" % n), origin="x").id for n in range(start, start + steps)]


def test_only_the_newest_snapshots_are_kept_after_each_update(url: str) -> None:
    store = make_store(url, keep_snapshots=3)
    ids = grow(store, 6)
    kept = [snap.id for snap in store.history(DATASET)]
    # Newest three, plus the first load (the baseline: the guard's reference is never pruned).
    assert kept == [ids[5], ids[4], ids[3], ids[0]]
    assert table_rows(store, "entities") == sum(100 + n for n in (5, 4, 3, 0))
    assert store.active_snapshot(DATASET).id == ids[5]
    store.engine.dispose()


def test_pinned_snapshots_survive_pruning_until_unpinned(url: str) -> None:
    store = make_store(url, keep_snapshots=2)
    ids = grow(store, 2)
    pin = store.pin_snapshot(ids[1], "alert 17")
    store.pin_snapshot(ids[1], "decision 4")
    assert store.pin_snapshot(ids[1], "alert 17") == pin  # idempotent
    assert [p.reason for p in store.pins(ids[1])] == ["alert 17", "decision 4"]
    grow(store, 4, start=2)
    history = [snap.id for snap in store.history(DATASET)]
    assert ids[1] in history and ids[0] in history  # pinned, and the baseline
    assert len(history) == 4
    assert store.unpin_snapshot(ids[1], "alert 17") == 1
    assert store.prune(DATASET) == 0  # still pinned for the decision
    assert store.unpin_snapshot(ids[1]) == 1
    assert store.prune(DATASET) == 1
    assert ids[1] not in [snap.id for snap in store.history(DATASET)]
    assert store.pins() == []
    with pytest.raises(NotFoundError):
        store.snapshot(ids[1])
    store.engine.dispose()


def test_pin_errors(store: SnapshotStore) -> None:
    (first,) = grow(store, 1)
    with pytest.raises(NotFoundError):
        store.pin_snapshot(first + 1000, "alert 1")
    with pytest.raises(InputError, match="reason"):
        store.pin_snapshot(first, "   ")
    assert store.pins() == []


def test_accepting_moves_the_baseline_and_releases_the_old_one(url: str) -> None:
    store = make_store(url, keep_snapshots=1)
    ids = grow(store, 3)
    assert [snap.id for snap in store.history(DATASET)] == [ids[2], ids[0]]
    accepted = store.accept(DATASET)
    assert (accepted.snapshot_id, accepted.reason) == (ids[2], Review.ACCEPTED)
    grow(store, 1, start=3)
    assert len(store.history(DATASET)) == 2  # the new active one, and the accepted baseline; the first load is gone
    with pytest.raises(NotFoundError):
        store.accept("us_ofac_sdn")
    with pytest.raises(NotFoundError):
        store.accept("us_ofac_sdn", snapshot_id=ids[2])
    store.engine.dispose()


def test_a_failed_prune_never_touches_the_new_active_snapshot(tmp_path: Path) -> None:
    """A real database failure during pruning (a trigger that aborts deletes) after a successful swap."""
    url = f"sqlite:///{tmp_path / 'prune.db'}"
    store = make_store(url, keep_snapshots=1)
    ids = grow(store, 2)
    with sqlite3.connect(tmp_path / "prune.db") as conn:
        conn.execute("CREATE TRIGGER no_deletes BEFORE DELETE ON entities BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END")
    conn.close()
    newest = store.add_snapshot(DATASET, "un_xml", result(110), prov(b"new"), origin="x")
    assert store.active_snapshot(DATASET).id == newest.id
    assert store.entity_count(newest.id) == 110
    assert {snap.id for snap in store.history(DATASET)} == {ids[0], ids[1], newest.id}  # nothing half-deleted
    assert all(store.entity_count(snap.id) == snap.entries for snap in store.history(DATASET))
    with pytest.raises(StoreError, match="disk I/O error"):
        store.prune(DATASET)
    with sqlite3.connect(tmp_path / "prune.db") as conn:
        conn.execute("DROP TRIGGER no_deletes")
    conn.close()
    assert store.prune(DATASET) == 1  # the next prune catches up
    store.engine.dispose()


# --- the guard, in the store --------------------------------------------------------------


def test_three_small_drops_are_caught_against_the_baseline(store: SnapshotStore) -> None:
    store.add_snapshot(DATASET, "un_xml", result(1000), prov(b"0"), origin="x", review=Review.BUNDLED)
    first = store.add_snapshot(DATASET, "un_xml", result(910, start=90), prov(b"1"), origin="x")  # -9%
    with pytest.raises(UpdateError) as refused:
        store.add_snapshot(DATASET, "un_xml", result(828, start=172), prov(b"2"), origin="x")  # -9% again: -17% of the baseline
    message = str(refused.value)
    assert "reviewed baseline (1000 entries" in message and "shrink 17.2%" in message and "churn 17.2%" in message
    assert "current snapshot (910 entries" in message and "shrink 9.0%" in message
    assert "Limits: shrink 10%, churn 25%" in message and "--force" in message
    assert store.active_snapshot(DATASET).id == first.id


def test_the_same_count_with_every_name_replaced_is_refused(store: SnapshotStore) -> None:
    base = store.add_snapshot(DATASET, "un_xml", result(200), prov(b"0"), origin="x", review=Review.BUNDLED)
    renamed = result(200)
    for entity in renamed.entities:
        entity.names[0].full = "Someone Else " + entity.names[0].full[::-1]
    with pytest.raises(UpdateError) as refused:
        store.add_snapshot(DATASET, "un_xml", renamed, prov(b"1"), origin="x")
    assert "shrink 0.0%" in str(refused.value) and "churn 100.0% (0 removed, 200 with changed names or identifiers)" in str(refused.value)
    assert store.active_snapshot(DATASET).id == base.id


def test_reformatted_names_and_numbers_are_not_churn(store: SnapshotStore) -> None:
    store.add_snapshot(DATASET, "un_xml", ParseResult([person(n, passport=f"A-{n:05d}") for n in range(100)]), prov(b"0"), origin="x")
    reformatted = [person(n, name=f"PERSON  NUMBER {n}", passport=f"a {n:05d}") for n in range(100)]
    accepted = store.add_snapshot(DATASET, "un_xml", ParseResult(reformatted), prov(b"1"), origin="x")
    assert store.active_snapshot(DATASET).id == accepted.id
    new_passports = [person(n, passport=f"B{n:05d}") for n in range(100)]
    with pytest.raises(UpdateError, match="churn 100.0%"):
        store.add_snapshot(DATASET, "un_xml", ParseResult(new_passports), prov(b"2"), origin="x")


def test_limits_come_from_settings(url: str) -> None:
    store = make_store(url, max_shrink=0.5, max_churn=0.6)
    store.add_snapshot(DATASET, "un_xml", result(100), prov(b"0"), origin="x")
    smaller = store.add_snapshot(DATASET, "un_xml", result(55, start=45), prov(b"1"), origin="x")
    assert store.active_snapshot(DATASET).id == smaller.id
    with pytest.raises(UpdateError, match="Limits: shrink 50%, churn 60%"):
        store.add_snapshot(DATASET, "un_xml", result(40, start=60), prov(b"2"), origin="x")
    store.engine.dispose()


def test_settings_from_the_environment() -> None:
    assert StoreSettings.from_env({}) == StoreSettings()
    assert StoreSettings.from_env({"INTERDICT_MAX_SHRINK": "0.05", "INTERDICT_KEEP_SNAPSHOTS": "7"}) == StoreSettings(max_shrink=0.05, keep_snapshots=7)
    with pytest.raises(InputError, match="INTERDICT_MAX_CHURN='lots' is not a number"):
        StoreSettings.from_env({"INTERDICT_MAX_CHURN": "lots"})
    with pytest.raises(InputError, match="between 0 and 1"):
        StoreSettings.from_env({"INTERDICT_MAX_SHRINK": "10"})
    with pytest.raises(InputError, match="at least 1"):
        StoreSettings.from_env({"INTERDICT_KEEP_SNAPSHOTS": "0"})


# --- stores of the first release keep working -----------------------------------------------

def first_release_tables() -> MetaData:
    """The store's tables as the first release created them (before baselines, pins, checks and content digests)."""
    old = MetaData()
    Table(
        "snapshots",
        old,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("dataset", String(64), nullable=False, index=True),
        Column("parser", String(64), nullable=False),
        Column("origin", Text, nullable=False),
        Column("files", Text, nullable=False),
        Column("sha256", String(64), nullable=False),
        Column("published", String(32)),
        Column("loaded_at", String(32), nullable=False),
        Column("entries", Integer, nullable=False),
        Column("counts", Text, nullable=False),
        Column("warnings", Text, nullable=False),
    )
    Table(
        "entities",
        old,
        Column("snapshot_id", Integer, ForeignKey("snapshots.id", ondelete="CASCADE"), primary_key=True),
        Column("entity_id", String(200), primary_key=True),
        Column("schema", String(32), nullable=False),
        Column("caption", Text, nullable=False),
        Column("data", LargeBinary, nullable=False),
    )
    Table("active", old, Column("dataset", String(64), primary_key=True), Column("snapshot_id", Integer, ForeignKey("snapshots.id"), nullable=False))
    return old


def test_a_first_release_store_is_upgraded_in_place(url: str) -> None:
    from interdict.model import entity_to_json

    old = first_release_tables()
    engine = create_engine(url)
    old.create_all(engine)
    files = '[{"role": "main", "name": "list.xml", "origin": "https://example.org/list.xml", "sha256": "%s", "bytes": 2}]' % ("0" * 64)
    with engine.begin() as conn:
        conn.execute(
            old.tables["snapshots"].insert().values(
                id=1, dataset=DATASET, parser="un_xml", origin="https://example.org/list.xml", files=files, sha256="1" * 64,
                published="2026-02-27", loaded_at="2026-03-01T00:00:00+00:00", entries=20, counts='{"Person": 20}', warnings="[]",
            )
        )
        rows = [{"snapshot_id": 1, "entity_id": e.id, "schema": "Person", "caption": e.caption, "data": entity_to_json(e)} for e in result(20).entities]
        conn.execute(old.tables["entities"].insert(), rows)
        conn.execute(old.tables["active"].insert().values(dataset=DATASET, snapshot_id=1))
    engine.dispose()

    store = open_store(url)
    old_snap = store.active_snapshot(DATASET)
    assert (old_snap.id, old_snap.entries, old_snap.content_sha256, old_snap.confirmed) == (1, 20, None, None)
    assert old_snap.files[0].checksum_from is None
    assert store.baseline(DATASET) is None and store.expected_lists() == []
    # The same content again: the digest is computed from the old rows, and it is a confirmation.
    again = store.add_snapshot(DATASET, "un_xml", result(20), prov(b"xx"), origin="https://example.org/list.xml")
    assert again.id == 1 and again.confirmed.checks == 1 and again.content_sha256 is not None
    # With no baseline recorded, the guard measures against the current snapshot.
    with pytest.raises(UpdateError, match="against the current snapshot"):
        store.add_snapshot(DATASET, "un_xml", result(10), prov(b"yy"), origin="x")
    store.engine.dispose()
    # A second open (another process, or the same upgrade racing) finds everything in place.
    reopened = open_store(url)
    assert reopened.active_snapshot(DATASET).content_sha256 == again.content_sha256
    reopened.engine.dispose()
    engine = create_engine(url)
    inspector = inspect(engine)
    assert "content_sha256" in [column["name"] for column in inspector.get_columns("snapshots")]
    assert {"baselines", "snapshot_pins", "snapshot_checks", "expected_lists"} <= set(inspector.get_table_names())
    engine.dispose()
