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


def parse_interchange(text: str, what: str = "EDIFACT", max_segment_chars: int | None = None) -> list[Segment]:
    """All segments of an interchange; malformed syntax raises InputError naming the segment.

    Linear time: one regular-expression scan cuts the text at unreleased
    segment terminators, then each segment is split with str.split (or, when it
    holds a release character, by a scan of its own). A segment longer than
    `max_segment_chars` is refused before it is split.
    """
    syntax = Syntax()
    body = text.lstrip("\ufeff")
    if body.startswith("UNA"):
        if len(body) < 9:
            raise InputError(f"{what}: the UNA service string advice is cut short; it needs six characters after 'UNA'.")
        chars = body[3:9]
        syntax = Syntax(chars[0], chars[1], chars[2], chars[3] if chars[3] != " " else "", chars[5])
        if len({syntax.component, syntax.element, syntax.terminator}) < 3 or syntax.release in (
            syntax.component,
            syntax.element,
            syntax.terminator,
        ):
            raise InputError(f"{what}: the UNA segment declares the same character for two different separators.")
        if {"\n", "\r"} & {syntax.component, syntax.element, syntax.terminator, syntax.release}:
            raise InputError(f"{what}: the UNA segment declares a line break as a separator; line breaks only separate lines.")
        body = body[9:]
    terminator, release = re.escape(syntax.terminator), re.escape(syntax.release)
    if syntax.release:
        cut = re.compile(
            f"([^{release}{terminator}]*(?:{release}[\\s\\S][^{release}{terminator}]*)*)({terminator}|{release}?\\Z)"
        )
    else:
        cut = re.compile(f"([^{terminator}]*)({terminator}|\\Z)")
    segments: list[Segment] = []
    line = 1 + text[: len(text) - len(body)].count("\n")
    position = 0
    while position < len(body):
        match = cut.match(body, position)
        assert match is not None  # the pattern matches at every position (possibly up to the end)
        position = match.end()
        raw, ended = match.group(1), match.group(2) == syntax.terminator
        content = raw.lstrip(" \t\r\n")
        start_line = line + raw.count("\n", 0, len(raw) - len(content))
        if max_segment_chars is not None and len(content) > max_segment_chars:
            raise InputError(
                f"{what} segment {len(segments) + 1} (line {start_line}) is {len(content):,} characters long; the limit is "
                f"{max_segment_chars:,} (max_field_chars), and real segments are under a kilobyte."
            )
        if syntax.release and syntax.release in content:
            elements, newlines = _released(content, syntax)
        else:
            newlines = content.count("\n")
            flat = content.replace("\n", "").replace("\r", "")
            elements = [element.split(syntax.component) for element in flat.split(syntax.element)]
        line = start_line + newlines
        if ended:
            segments.append(_segment(elements, len(segments) + 1, start_line, what))
        elif content and any(part.strip() for element in elements for part in element):
            raise InputError(
                f"{what} segment {len(segments) + 1} (line {start_line}): not ended by the segment terminator "
                f"{syntax.terminator!r} (truncated message?)."
            )
    if not segments:
        raise InputError(
            f"{what}: no segments found; an EDIFACT message starts with UNA or UNB and ends segments with {syntax.terminator!r}."
        )
    return segments


def _released(content: str, syntax: Syntax) -> tuple[list[list[str]], int]:
    """Elements of one segment that uses the release character, and its count of (unreleased) line breaks."""
    elements: list[list[list[str]]] = [[[]]]
    newlines = 0
    escaped = False
    for char in content:
        if escaped:
            elements[-1][-1].append(char)
            escaped = False
        elif char == "\n":
            newlines += 1
        elif char == "\r":
            continue
        elif char == syntax.release:
            escaped = True
        elif char == syntax.element:
            elements.append([[]])
        elif char == syntax.component:
            elements[-1].append([])
        else:
            elements[-1][-1].append(char)
    return [["".join(component) for component in element] for element in elements], newlines


def _segment(elements: list[list[str]], number: int, line: int, what: str) -> Segment:
    tag = elements[0][0].strip()
    if not _TAG.fullmatch(tag) or len(elements[0]) != 1:
        shown = ":".join(elements[0])[:20]
        raise InputError(
            f"{what} segment {number} (line {line}): {shown!r} is not a segment tag (three capital letters such as NAD)."
        )
    return Segment(tag, tuple(tuple(parts) for parts in elements[1:]), number, line)
