"""The coverage guard on real lists: real OFAC versions, and constructed variants of real files as properties.

Variants are built from the parsed bundled lists (dropping entries, adding
entries, replacing names), so each example is the real list's shape with one
controlled difference; the oracle below computes the expected decision from
entity ids and names directly, independently of the guard's code.
"""

from __future__ import annotations

import copy
import random
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from interdict import bundle, lists
from interdict.errors import UpdateError
from interdict.model import Entity
from interdict.sources import parse_files
from interdict.sources.base import ParseResult
from interdict.store import Review, SnapshotStore, StoreSettings, open_store

from .helpers import fixture_bytes

UN = "un_sc_sanctions"
SDN = "us_ofac_sdn"
LIMITS = StoreSettings()


@pytest.fixture(scope="module")
def un_entities() -> list[Entity]:
    return parse_files(UN, bundle.read_files(UN)).entities


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SnapshotStore]:
    store = open_store(f"sqlite:///{tmp_path / 'guard.db'}")
    yield store
    store.engine.dispose()


def ofac_2021() -> dict[str, bytes]:
    names = {"sdn": "sdn.csv", "add": "add.csv", "alt": "alt.csv", "comments": "sdn_comments.csv"}
    return {role: fixture_bytes(f"ofac/2021-07/{name}") for role, name in names.items()}


def load(store: SnapshotStore, dataset: str, files: dict[str, bytes], force: bool = False) -> int:
    origins = {role: (role, f"test:{role}") for role in files}
    return lists.load_parsed(store, dataset, "ofac_csv" if dataset == SDN else "un_xml", files, origins, force=force).id


# --- real OFAC versions ------------------------------------------------------------------


def test_ofac_2021_to_today_passes_and_back_is_refused_with_both_figures(store: SnapshotStore) -> None:
    """Five years of real OFAC changes: +6,000 entries and 11.8% churn pass; going back is refused on both figures."""
    old = load(store, SDN, ofac_2021())
    new = load(store, SDN, bundle.read_files(SDN))
    assert store.active_snapshot(SDN).id == new != old
    with pytest.raises(UpdateError) as refused:
        load(store, SDN, ofac_2021())
    message = str(refused.value)
    assert "against the reviewed baseline (8976 entries" in message  # the 2021 list, the first loaded
    assert "against the current snapshot (14965 entries" in message
    assert "shrink 40.0% (8976 entries, 5989 fewer than 14965)" in message
    assert "churn 47.1% (6870 removed, 180 with changed names or identifiers)" in message
    assert "Limits: shrink 10%, churn 25%" in message and "pass --force to accept it" in message
    assert store.active_snapshot(SDN).id == new


def test_every_primary_name_replaced_keeping_the_count_is_refused(store: SnapshotStore) -> None:
    """The real OFAC SDN list with each entry's primary name moved to the next entry: same count, other people."""
    files = bundle.read_files(SDN)
    result = parse_files(SDN, files)
    base = store.add_snapshot(SDN, "ofac_csv", result, [], origin="bundled", review=Review.BUNDLED)
    scrambled = copy.deepcopy(result)
    primaries = [next(name for name in entity.names if name.kind == "primary") for entity in scrambled.entities]
    fulls = [name.full for name in primaries]
    for name, full in zip(primaries, fulls[1:] + fulls[:1]):
        name.full = full
    with pytest.raises(UpdateError) as refused:
        store.add_snapshot(SDN, "ofac_csv", scrambled, [], origin="scrambled")
    assert "shrink 0.0% (14965 entries, 0 fewer than 14965)" in str(refused.value)
    # Five entries share their primary name with the next one, so only they keep their names.
    assert "churn 100.0% (0 removed, 14960 with changed names or identifiers)" in str(refused.value)
    assert store.active_snapshot(SDN).id == base.id
    khamenei = next(entity for entity in store.active_entities([SDN]) if "KHAMENEI" in entity.caption.upper())
    assert "Khamenei".upper() in khamenei.caption.upper()  # the active list still names him as before


# --- properties over constructed variants of the real UN list -------------------------------


def fingerprint(entity: Entity) -> tuple[frozenset[str], frozenset[tuple[str, str]]]:
    """The oracle's own view: exact names and identifiers (the variants never only reformat them)."""
    return frozenset(name.full for name in entity.names), frozenset((item.type, item.value) for item in entity.identifiers)


