"""Which writing system a character belongs to.

Normalisation, transliteration and the character tables all ask this, so it
sits below all three (tables.py would otherwise import normalize.py, which
imports tables.py).
"""

from __future__ import annotations


# Han ideographs: unified (and extension A), compatibility forms, and extensions B to H.
HAN_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x20000, 0x323AF), (0x2F800, 0x2FA1F))


def is_han(char: str) -> bool:
    code = ord(char)
    return any(low <= code <= high for low, high in HAN_RANGES)


def script_of(char: str) -> str:
    """Coarse script of one character: latin, cyrillic, greek, arabic, hebrew, cjk, other."""
    code = ord(char)
    if code < 0x250 or 0x1E00 <= code <= 0x1EFF:
        return "latin" if char.isalpha() else "common"
    if 0x400 <= code <= 0x52F or 0x1C80 <= code <= 0x1C8F or 0x2DE0 <= code <= 0x2DFF or 0xA640 <= code <= 0xA69F:
        return "cyrillic"
    if 0x370 <= code <= 0x3FF or 0x1F00 <= code <= 0x1FFF:
        return "greek"
    if 0x600 <= code <= 0x6FF or 0x750 <= code <= 0x77F or 0x8A0 <= code <= 0x8FF or 0xFB50 <= code <= 0xFDFF or 0xFE70 <= code <= 0xFEFF:
        return "arabic"
    if 0x590 <= code <= 0x5FF:
        return "hebrew"
    if 0x3040 <= code <= 0x30FF or 0xAC00 <= code <= 0xD7AF or 0x1100 <= code <= 0x11FF or is_han(char):
        return "cjk"
    if 0x250 <= code <= 0x2AF:
        return "latin"  # IPA extensions, used as lookalikes
    return "other" if char.isalpha() else "common"
