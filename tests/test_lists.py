"""Getting lists into the store: the bundled snapshot and local files, with provenance."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from interdict import bundle, lists
from interdict.errors import FormatError, InputError, NotFoundError, SourceError, UnknownDatasetError, UnsafeXMLError, UpdateError
from interdict.sources import registry
from interdict.store import SnapshotStore, open_store
from interdict.store.snapshots import combined_sha256

from .conftest import BUNDLED_COUNTS, Seeded
from .helpers import fixture_bytes

OFAC_2021_FILES = ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")  # registry role order: sdn, add, alt, comments


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SnapshotStore]:
    store = open_store(f"sqlite:///{tmp_path / 'lists.db'}")
    yield store
    store.engine.dispose()


# --- the bundled lists --------------------------------------------------------------


def test_seed_loads_every_bundled_list_with_exact_counts(seeded: Seeded) -> None:
    snaps = {snap.dataset: snap for snap in seeded.store.active_snapshots()}
    assert {name: snap.entries for name, snap in snaps.items()} == BUNDLED_COUNTS
    assert set(BUNDLED_COUNTS) == set(registry()) == set(bundle.manifest())
    for name, snap in snaps.items():
        assert sum(snap.counts.values()) == snap.entries, name
        assert seeded.store.entity_count(snap.id) == snap.entries, name
    assert snaps["un_sc_sanctions"].counts == {"Person": 730, "Organization": 273}
    assert snaps["un_sc_sanctions"].published == "2026-02-27"
    assert snaps["au_dfat_sanctions"].published == "2024-11-11"
    # Progress was reported per list, then once at the end.
    assert [entry[0] for entry in seeded.progress[:-1]] == list(bundle.manifest())
    assert seeded.progress[-1] == ("", 8, 8)


def test_seed_provenance_matches_the_manifest(seeded: Seeded) -> None:
    for name, spec in bundle.manifest().items():
        snap = seeded.store.active_snapshot(name)
        assert snap is not None and snap.parser == spec.parser
        by_role = {item.role: item for item in snap.files}
        assert set(by_role) == {item.role for item in spec.files}
        for item in spec.files:
            recorded = by_role[item.role]
            assert recorded.sha256 == item.sha256, (name, item.role)
            assert recorded.bytes == item.bytes
            assert recorded.name == item.original
            assert recorded.origin == f"bundled:{item.original}"
        assert snap.sha256 == combined_sha256(snap.files)
        assert snap.origin.startswith("bundled:")


def test_bundled_bytes_are_the_manifest_bytes() -> None:
    """The bundle itself is intact: decompressed files hash to what the manifest recorded."""
    files = bundle.read_files("un_sc_sanctions")
    (spec,) = bundle.manifest()["un_sc_sanctions"].files
    assert hashlib.sha256(files["main"]).hexdigest() == spec.sha256
    assert len(files["main"]) == spec.bytes


def test_seed_is_idempotent(seeded: Seeded) -> None:
    assert lists.seed_bundle(seeded.store) == []
    assert all(len(seeded.store.history(name)) == 1 for name in BUNDLED_COUNTS)
    assert lists.load_lists() is not None
    assert all(len(seeded.store.history(name)) == 1 for name in BUNDLED_COUNTS)


def test_seed_a_subset(store: SnapshotStore) -> None:
    reports = lists.seed_bundle(store, ["un_sc_sanctions"])
    assert [(report.dataset, report.snapshot.entries, report.error) for report in reports] == [("un_sc_sanctions", 1003, None)]
    assert [snap.dataset for snap in store.active_snapshots()] == ["un_sc_sanctions"]
    assert lists.seed_bundle(store, ["un_sc_sanctions"]) == []


# --- local files ------------------------------------------------------------------


def write_ofac_2021(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in OFAC_2021_FILES:
        path = directory / name
        path.write_bytes(fixture_bytes(f"ofac/2021-07/{name}"))
        paths.append(path)
    return paths


def write_ofac_bundle(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    files = bundle.read_files("us_ofac_sdn")
    paths = []
    for role in ("sdn", "add", "alt", "comments"):
        path = directory / f"{role}.csv"
        path.write_bytes(files[role])
        paths.append(path)
    return paths


def test_load_files_grows_then_refuses_a_shrink_unless_forced(store: SnapshotStore, tmp_path: Path) -> None:
    old_paths = write_ofac_2021(tmp_path / "2021-07")
    new_paths = write_ofac_bundle(tmp_path / "current")

    old = lists.load_files(store, "us_ofac_sdn", old_paths)
    assert old.entries == 8976
    assert old.counts == {"Organization": 3673, "Person": 4620, "Vessel": 406, "Airplane": 277}
    assert [(item.role, item.name) for item in old.files] == [
        ("sdn", "sdn.csv"),
        ("add", "add.csv"),
        ("alt", "alt.csv"),
        ("comments", "sdn_comments.csv"),
    ]
    for item, path in zip(old.files, old_paths):
        assert item.origin == str(path.resolve())
        assert item.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        assert item.bytes == path.stat().st_size
    assert old.origin == "; ".join(sorted(str(path.resolve()) for path in old_paths))

    # The current list is larger: accepted without --force, and swapped in.
    grown = lists.load_files(store, "us_ofac_sdn", new_paths)
    assert grown.entries == 14965
    assert store.active_snapshot("us_ofac_sdn").id == grown.id
    only_old = {entity.id for entity in store.iter_entities([old.id])} - {entity.id for entity in store.active_entities()}
    assert only_old  # entries delisted since 2021 are no longer screened against
    with pytest.raises(NotFoundError):
        store.get_entity(min(only_old))

    # Going back to 2021 would lose 40% of the list: refused, the current list stays.
    with pytest.raises(UpdateError, match="8976 entries") as refused:
        lists.load_files(store, "us_ofac_sdn", old_paths)
    assert "--force" in str(refused.value)
    assert store.active_snapshot("us_ofac_sdn").id == grown.id
    assert len(store.history("us_ofac_sdn")) == 2

    forced = lists.load_files(store, "us_ofac_sdn", old_paths, force=True)
    assert store.active_snapshot("us_ofac_sdn").id == forced.id
    assert forced.entries == 8976
    assert forced.sha256 == old.sha256  # same bytes, same digest


def test_load_files_with_another_parser(store: SnapshotStore, tmp_path: Path) -> None:
    path = tmp_path / "cons_classic.xml"
    path.write_bytes(fixture_bytes("ofac/cons_classic.xml"))
    snap = lists.load_files(store, "us_ofac_cons", [path], parser="ofac_xml")
    assert (snap.parser, snap.entries, snap.published) == ("ofac_xml", 443, "2025-03-28")
    assert [(item.role, item.name) for item in snap.files] == [("main", "cons_classic.xml")]


def test_load_files_unknown_dataset(store: SnapshotStore, tmp_path: Path) -> None:
    with pytest.raises(UnknownDatasetError, match="us_ofac_sdn"):  # the message lists the known ids
        lists.load_files(store, "no_such_list", [tmp_path / "does-not-matter.csv"])
    assert store.active_snapshots() == []


def test_load_files_unreadable_paths(store: SnapshotStore, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="missing.xml"):
        lists.load_files(store, "un_sc_sanctions", [tmp_path / "missing.xml"])
    with pytest.raises(InputError, match="Cannot read"):
        lists.load_files(store, "un_sc_sanctions", [tmp_path])  # a directory
    with pytest.raises(InputError, match="got 2 files"):
        lists.load_files(store, "un_sc_sanctions", [tmp_path / "a.xml", tmp_path / "b.xml"])
    assert store.active_snapshots() == []


def test_load_files_wrong_format_leaves_the_store_alone(un_store: SnapshotStore, tmp_path: Path) -> None:
    before = un_store.active_snapshot("un_sc_sanctions")
    path = tmp_path / "consolidated.xml"
    path.write_bytes(bundle.read_files("us_ofac_cons")["sdn"])  # a CSV where the UN XML belongs
    with pytest.raises(SourceError):
        lists.load_files(un_store, "un_sc_sanctions", [path])
    path.write_bytes(bundle.read_files("un_sc_sanctions")["main"][:100_000])  # truncated
    with pytest.raises(FormatError, match="truncated"):
        lists.load_files(un_store, "un_sc_sanctions", [path])
    path.write_bytes(b"")
    with pytest.raises(FormatError, match="empty"):
        lists.load_files(un_store, "un_sc_sanctions", [path])
    assert un_store.active_snapshot("un_sc_sanctions") == before
    assert len(un_store.history("un_sc_sanctions")) == 1


def test_load_files_refuses_xml_with_entities(un_store: SnapshotStore, tmp_path: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_bytes(
        b'<?xml version="1.0"?>\n<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&xxe;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"
    )
    with pytest.raises(UnsafeXMLError, match="DTD or entities"):
        lists.load_files(un_store, "un_sc_sanctions", [path], force=True)
    assert len(un_store.history("un_sc_sanctions")) == 1


def test_known_datasets() -> None:
    assert lists.known_datasets() == list(registry())
    assert set(lists.known_datasets()) == set(BUNDLED_COUNTS)


# --- resuming: a store that should hold lists it lacks --------------------------------------


def test_a_store_cut_short_by_an_older_version_resumes_to_every_list(tmp_path: Path) -> None:
    """An older interdict recorded no expected lists: a store with 3 of 8 lists is a first run cut short."""
    import sqlite3

    url = f"sqlite:///{tmp_path / 'old.db'}"
    store = open_store(url)
    lists.seed_bundle(store, ["un_sc_sanctions", "us_ofac_cons", "au_dfat_sanctions"])
    store.engine.dispose()
    with sqlite3.connect(tmp_path / "old.db") as conn:
        conn.execute("DELETE FROM expected_lists")
    conn.close()
    store = open_store(url)
    assert lists.missing_lists(store) == [name for name in registry() if name not in ("un_sc_sanctions", "us_ofac_cons", "au_dfat_sanctions")]
    progress: list[str] = []
    again = lists.load_lists(url, progress=lambda dataset, done, total: progress.append(dataset))
    assert {snap.dataset: snap.entries for snap in again.active_snapshots()} == BUNDLED_COUNTS
    assert progress[:-1] == [name for name in bundle.manifest() if name not in ("un_sc_sanctions", "us_ofac_cons", "au_dfat_sanctions")]
    assert lists.missing_lists(again) == [] and sorted(again.expected_lists()) == sorted(BUNDLED_COUNTS)
    assert all(len(again.history(name)) == 1 for name in BUNDLED_COUNTS)
    store.engine.dispose()
    again.engine.dispose()


def test_a_store_set_up_with_a_subset_stays_a_subset(un_db: str) -> None:
    store = lists.load_lists(un_db)
    assert store.expected_lists() == ["un_sc_sanctions"] and lists.missing_lists(store) == []
    assert [snap.dataset for snap in store.active_snapshots()] == ["un_sc_sanctions"]
    store.engine.dispose()


def test_bundled_snapshots_record_their_verified_checksums_and_are_the_baseline(seeded: Seeded) -> None:
    for name in BUNDLED_COUNTS:
        snap = seeded.store.active_snapshot(name)
        assert all(item.checksum_from == "bundle manifest" for item in snap.files)
        baseline = seeded.store.baseline(name)
        assert baseline is not None and (baseline.snapshot_id, baseline.reason.value) == (snap.id, "bundled")
