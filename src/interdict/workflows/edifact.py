"""UN/EDIFACT syntax: an interchange as a list of segments of elements of components.

    UNA:+.? '                      service string advice (optional): the separators
    NAD+FL+++DOE:JOHN'             segment NAD, elements "FL", "", "", "DOE:JOHN"

The UNA segment, when present, sets the component separator, element
separator, decimal mark, release character and segment terminator (defaults
`:` `+` `.` `?` `'`). The release character makes the next character literal
("O?'BRIEN" is O'BRIEN). Line breaks between segments are ignored, as most
senders put one segment per line.

Segments are numbered from 1 in the order they appear (UNA not counted), so an
error can name "segment 14 (NAD)"; the line number is kept too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import InputError

_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")


@dataclass(frozen=True)
class Segment:
    tag: str
    elements: tuple[tuple[str, ...], ...]  # elements after the tag, each a tuple of components
    number: int
    line: int

    def get(self, element: int, component: int = 0) -> str:
        """A component's text ('' when absent): element 0 is the first after the tag."""
        if element >= len(self.elements):
            return ""
        parts = self.elements[element]
        return parts[component].strip() if component < len(parts) else ""


@dataclass(frozen=True)
class Syntax:
    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    terminator: str = "'"


def parse_interchange(text: str, what: str = "EDIFACT") -> list[Segment]:
    """All segments of an interchange; malformed syntax raises InputError naming the segment."""
    syntax = Syntax()
    body = text.lstrip("\ufeff")
    if body.startswith("UNA"):
        if len(body) < 9:
            raise InputError(f"{what}: the UNA service string advice is cut short; it needs six characters after 'UNA'.")
        chars = body[3:9]
        syntax = Syntax(chars[0], chars[1], chars[2], chars[3] if chars[3] != " " else "", chars[5])
        if len({syntax.component, syntax.element, syntax.terminator}) < 3:
            raise InputError(f"{what}: the UNA segment declares the same character for two different separators.")
        body = body[9:]
    segments: list[Segment] = []
    line = 1 + text[: len(text) - len(body)].count("\n")
    elements: list[list[str]] = [[""]]
    start_line = line
    escaped = False
    pending = False
    for char in body:
        if escaped:
            elements[-1][-1] += char
            escaped = False
            continue
        if char == "\n":
            line += 1
            if not pending:
                start_line = line
            continue
        if char == "\r":
            continue
        if not pending:
            if char in " \t":
                continue
            pending = True
            start_line = line
        if syntax.release and char == syntax.release:
            escaped = True
        elif char == syntax.terminator:
            segments.append(_segment(elements, len(segments) + 1, start_line, what))
            elements = [[""]]
            pending = False
        elif char == syntax.element:
            elements.append([""])
        elif char == syntax.component:
            elements[-1].append("")
        else:
            elements[-1][-1] += char
    if pending and any(part.strip() for element in elements for part in element):
        number = len(segments) + 1
        raise InputError(
            f"{what} segment {number} (line {start_line}): not ended by the segment terminator {syntax.terminator!r} (truncated message?)."
        )
    if not segments:
        raise InputError(
            f"{what}: no segments found; an EDIFACT message starts with UNA or UNB and ends segments with {syntax.terminator!r}."
        )
    return segments


def _segment(elements: list[list[str]], number: int, line: int, what: str) -> Segment:
    tag = elements[0][0].strip()
    if not _TAG.fullmatch(tag) or len(elements[0]) != 1:
        shown = ":".join(elements[0])[:20]
        raise InputError(
            f"{what} segment {number} (line {line}): {shown!r} is not a segment tag (three capital letters such as NAD)."
        )
    return Segment(tag, tuple(tuple(parts) for parts in elements[1:]), number, line)
