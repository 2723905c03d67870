"""Parse list XML without trusting it.

Official list files never declare a DTD or entities, so any document that does
is refused outright: that closes external-entity (XXE) reads and entity-expansion
bombs before libxml2 sees them. The parser is also configured not to resolve
entities, load DTDs or touch the network, as a second line of defence.
"""

from __future__ import annotations

import re

from lxml import etree

from ..errors import FormatError, UnsafeXMLError

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_blank_text=True,
    )


def parse_xml(data: bytes, what: str = "XML file") -> etree._Element:
    """Parse bytes into an element tree, refusing DTDs and reporting clear errors."""
    if not data or not data.strip():
        raise FormatError(f"{what} is empty.")
    head = data[:4096].lstrip()
    if head.startswith(b"\xef\xbb\xbf"):
        head = head[3:]
    lowered = head[:512].lower()
    if lowered.startswith(b"<!doctype html") or lowered.startswith(b"<html") or b"<html" in lowered[:200]:
        raise FormatError(f"{what} is an HTML page, not the list (the server may have returned an error page).")
    if _DOCTYPE.search(data[:65536]):
        raise UnsafeXMLError(
            f"{what} declares a DTD or entities; official lists never do, so it was refused "
            "(this blocks external-entity and entity-expansion attacks)."
        )
    if not head.startswith(b"<"):
        raise FormatError(f"{what} does not start with '<': it is not XML.")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise FormatError(f"{what} is not well-formed XML (truncated download?): {exc}") from None
    # The byte scan above misses a DOCTYPE after a long comment or in UTF-16;
    # the parsed document says for certain (its entities were never resolved).
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:  # type: ignore[union-attr]  # lxml-stubs 0.5.1 omits DocInfo.doctype, which lxml has
        raise UnsafeXMLError(
            f"{what} declares a DTD or entities; official lists never do, so it was refused "
            "(this blocks external-entity and entity-expansion attacks)."
        )
    return root


def local(tag: object) -> str:
    """Tag name without its namespace."""
    text = str(tag)
    return text.rsplit("}", 1)[-1]


def child_text(element: etree._Element, name: str) -> str | None:
    """Text of the first direct child with this local name, namespace-agnostic."""
    for child in element:
        if local(child.tag) == name:
            text = (child.text or "").strip()
            return text or None
    return None


def children(element: etree._Element, name: str) -> list[etree._Element]:
    return [child for child in element if local(child.tag) == name]


def descendants(element: etree._Element, name: str) -> list[etree._Element]:
    return [node for node in element.iter() if isinstance(node.tag, str) and local(node.tag) == name]
