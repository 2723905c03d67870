"""How current a loaded list is, and where that date comes from.

A briefing must say which edition of each list it speaks for. Some files state
their publication date (the UN's `dateGenerated`, the EU's `generationDate`,
OFAC's `Publish_Date`, the workbook's own date for DFAT); the parsers read it
into `Snapshot.published`. Others state none (OFAC's CSV set, trade.gov's CSV,
Canada's SEMA XML, the bundled UK tables and flat EU export): for those the
date is taken from the next best place, and the answer always says which:

    SOURCES   where            what it trades off
    file      stated in it      the publisher's own date: exact
    filename  the file's name   the date whoever saved the file gave it: usually the download month
    entries   newest entry date the latest listing date an entry carries: a lower bound (the file is at least that new)
    none      nowhere           only the load time is known
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from .model import Entity
from .store import Snapshot

_DATE_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d\d)[-_]?(0[1-9]|1[0-2])(?:[-_]?(0[1-9]|[12]\d|3[01]))?(?!\d)")


class DateSource(StrEnum):
    FILE = "file"
    FILENAME = "filename"
    ENTRIES = "entries"
    NONE = "none"


DATE_SOURCE_TEXT = {
    DateSource.FILE: "stated in the file",
    DateSource.FILENAME: "not stated in the file; taken from the file's name",
    DateSource.ENTRIES: "not stated in the file; the newest listing date of its entries, so the file is at least that recent",
    DateSource.NONE: "not stated in the file, its name or its entries",
}


@dataclass(frozen=True)
class AsOf:
    date: str | None
    source: DateSource
    detail: str  # the file name the date was read from, or the load time

    def describe(self) -> str:
        if self.date is None:
            return f"date {DATE_SOURCE_TEXT[self.source]} ({self.detail})"
        return f"{self.date} ({DATE_SOURCE_TEXT[self.source]}{': ' + self.detail if self.source == DateSource.FILENAME else ''})"


def date_in_name(name: str) -> str | None:
    """A date written in a file name ("eu_names_2025-05.csv" → "2025-05")."""
    found = _DATE_IN_NAME.search(name)
    if not found:
        return None
    return "-".join(part for part in found.groups() if part)


def as_of(snapshot: Snapshot, entities: Iterable[Entity]) -> AsOf:
    """The snapshot's date and its source: the file's own, else its name's, else the newest listing date of its entities."""
    if snapshot.published:
        return AsOf(snapshot.published, DateSource.FILE, "")
    for item in snapshot.files:
        found = date_in_name(item.name)
        if found:
            return AsOf(found, DateSource.FILENAME, item.name)
    newest = max((date for entity in entities for date in entity.listed_on if date), default=None)
    if newest:
        return AsOf(newest[:10], DateSource.ENTRIES, "")
    return AsOf(None, DateSource.NONE, f"loaded {snapshot.loaded_at[:10]}")
