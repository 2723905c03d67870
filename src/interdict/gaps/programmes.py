"""Each list's own programme names, mapped onto one shared vocabulary (data/programmes.toml).

OFAC writes IFSR or IRGC, the UK INU, Canada "Iran", Australia "Autonomous (Iran)":
a gap report filtered on "iran" must treat them alike. The mapping is data, read
and validated once; anything it does not know is reported as unmapped rather
than guessed, and a list that states no programme at all is reported as such.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import InputError, SourceError
from ..sources import registry

UNMAPPED = "unmapped"  # topic reported for a programme the table does not know
NOT_STATED = "not-stated"  # topic reported for a listing that states no programme

_TOPIC_ID = re.compile(r"^[a-z][a-z0-9-]*$")


def programme_key(text: str) -> str:
    """How programme names compare: case-folded, dashes unified, spaces collapsed."""
    text = re.sub(r"[\u2010-\u2015\u2212]", "-", text)
    return " ".join(text.casefold().split())


@dataclass(frozen=True)
class Vocabulary:
    topics: dict[str, str]  # topic id -> label, in file order
    by_jurisdiction: dict[str, dict[str, tuple[str, ...]]]  # jurisdiction -> programme key -> topics

    def label(self, topic: str) -> str:
        if topic == UNMAPPED:
            return "Unmapped programme"
        if topic == NOT_STATED:
            return "No programme stated"
        return self.topics.get(topic, topic)

    def topics_of(self, jurisdiction: str, programme: str) -> tuple[str, ...] | None:
        """The shared topics of one programme; None when the table does not know it."""
        return self.by_jurisdiction.get(jurisdiction, {}).get(programme_key(programme))

    def check_topic(self, topic: str) -> str:
        """A user's --programme value, validated (case-insensitive)."""
        key = topic.strip().lower().replace("_", "-").replace(" ", "-")
        if key in self.topics or key in (UNMAPPED, NOT_STATED):
            return key
        known = ", ".join(self.topics)
        raise InputError(f"Unknown programme {topic!r}; use one of the shared topics: {known}.")


def parse_vocabulary(text: str, source: str = "programmes.toml") -> Vocabulary:
    """Parse and validate the table: every topic used is declared, no key is mapped twice."""
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SourceError(f"{source}: not valid TOML ({exc}).") from None
    topics = table.get("vocabulary")
    if not isinstance(topics, dict) or not topics:
        raise SourceError(f"{source}: a [vocabulary] table of topic = label is required.")
    for topic, label in topics.items():
        if not _TOPIC_ID.match(topic) or not isinstance(label, str) or not label.strip():
            raise SourceError(f"{source}: topic {topic!r} needs a lower-case id and a label.")
    if UNMAPPED in topics or NOT_STATED in topics:
        raise SourceError(f"{source}: {UNMAPPED!r} and {NOT_STATED!r} are reserved topic ids.")
    jurisdictions = {source_.jurisdiction for source_ in registry().values()}
    by_jurisdiction: dict[str, dict[str, tuple[str, ...]]] = {}
    for jurisdiction, mapping in (table.get("programmes") or {}).items():
        if jurisdiction not in jurisdictions:
            raise SourceError(f"{source}: [programmes.{jurisdiction}] names no jurisdiction of the registry ({', '.join(sorted(jurisdictions))}).")
        keyed: dict[str, tuple[str, ...]] = {}
        for programme, mapped in mapping.items():
            if not isinstance(mapped, list) or not all(isinstance(item, str) for item in mapped):
                raise SourceError(f"{source}: [programmes.{jurisdiction}] {programme!r} must map to a list of topic ids.")
            unknown = [item for item in mapped if item not in topics]
            if unknown:
                raise SourceError(f"{source}: [programmes.{jurisdiction}] {programme!r} uses undeclared topics {unknown}.")
            key = programme_key(programme)
            if key in keyed:
                raise SourceError(f"{source}: [programmes.{jurisdiction}] maps {programme!r} twice.")
            keyed[key] = tuple(dict.fromkeys(mapped))
        by_jurisdiction[jurisdiction] = keyed
    return Vocabulary(topics=dict(topics), by_jurisdiction=by_jurisdiction)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    text = resources.files(__package__).joinpath("data", "programmes.toml").read_text(encoding="utf-8")
    return parse_vocabulary(text)


@dataclass(frozen=True)
class ListingTopics:
    """The shared topics of one listing, with what could not be mapped."""

    topics: tuple[str, ...]  # sorted; NOT_STATED when the entry states no programme
    unmapped: tuple[str, ...] = ()  # the entry's programmes the table does not know


def listing_topics(jurisdiction: str, programmes: list[str], vocab: Vocabulary | None = None) -> ListingTopics:
    vocab = vocab or vocabulary()
    if not programmes:
        return ListingTopics((NOT_STATED,))
    found: set[str] = set()
    unmapped: list[str] = []
    for programme in programmes:
        mapped = vocab.topics_of(jurisdiction, programme)
        if mapped is None:
            unmapped.append(programme)
        else:
            found.update(mapped)
    if unmapped:
        found.add(UNMAPPED)
    if not found:  # only markers such as the UN's "UN List"
        found.add(NOT_STATED)
    return ListingTopics(tuple(sorted(found)), tuple(unmapped))