def drift(reference: list[Entity], new: list[Entity]) -> tuple[float, float]:
    after = {entity.id: fingerprint(entity) for entity in new}
    removed = sum(1 for entity in reference if entity.id not in after)
    changed = sum(1 for entity in reference if entity.id in after and after[entity.id] != fingerprint(entity))
    return max(0, len(reference) - len(new)) / len(reference), (removed + changed) / len(reference)


def within(reference: list[Entity], new: list[Entity]) -> bool:
    shrink, churn = drift(reference, new)
    return shrink <= LIMITS.max_shrink and churn <= LIMITS.max_churn


def variant(base: list[Entity], rng: random.Random, drop: float, add: int, rename: float, serial: int) -> list[Entity]:
    """The publisher's next file: some entries delisted, some added, some renamed (a new primary name)."""
    kept = [copy.deepcopy(entity) for entity in base if rng.random() >= drop]
    for entity in kept:
        if rng.random() < rename:
            entity.names[0].full = f"Renamed {serial} {entity.names[0].full}"
    for n in range(add):
        new = copy.deepcopy(base[n % len(base)])
        new.id, new.source_id = f"{UN}-NEW.{serial}.{n}", f"NEW.{serial}.{n}"
        kept.append(new)
    return kept


STEP = st.tuples(st.floats(0.0, 0.095), st.integers(0, 40), st.floats(0.0, 0.12))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEP, min_size=1, max_size=4), seed=st.integers(0, 2**32 - 1))
def test_unforced_updates_never_drift_past_the_limits_from_the_baseline(un_entities: list[Entity], steps: list, seed: int) -> None:
    """Whatever sequence of small changes a publisher makes, without --force the active list stays within the limits
    of the reviewed baseline; each update is accepted exactly when the oracle says so, and a refusal changes nothing."""
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'p.db'}", LIMITS)
        store.add_snapshot(UN, "un_xml", ParseResult(list(un_entities)), [], origin="bundled", review=Review.BUNDLED)
        baseline, current = list(un_entities), list(un_entities)
        published = current
        for serial, (drop, add, rename) in enumerate(steps):
            published = variant(published, rng, drop, add, rename, serial)  # the publisher drifts whether or not we accept
            expected = within(baseline, published) and within(current, published)
            before = store.active_snapshot(UN)
            try:
                snapshot = store.add_snapshot(UN, "un_xml", ParseResult(published), [], origin=f"step {serial}")
                accepted = True
            except UpdateError as exc:
                accepted = False
                assert "--force" in str(exc)
            assert accepted == expected, (serial, drift(baseline, published), drift(current, published))
            event("an update accepted" if accepted else "an update refused")
            if accepted:
                current = published
                assert store.active_snapshot(UN).id == snapshot.id
            else:
                assert store.active_snapshot(UN) == before
            shrink, churn = drift(baseline, current)
            assert shrink <= LIMITS.max_shrink and churn <= LIMITS.max_churn
        store.engine.dispose()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(share=st.floats(0.0, 1.0), seed=st.integers(0, 2**32 - 1))
def test_renaming_a_share_of_the_list_is_refused_exactly_past_the_churn_limit(un_entities: list[Entity], share: float, seed: int) -> None:
    """The count stays the same; only names change. Refused iff the renamed share is over the churn limit."""
    rng = random.Random(seed)
    renamed = [copy.deepcopy(entity) for entity in un_entities]
    chosen = rng.sample(range(len(renamed)), round(share * len(renamed)))
    for index in chosen:
        renamed[index].names[0].full = "Somebody Else " + renamed[index].names[0].full
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'r.db'}", LIMITS)
        base = store.add_snapshot(UN, "un_xml", ParseResult(list(un_entities)), [], origin="bundled", review=Review.BUNDLED)
        refused = False
        try:
            store.add_snapshot(UN, "un_xml", ParseResult(renamed), [], origin="renamed")
        except UpdateError as exc:
            refused = True
            assert f"churn {len(chosen) / len(renamed):.1%} (0 removed, {len(chosen)} with changed names" in str(exc)
        assert refused == (len(chosen) / len(renamed) > LIMITS.max_churn)
        event("refused" if refused else "accepted")
        if refused:
            assert store.active_snapshot(UN).id == base.id
        store.engine.dispose()
