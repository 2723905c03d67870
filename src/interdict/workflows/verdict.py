"""The verdict every workflow returns: one per document, with a finding per field that hit.

A gate needs one answer per document (release, hold for review, block) and an
audit trail that says why. So a verdict is the worst severity among its
findings, and every finding names the field it came from, the text screened,
the list entry (or embargo rule) it matched and the rule that fired:

    {"document": "pacs008.xml", "format": "pacs.008.001.08", "reference": "MSG-1",
     "verdict": "hit",
     "findings": [{"field": "CdtTrfTxInf/Cdtr/Nm", "value": "Khatam ol Anbiya...",
                   "rule": "listed party", "severity": "hit",
                   "entity_id": "un_sc_sanctions-IRe.036", "dataset": "un_sc_sanctions",
                   "caption": "KHATAM AL-ANBIYA ...", "schema": "Organization",
                   "score": 0.97, "explanation": "name: ..."}],
     "screened": [{"field": "CdtTrfTxInf/Cdtr/Nm", "value": "..."}]}

`screened` lists what was looked at, so a "clear" verdict can be checked for
coverage as well as a "hit".
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field  # Finding has a member named `field`
from typing import Any

CLEAR, REVIEW, HIT = "clear", "review", "hit"
_RANK = {CLEAR: 0, REVIEW: 1, HIT: 2}

# The rules a finding can carry. The severity is decided per finding (a near
# miss of "listed party" is a review), so this is only the vocabulary.
RULES = frozenset(
    {
        "listed party",
        "listed party in free text",
        "listed BIC",
        "listed BIC in free text",
        "listed vessel (IMO)",
        "listed vessel (name)",
        "listed aircraft (tail number)",
        "listed aircraft (name)",
        "listed identifier",
        "possible relative",
        "owned or controlled by a listed party",  # relations/reach.py: blocked or to review through ownership or control
        "relative of a listed party",  # a family relation the lists or the user's data record
        "associate of a listed party",
        "embargoed country",
        "embargoed origin",
        "embargoed destination",
        "restricted country",
        "restricted origin",
        "restricted destination",
        "embargoed place in free text",
        "free text not fully screened",  # a limit (limits.py) cut the text: the rest needs a human
    }
)


@dataclass
class Finding:
    field: str  # where in the document: "CdtTrfTxInf/Cdtr/Nm", ":59:", "NAD+FL passenger 3", "consignee"
    value: str  # the text that was screened
    rule: str
    severity: str  # "hit" or "review"
    entity_id: str  # the list entry, or "embargo:<region>" for an embargo rule
    dataset: str  # the list, or "embargoes"
    caption: str
    explanation: str
    score: float | None = None
    schema: str | None = None
    extra: dict[str, Any] = dataclass_field(default_factory=dict)  # e.g. measures of an embargo, the relative's birth years

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise ValueError(f"unknown rule {self.rule!r}")
        if self.severity not in (HIT, REVIEW):
            raise ValueError(f"unknown severity {self.severity!r}")

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "field": self.field,
            "value": self.value,
            "rule": self.rule,
            "severity": self.severity,
            "entity_id": self.entity_id,
            "dataset": self.dataset,
            "caption": self.caption,
            "schema": self.schema,
            "score": None if self.score is None else round(self.score, 4),
            "explanation": self.explanation,
        }
        data.update(self.extra)
        return data


@dataclass
class Verdict:
    document: str
    format: str
    reference: str | None
    findings: list[Finding] = dataclass_field(default_factory=list)
    screened: list[dict[str, str]] = dataclass_field(default_factory=list)

    @property
    def verdict(self) -> str:
        worst = CLEAR
        for finding in self.findings:
            if _RANK[finding.severity] > _RANK[worst]:
                worst = finding.severity
        return worst

    @property
    def hit(self) -> bool:
        return self.verdict == HIT

    def to_dict(self) -> dict[str, Any]:
        return {
            "document": self.document,
            "format": self.format,
            "reference": self.reference,
            "verdict": self.verdict,
            "findings": [finding.to_dict() for finding in self.findings],
            "screened": list(self.screened),
        }
