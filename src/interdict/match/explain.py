"""Explanations a compliance analyst can read, built from the scorer's own evidence.

Every number in a score has a sentence here: which name parts aligned and how
(exact, transliteration, typo, script, compound), which did not and what they
cost, what was ignored (titles, particles, legal forms), evasion that was folded,
and the secondary data that moved the score.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import NameKind
from ..text.names import AnalyzedName, Token, han_key
from .evidence import Contribution, Feature
from .scorer import How, NameScore


def _rarity(weight: float) -> str:
    if weight >= 0.6:
        return "rare"
    if weight >= 0.3:
        return "uncommon"
    return "common"


def _part(tokens: Iterable[Token], particles: bool = False) -> str:
    """The pair's words; with `particles`, a word's particles written before it ("vander bilt" of "van der Bilt")."""
    return "+".join(f"{token.particles} {token.text}" if particles and token.particles else token.text for token in tokens)


def _other_characters(scored: NameScore) -> list[str]:
    """Syllables left over on both sides that read alike but were written in other Han characters (汪 and 王, wang)."""
    notes = []
    for asked, _ in scored.unmatched_query:
        for listed, _ in scored.unmatched_candidate:
            if asked.text == listed.text and han_key(asked) and han_key(listed) and han_key(asked) != han_key(listed):
                notes.append(f"{han_key(asked)[1:]} ≠ {han_key(listed)[1:]}: one reading ({asked.text}), two characters")
    return notes


def explain_name(
    query: AnalyzedName, candidate_text: str, candidate_removed: tuple[tuple[str, str], ...], scored: NameScore, kind: NameKind
) -> str:
    """`candidate_removed`: what the analyser set aside from the list name (`AnalyzedName.removed`, or the index's
    `removed_words`), named after the parts."""
    how = sorted({pair.how.value for pair in scored.pairs if pair.how != How.EXACT})
    label = ", ".join(how) if how else "exact"
    head = f"name: '{query.original}' ~ '{candidate_text}'"
    if kind != NameKind.PRIMARY:
        head += f" [{kind.value.replace('_', ' ')}]"
    parts = []
    for pair in scored.pairs:
        sign = "=" if pair.how == How.EXACT else "≈"
        fused = pair.how == How.COMPOUND
        parts.append(f"{_part(pair.query, fused)}{sign}{_part(pair.candidate, fused)} ({pair.how.value}, {_rarity(pair.weight)})")
    for token, weight in scored.unmatched_query:
        parts.append(f"'{token.original or token.text}' not in list name ({_rarity(weight)})")
    for token, weight in scored.unmatched_candidate:
        parts.append(f"list has '{token.original or token.text}' ({_rarity(weight)})")
    parts.extend(_other_characters(scored))
    parts.extend(scored.notes)
    text = f"{head} ({label}): " + "; ".join(parts) if parts else head
    ignored = [f"{why} '{word}'" for word, why in query.removed + candidate_removed if why != "particle"]
    if ignored:
        text += "; ignored " + ", ".join(dict.fromkeys(ignored))
    if query.evasion:
        text += "; evasion: " + ", ".join(query.evasion)
    scripts = sorted(query.scripts - {"latin", "common"})
    if scripts:
        text += f"; query script: {', '.join(scripts)}"
    return text


def explain_contribution(item: Contribution) -> str:
    """One contribution as the explanation writes it: secondary data with its effect on the score."""
    if item.feature in (Feature.NAME, Feature.IDENTIFIER):
        return item.detail
    return f"{item.detail} ({item.effect:+.2f})"


def render_explanation(evidence: Iterable[Contribution]) -> str:
    """A hit's explanation: its contributions in order, name first."""
    return "; ".join(text for text in (explain_contribution(item) for item in evidence) if text)
