"""The ownership rules per jurisdiction, read from `data/ownership_rules.toml`.

The rules are data so that a lawyer can read and change them without code:
each value comes with a line on what it trades off (the file says why each
jurisdiction's value is what it is), and `ownership.py` only applies them.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

from ..errors import InputError


class Effect(StrEnum):
    """What a finding short of the threshold (control, a minority holding) gives."""

    NONE = "none"
    REVIEW = "review"
    BLOCK = "block"


@dataclass(frozen=True)
class Rule:
    jurisdiction: str
    rule: str
    basis: str
    lists: frozenset[str]
    threshold: float | None
    inclusive: bool
    aggregate: bool
    control: Effect
    minority: Effect
    majority_is_control: bool = False

    def reaches(self, share: float) -> bool:
        """Does an aggregated (or single) holding of `share` percent block under this rule?"""
        share = round(share, 6)  # 33.33 + 16.67 is 50, not 49.99999999
        if self.threshold is None:
            return self.majority_is_control and share > 50.0
        return share >= self.threshold if self.inclusive else share > self.threshold

    @property
    def describe(self) -> str:
        if self.threshold is None:
            return f"{self.rule} (no set share)"
        return f"{self.rule}"


JURISDICTIONS = ("us", "eu", "gb", "ca", "au")
_FIELDS = ("rule", "basis", "lists", "threshold", "inclusive", "aggregate", "control", "minority", "majority_is_control")


def parse_rules(text: str) -> dict[str, Rule]:
    """Rules from TOML text; InputError names the jurisdiction and the value that is wrong."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"Ownership rules: not valid TOML ({exc}).") from None
    rules: dict[str, Rule] = {}
    for code, table in data.items():
        if not isinstance(table, dict):
            raise InputError(f"Ownership rules: {code!r} is not a table.")
        unknown = {key for key in table if not key.endswith("_why")} - set(_FIELDS)
        if unknown:
            raise InputError(f"Ownership rules [{code}]: unknown key(s) {', '.join(sorted(unknown))}.")
        try:
            threshold = table.get("threshold")
            if threshold is not None and not 0 < float(threshold) <= 100:
                raise ValueError("threshold must be in (0, 100]")
            rules[code] = Rule(
                jurisdiction=code,
                rule=str(table["rule"]),
                basis=str(table["basis"]),
                lists=frozenset(str(item) for item in table["lists"]),
                threshold=None if threshold is None else float(threshold),
                inclusive=bool(table.get("inclusive", True)),
                aggregate=bool(table.get("aggregate", True)),
                control=Effect(table.get("control", "none")),
                minority=Effect(table.get("minority", "none")),
                majority_is_control=bool(table.get("majority_is_control", False)),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise InputError(f"Ownership rules [{code}]: {exc}.") from None
    return rules


@cache
def default_rules() -> dict[str, Rule]:
    text = resources.files("interdict.relations").joinpath("data/ownership_rules.toml").read_text(encoding="utf-8")
    return parse_rules(text)


def rules_for(jurisdictions: list[str] | None = None) -> list[Rule]:
    """The rules of these jurisdictions (default: all), InputError for an unknown code."""
    table = default_rules()
    if not jurisdictions:
        return list(table.values())
    unknown = [code for code in jurisdictions if code not in table]
    if unknown:
        raise InputError(f"Unknown jurisdiction(s) {', '.join(unknown)}; use one of {', '.join(table)}.")
    return [table[code] for code in jurisdictions]
