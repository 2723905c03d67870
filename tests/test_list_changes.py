"""What an update changed: entries added, removed and amended between two snapshots of a list (lists.snapshot_changes)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interdict import bundle
from interdict.errors import InputError
from interdict.lists import load_parsed, snapshot_changes
from interdict.model import Entity, Name, Schema
from interdict.sources.base import ParseResult
from interdict.store import SnapshotStore, open_store

UN = "un_sc_sanctions"


def _load(store: SnapshotStore, text: str) -> int:
    return load_parsed(store, UN, "un_xml", {"main": text.encode("utf-8")}, {"main": ("consolidated.xml", "test")}, force=True).id


def test_added_removed_and_amended_entries_are_named(un_store: SnapshotStore) -> None:
    first = un_store.active_snapshot(UN)
    text = bundle.read_files(UN)["main"].decode("utf-8")
    blocks = re.findall(r"<INDIVIDUAL>.*?</INDIVIDUAL>", text, flags=re.S)
    one, two = blocks[0], blocks[1]
    ref = re.search(r"<REFERENCE_NUMBER>(.*?)</REFERENCE_NUMBER>", one).group(1)  # type: ignore[union-attr]
    changed = text.replace(one, one.replace(ref, "ZZi.999")).replace(two, two.replace("<VERSIONNUM>1</VERSIONNUM>", "<VERSIONNUM>1</VERSIONNUM><COMMENTS1>amended</COMMENTS1>", 1))
    second = _load(un_store, changed)
    changes = snapshot_changes(un_store, UN)
    assert (changes.snapshot_id, changes.previous_id) == (second, first.id)
    assert [item.id for item in changes.added] == [f"{UN}-ZZi.999"] and [item.id for item in changes.removed] == [f"{UN}-{ref}"]
    assert len(changes.amended) == 1 and changes.amended[0].source_id in two
    assert changes.counts() == {"added": 1, "removed": 1, "amended": 1, "unchanged": first.entries - 2}
    # Against itself nothing changed; the first snapshot of a list is all new.
    assert snapshot_changes(un_store, UN, second, second).counts()["unchanged"] == first.entries
    assert snapshot_changes(un_store, UN, first.id).counts()["added"] == first.entries


def test_a_list_that_is_not_loaded_is_a_clear_error(un_store: SnapshotStore) -> None:
    with pytest.raises(InputError, match="has no snapshot"):
        snapshot_changes(un_store, "eu_fsf")


# --- as a property: any two versions of a list -------------------------------------------------------------------

POOL = [f"p{number}" for number in range(12)]


def _version(entries: dict[str, int]) -> ParseResult:
    """A list version: each id with one of a few spellings of its name (the spelling is the content)."""
    return ParseResult([Entity(id=f"own-{key}", dataset="own", source_id=key, schema=Schema.PERSON, names=[Name(full=f"Person {key} v{variant}")]) for key, variant in sorted(entries.items())])


versions = st.dictionaries(st.sampled_from(POOL), st.integers(0, 2), min_size=1)


@settings(max_examples=25, deadline=None)
@given(before=versions, after=versions)
def test_changes_between_any_two_versions_account_for_every_entry(before: dict[str, int], after: dict[str, int]) -> None:
    store = open_store("sqlite://")
    try:
        first = store.add_snapshot("own", "ftm", _version(before), [], origin="test", force=True)
        second = store.add_snapshot("own", "ftm", _version(after), [], origin="test", force=True)
        changes = snapshot_changes(store, "own", second.id, first.id)
        ids = {name: {item.source_id for item in getattr(changes, name)} for name in ("added", "removed", "amended")}
        assert ids["added"] == set(after) - set(before)
        assert ids["removed"] == set(before) - set(after)
        assert ids["amended"] == {key for key in set(after) & set(before) if after[key] != before[key]}
        assert changes.counts()["unchanged"] == sum(1 for key in set(after) & set(before) if after[key] == before[key])
        assert sum(changes.counts().values()) - len(ids["removed"]) == len(after)  # every entry of the new version is counted once
    finally:
        store.engine.dispose()
