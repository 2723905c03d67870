"""Decoding text files of unknown encoding, as users' exports arrive.

UTF-8 (with or without a byte-order mark) first; then Windows-1252, which is
what spreadsheet exports and older banking systems write; Latin-1 last, because
it decodes any byte, so decoding never fails.
"""

from __future__ import annotations

FALLBACK_ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")


def decode_guess(data: bytes) -> str:
    for encoding in FALLBACK_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise AssertionError("latin-1 decodes every byte")  # pragma: no cover
