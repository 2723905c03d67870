"""Each loaded list's date, and where it came from (the file, its name, its entries)."""

from __future__ import annotations

from interdict.asof import DateSource, as_of, date_in_name

from .conftest import Seeded


def test_a_date_in_a_file_name() -> None:
    assert date_in_name("eu_names_2025-05.csv") == "2025-05"
    assert date_in_name("sanctions_20240131.xml") == "2024-01-31"
    assert date_in_name("consolidated.xml") is None and date_in_name("list-123456789.csv") is None


def test_every_bundled_list_says_where_its_date_came_from(seeded: Seeded) -> None:
    entities: dict[str, list] = {}
    for entity in seeded.store.active_entities():
        entities.setdefault(entity.dataset, []).append(entity)
    found = {snapshot.dataset: as_of(snapshot, entities[snapshot.dataset]) for snapshot in seeded.store.active_snapshots()}
    assert found["un_sc_sanctions"].source == DateSource.FILE and found["un_sc_sanctions"].date == "2026-02-27"
    assert (found["eu_fsf"].source, found["eu_fsf"].date) == (DateSource.FILENAME, "2025-05")
    assert found["ca_dfatd_sema_sanctions"].source == DateSource.ENTRIES and found["ca_dfatd_sema_sanctions"].date
    for item in found.values():
        assert item.describe() and (item.date or item.source == DateSource.NONE)
