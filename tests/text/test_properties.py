"""Name analysis takes any text: a name is list data or user input, both untrusted.

Examples pin the rules; this checks that no string, however odd its characters
or where they sit, makes analysis raise. The alphabet leans on the characters
the rules treat specially (ZWNJ and other invisibles at word edges, combining
marks, mixed scripts, digits read as letters, Han beside kana), since uniform
Unicode rarely reaches them.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from interdict.model import Schema
from interdict.text.names import analyze_name
from interdict.text.normalize import fold_evasion, strip_invisible

_SPECIAL = (
    "\u200c\u200d\u200b\u2066\u2069\ufeff\u00ad\u034f"  # invisibles, ZWNJ first
    "aAeIoOzZ019@$!|-.,'&/ "  # Latin, leet triggers, separators
    "аеоАОКРС"  # Cyrillic look-alikes
    "خامنهایبنالعبد"  # Arabic and Persian
    "שלום"  # Hebrew
    "王汪陳陈高市さくら김"  # Han, kana, Hangul
    "\u0301\u0308\u064e"  # combining marks
)
_TEXT = st.text(alphabet=st.sampled_from(_SPECIAL), max_size=24) | st.text(max_size=24)


@settings(max_examples=400, deadline=None)
@given(text=_TEXT, schema=st.sampled_from([None, Schema.PERSON, Schema.ORGANIZATION, Schema.VESSEL]))
def test_any_text_is_analysed_without_raising(text: str, schema: Schema | None) -> None:
    name = analyze_name(text, schema)
    assert all(token.text for token in name.tokens)


@settings(max_examples=400, deadline=None)
@given(text=_TEXT)
def test_stripping_invisibles_only_removes_and_counts_them(text: str) -> None:
    kept, removed = strip_invisible(text)
    assert len(kept) + removed == len(text)
    fold_evasion(text)
