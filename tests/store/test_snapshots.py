"""Versioned snapshots in a real SQLite file: provenance, the active pointer, refusals."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from interdict.errors import NotFoundError, StoreError, UpdateError
from interdict.model import Entity
from interdict.sources.base import ParseResult, entity_id
from interdict.store import FileProvenance, SnapshotStore, StoreSettings, open_store

DATASET = "un_sc_sanctions"


def make_entity(n: int, name: str | None = None, schema: str = "Person", dataset: str = DATASET) -> Entity:
    source_id = f"QDi.{n:03d}"
    entity = Entity(id=entity_id(dataset, source_id), dataset=dataset, source_id=source_id, schema=schema)
    entity.add_name(name or f"Person Number {n}", kind="primary")
    return entity


def make_result(
    count: int, start: int = 0, published: str | None = "2026-02-27", warnings: list[str] | None = None
) -> ParseResult:
    people = [make_entity(n) for n in range(start, start + count)]
    return ParseResult(entities=people, published=published, warnings=list(warnings or []))


def file_prov(role: str, data: bytes, origin: str = "https://example.org/list.xml") -> FileProvenance:
    return FileProvenance(role=role, name=f"{role}.csv", origin=origin, sha256=hashlib.sha256(data).hexdigest(), bytes=len(data))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SnapshotStore]:
    store = open_store(f"sqlite:///{tmp_path / 'snapshots.db'}")
    yield store
    store.engine.dispose()


def add(store: SnapshotStore, result: ParseResult, force: bool = False, origin: str = "test") -> int:
    files = [file_prov("main", b"x" * len(result.entities))]
    return store.add_snapshot(DATASET, "un_xml", result, files, origin=origin, force=force).id


def test_add_snapshot_records_provenance(store: SnapshotStore) -> None:
    files = [file_prov("sdn", b"sdn bytes", "https://ofac/SDN.CSV"), file_prov("alt", b"alt bytes", "https://ofac/ALT.CSV")]
    entities = [make_entity(1), make_entity(2), make_entity(3, "ACME TRADING", schema="Organization")]
    result = ParseResult(entities=entities, published="2026-02-27", warnings=["1 row skipped"])
    before = datetime.now(UTC).replace(microsecond=0)

    snap = store.add_snapshot(DATASET, "un_xml", result, files, origin="https://ofac/ALT.CSV; https://ofac/SDN.CSV")

    assert snap.dataset == DATASET and snap.parser == "un_xml"
    assert snap.origin == "https://ofac/ALT.CSV; https://ofac/SDN.CSV"
    assert snap.files == files
    assert snap.files[0].sha256 == hashlib.sha256(b"sdn bytes").hexdigest()
    assert snap.files[0].bytes == len(b"sdn bytes")
    # The combined digest covers every file by role, in role order, independent of list order.
    expected = hashlib.sha256()
    for role, data in sorted([("sdn", b"sdn bytes"), ("alt", b"alt bytes")]):
        expected.update(f"{role}:{hashlib.sha256(data).hexdigest()}\n".encode())
    assert snap.sha256 == expected.hexdigest()
    assert snap.published == "2026-02-27"
    loaded = datetime.fromisoformat(snap.loaded_at)
    assert loaded.tzinfo is not None and before <= loaded <= datetime.now(UTC) + timedelta(seconds=1)
    assert snap.entries == 3
    assert snap.counts == {"Organization": 1, "Person": 2}
    assert snap.warnings == ["1 row skipped"]
    # What is read back later (another connection) is the same record.
    assert store.snapshot(snap.id) == snap
    assert store.active_snapshot(DATASET) == snap
    assert store.entity_count(snap.id) == 3


def test_combined_digest_changes_with_any_file(store: SnapshotStore) -> None:
    one = store.add_snapshot(DATASET, "un_xml", make_result(5), [file_prov("main", b"a")], origin="x")
    two = store.add_snapshot(DATASET, "un_xml", make_result(5, published="2026-03-01"), [file_prov("main", b"b")], origin="x")
    three = store.add_snapshot(DATASET, "un_xml", make_result(5, published="2026-03-02"), [file_prov("main", b"b")], origin="x")
    assert one.sha256 != two.sha256
    assert two.sha256 == three.sha256
    assert len({one.id, two.id, three.id}) == 3  # a new publication date is new content


def test_new_snapshot_swaps_the_active_pointer(store: SnapshotStore) -> None:
    first = add(store, make_result(10))
    changed = make_result(10, start=1)  # QDi.000 delisted, QDi.010 added
    changed.entities[0].add_name("Renamed Person", kind="alias")
    second = add(store, changed)

    assert second != first
    assert store.active_snapshot(DATASET).id == second
    assert [snap.id for snap in store.active_snapshots()] == [second]
    ids = [entity.id for entity in store.active_entities()]
    assert len(ids) == 10 and entity_id(DATASET, "QDi.010") in ids and entity_id(DATASET, "QDi.000") not in ids
    assert [name.full for name in store.get_entity(entity_id(DATASET, "QDi.001")).names] == ["Person Number 1", "Renamed Person"]
    with pytest.raises(NotFoundError):
        store.get_entity(entity_id(DATASET, "QDi.000"))  # still in the old snapshot, but not active
    assert next(store.iter_entities([first])).id == entity_id(DATASET, "QDi.000")


def test_datasets_have_independent_pointers(store: SnapshotStore) -> None:
    un = add(store, make_result(4))
    other = ParseResult(entities=[make_entity(1, dataset="us_ofac_sdn")])
    sdn = store.add_snapshot("us_ofac_sdn", "ofac_csv", other, [file_prov("sdn", b"s")], origin="y").id
    assert {snap.dataset: snap.id for snap in store.active_snapshots()} == {DATASET: un, "us_ofac_sdn": sdn}
    assert [entity.dataset for entity in store.active_entities(["us_ofac_sdn"])] == ["us_ofac_sdn"]
    assert len(list(store.active_entities())) == 5


def test_shrinking_more_than_ten_percent_is_refused(store: SnapshotStore) -> None:
    first = add(store, make_result(100))
    with pytest.raises(UpdateError) as refused:
        add(store, make_result(89))
    message = str(refused.value)
    assert "89 entries" in message and "11 fewer" in message and "100" in message and "--force" in message
    # Nothing was written and the previous snapshot stays active.
    assert store.active_snapshot(DATASET).id == first
    assert [snap.id for snap in store.history(DATASET)] == [first]
    assert len(list(store.active_entities())) == 100


def test_losing_exactly_ten_percent_is_accepted(store: SnapshotStore) -> None:
    add(store, make_result(100))
    accepted = add(store, make_result(90))
    assert store.active_snapshot(DATASET).id == accepted


def test_force_accepts_a_large_shrink(store: SnapshotStore) -> None:
    add(store, make_result(100))
    forced = add(store, make_result(5), force=True)
    assert store.active_snapshot(DATASET).id == forced
    assert store.active_snapshot(DATASET).entries == 5
    assert len(list(store.active_entities())) == 5


def test_empty_result_is_refused_even_when_forced(store: SnapshotStore) -> None:
    with pytest.raises(UpdateError, match="no entries"):
        add(store, make_result(0))
    first = add(store, make_result(3))
    with pytest.raises(UpdateError, match="no entries"):
        add(store, make_result(0), force=True)
    assert store.active_snapshot(DATASET).id == first
    assert len(store.history(DATASET)) == 1


def test_duplicate_entity_ids_are_refused(store: SnapshotStore) -> None:
    first = add(store, make_result(3))
    result = make_result(3)
    result.entities.append(make_entity(1, "Another Person"))
    with pytest.raises(UpdateError, match="un_sc_sanctions-QDi.001"):
        add(store, result, force=True)
    assert store.active_snapshot(DATASET).id == first
    assert len(store.history(DATASET)) == 1


def test_history_is_newest_first_and_prune_keeps_the_active(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'history.db'}", StoreSettings(keep_snapshots=10))
    ids = [add(store, make_result(10, start=n)) for n in range(2)] + [add(store, make_result(10, start=n), force=True) for n in range(2, 5)]
    assert [snap.id for snap in store.history(DATASET)] == ids[::-1]
    assert store.history("us_ofac_sdn") == []

    assert store.prune(DATASET, keep=2) == 3
    assert [snap.id for snap in store.history(DATASET)] == [ids[4], ids[3]]
    assert store.baseline(DATASET).snapshot_id == ids[4]  # the last forced load
    for gone in ids[:3]:
        assert store.entity_count(gone) == 0
        with pytest.raises(NotFoundError):
            store.snapshot(gone)
    assert store.prune(DATASET, keep=2) == 0
    # keep=0 still never deletes the active snapshot.
    assert store.prune(DATASET, keep=0) == 1
    assert [snap.id for snap in store.history(DATASET)] == [ids[4]]
    assert store.active_snapshot(DATASET).id == ids[4]
    assert len(list(store.active_entities())) == 10
    store.engine.dispose()


def test_get_entity_unknown_id(store: SnapshotStore) -> None:
    add(store, make_result(3))
    assert store.get_entity(entity_id(DATASET, "QDi.002")).caption == "Person Number 2"
    with pytest.raises(NotFoundError, match="no-such-entity") as missing:
        store.get_entity("no-such-entity")
    assert "interdict screen" in str(missing.value)
    with pytest.raises(NotFoundError):
        store.snapshot(12345)


def test_store_survives_reopening(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'again.db'}"
    first = open_store(url)
    snap = add(first, make_result(7))
    first.engine.dispose()
    again = open_store(url)
    assert again.active_snapshot(DATASET).id == snap
    assert len(list(again.active_entities())) == 7
    again.engine.dispose()


def test_empty_store() -> None:
    store = open_store("sqlite:///:memory:")
    assert store.active_snapshots() == []
    assert store.active_snapshot(DATASET) is None
    assert list(store.active_entities()) == []


@pytest.mark.parametrize(
    "content",
    [b"this is a text file, not a database\n" * 20, bytes(range(256)) * 40],
    ids=["text", "binary"],
)
def test_a_file_that_is_not_sqlite_gives_store_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "interdict.db"
    path.write_bytes(content)
    with pytest.raises(StoreError, match="not a database"):
        open_store(f"sqlite:///{path}")
    assert path.read_bytes() == content  # not "repaired" or overwritten


def test_a_truncated_store_gives_store_error(tmp_path: Path, un_template: Path) -> None:
    data = un_template.read_bytes()
    path = tmp_path / "cut.db"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(StoreError, match="malformed"):
        open_store(f"sqlite:///{path}")


def test_another_programs_sqlite_database_gives_store_error(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE snapshots (x INTEGER)")
        conn.execute("INSERT INTO snapshots VALUES (1)")
    conn.close()
    with pytest.raises(StoreError, match="interdict database"):
        open_store(f"sqlite:///{path}")


def test_unusable_paths_give_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(StoreError):
        open_store(f"sqlite:///{blocker / 'sub' / 'interdict.db'}")  # parent is a file
    with pytest.raises(StoreError):
        open_store(f"sqlite:///{tmp_path}")  # a directory
    with pytest.raises(StoreError):
        open_store("nosuchdriver://somewhere/db")


def test_a_store_another_process_holds_locked_opens_once_it_is_free(tmp_path: Path) -> None:
    """`serve --workers 2` on a first run: one worker creates and seeds the new database while the other opens it.
    SQLite refuses past its busy timeout (on a loaded machine); opening tries again rather than failing."""
    import sqlite3
    import threading

    from sqlalchemy import create_engine

    from interdict.store.snapshots import SnapshotStore

    path = tmp_path / "busy.db"
    holder = sqlite3.connect(path, check_same_thread=False)
    holder.execute("CREATE TABLE held (x)")
    holder.execute("BEGIN EXCLUSIVE")
    threading.Timer(1.5, holder.rollback).start()
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.1})  # gives up at once when locked
    try:
        store = SnapshotStore(engine)
        assert store.active_snapshots() == []
    finally:
        engine.dispose()
        holder.close()
