"""Explanations a compliance analyst can read, built from the scorer's own evidence.

Every number in a score has a sentence here: which name parts aligned and how
(exact, transliteration, typo, script, compound), which did not and what they
cost, what was ignored (titles, particles, legal forms), evasion that was folded,
and the secondary data that moved the score.
"""

from __future__ import annotations

from ..text.names import AnalyzedName
from .evidence import Evidence
from .scorer import NameScore


def _rarity(weight: float) -> str:
    if weight >= 0.6:
        return "rare"
    if weight >= 0.3:
        return "uncommon"
    return "common"


def _part(tokens) -> str:  # type: ignore[no-untyped-def]
    return "+".join(token.text for token in tokens)


def explain_name(query: AnalyzedName, candidate_text: str, candidate: AnalyzedName, scored: NameScore, kind: str) -> str:
    how = sorted({pair.how for pair in scored.pairs if pair.how != "exact"})
    label = ", ".join(how) if how else "exact"
    head = f"name: '{query.original}' ~ '{candidate_text}'"
    if kind not in ("primary",):
        head += f" [{kind.replace('_', ' ')}]"
    parts = []
    for pair in scored.pairs:
        sign = "=" if pair.how == "exact" else "≈"
        parts.append(f"{_part(pair.query)}{sign}{_part(pair.candidate)} ({pair.how}, {_rarity(pair.weight)})")
    for token, weight in scored.unmatched_query:
        parts.append(f"'{token.original or token.text}' not in list name ({_rarity(weight)})")
    for token, weight in scored.unmatched_candidate:
        parts.append(f"list has '{token.original or token.text}' ({_rarity(weight)})")
    parts.extend(scored.notes)
    text = f"{head} ({label}): " + "; ".join(parts) if parts else head
    ignored = [f"{why} '{word}'" for word, why in query.removed + candidate.removed if why != "particle"]
    if ignored:
        text += "; ignored " + ", ".join(dict.fromkeys(ignored))
    if query.evasion:
        text += "; evasion: " + ", ".join(query.evasion)
    scripts = sorted(query.scripts - {"latin", "common"})
    if scripts:
        text += f"; query script: {', '.join(scripts)}"
    return text


def explain_evidence(evidence: list[Evidence]) -> str:
    return "; ".join(item.detail if item.feature == "identifier" else f"{item.detail} ({item.adjustment:+.2f})" for item in evidence)
