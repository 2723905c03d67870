"""The screening engine shared by every workflow: items of a parsed document in, a verdict out.

One code path for payments, manifests and shipments, so a rule (a BIC branch,
a near miss, an embargo's legal basis) behaves the same at every gate:

- a **party** is screened by name with whatever the document says about it
  (birth date, nationality, country, passport). A match is a hit; the best near
  misses within REVIEW_MARGIN of the threshold are reviews. Travellers are also
  checked for possible relatives (relatives.py);
- an **identifier** (BIC, IMO, tail number) is looked up exactly (BICs with
  8/11-character equivalence, identifiers.py); a listed one is a hit by itself,
  and a vessel's or aircraft's name hits on the same entry are folded into it;
- a **country** or **location** is checked against the embargo rules
  (embargoes.py): a comprehensive embargo in a jurisdiction that applies is a
  hit, sectoral measures only are a review; every finding cites the legal basis;
- **free text** is searched for listed names (freetext.py), listed BICs and IMO
  numbers, and embargoed places (a review: text can say "not for Iran").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from ..countries import name_of, to_code
from ..errors import InputError
from ..match.query import Query
from ..match.screener import Hit, Screener
from ..model import IdentifierType, Schema
from ..screening import default_screener, validate_datasets
from ..sources.dates import parse_date
from ..text.names import analyze_name
from . import freetext, identifiers, relatives
from .document import COUNTRY, Country, FreeText, Identifier, Location, ParsedDocument, Party
from .embargoes import JURISDICTIONS, EmbargoRules, Region, load_embargo_rules
from .verdict import HIT, REVIEW, Finding, Verdict

REVIEW_MARGIN = 0.05
PARTY_LIMIT = 10
NEAR_MISSES = 2
EMBARGOES = "embargoes"

_ID_RULES = {IdentifierType.BIC: "listed BIC", IdentifierType.IMO: "listed vessel (IMO)", IdentifierType.TAIL_NUMBER: "listed aircraft (tail number)"}
_NAME_RULES = {Schema.VESSEL: "listed vessel (name)", Schema.AIRPLANE: "listed aircraft (name)"}


class Checker:
    """Runs the items of one document against the lists and the embargo rules."""

    def __init__(
        self,
        screener: Screener,
        datasets: Iterable[str] | None = None,
        jurisdictions: Iterable[str] | None = None,
        rules: EmbargoRules | None = None,
        day: date | None = None,
    ):
        self.screener = screener
        self.datasets = list(datasets) if datasets else None
        self.jurisdictions = [j.lower() for j in jurisdictions] if jurisdictions else None
        self.rules = rules or load_embargo_rules()
        self.day = day or date.today()
        self.review_floor = screener.threshold - REVIEW_MARGIN

    def run(self, document: ParsedDocument, name: str | None = None) -> Verdict:
        verdict = Verdict(
            document=name or document.reference or document.format, format=document.format, reference=document.reference
        )
        state = _State(verdict)
        # Identifiers first, so a vessel's name hit folds into its IMO hit.
        ordered = sorted(document.items, key=lambda item: 0 if isinstance(item, Identifier) else 1)
        for item in ordered:
            if isinstance(item, Party):
                self._party(item, state)
            elif isinstance(item, Identifier):
                self._identifier(item, state)
            elif isinstance(item, Country):
                self._country(item, state)
            elif isinstance(item, Location):
                self._location(item, state)
            elif isinstance(item, FreeText):
                self._free_text(item, state)
        return verdict

    # --- parties -----------------------------------------------------------

    def _party(self, party: Party, state: _State) -> None:
        state.screened(party.field, party.name)
        try:
            query = Query.build(
                party.name,
                schema=party.schema,
                birth_date=party.birth_date,
                nationality=list(party.nationalities),
                country=list(party.countries),
                id_number=list(party.documents),
            )
        except InputError as exc:
            raise InputError(f"{party.field}: {exc}") from None
        hits = self.screener.screen(query, datasets=self.datasets, limit=PARTY_LIMIT)
        near = 0
        matched: set[str] = set()
        for hit in hits:
            if hit.entity.id in state.identified:
                state.fold_name(hit, party)
                matched.add(hit.entity.id)
                continue
            if hit.match:
                severity = HIT
            elif hit.score >= self.review_floor and near < NEAR_MISSES and not _company_for_person(party, hit):
                severity, near = REVIEW, near + 1
            else:
                continue
            matched.add(hit.entity.id)
            rule = _NAME_RULES.get(hit.entity.schema, "listed party")
            identifier = hit.identifier
            if identifier is not None and identifier.decisive and hit.name_score < self.screener.threshold and rule == "listed party":
                rule = "listed identifier"
            state.add(_hit_finding(party.field, party.name, rule, severity, hit))
        if party.family_name and not any(hit.match for hit in hits):
            self._relatives(party, matched, state)

    def _relatives(self, party: Party, matched: set[str], state: _State) -> None:
        birth = parse_date(party.birth_date) if party.birth_date else None
        years = birth.years() if birth else None
        assert party.family_name is not None
        for relative in relatives.find_relatives(
            self.screener,
            party.family_name,
            years[0] if years else None,
            party.nationalities,
            exclude_ids=matched,
            datasets=self.datasets,
        ):
            born = ", ".join(str(y) for y in relative.listed_years[:3])
            explanation = (
                f"shares the family name '{relative.shared}' (rare on the lists: weight {relative.weight:.2f}) "
                f"with designated {relative.caption}; same nationality ({name_of(relative.nationality)}); "
                f"born {years[0] if years else '?'} vs {born} ({relative.gap} years apart)"
            )
            state.add(
                Finding(
                    field=party.field,
                    value=party.name,
                    rule="possible relative",
                    severity=REVIEW,
                    entity_id=relative.entity_id,
                    dataset=relative.dataset,
                    caption=relative.caption,
                    schema=Schema.PERSON,
                    score=None,
                    explanation=explanation,
                    extra={"listed_birth_years": list(relative.listed_years)},
                )
            )

    # --- identifiers -------------------------------------------------------

    def _identifier(self, item: Identifier, state: _State) -> None:
        state.screened(item.field, item.value)
        if item.type == IdentifierType.BIC:
            bic = identifiers.clean_bic(item.value)
            if bic is None:
                return
            for match in identifiers.match_bic(self.screener, bic, self.datasets):
                state.add(
                    self._identifier_finding(item.field, item.value, "listed BIC", match.severity, match.entity_id, match.how)
                )
            self._country(Country(item.field, bic, COUNTRY, "BIC"), state, record=False)
            return
        id_type = IdentifierType(item.type)
        for found in identifiers.match_exact(self.screener, item.value, id_type, self.datasets):
            label = id_type.value.replace("_", " ")
            finding = self._identifier_finding(
                item.field,
                item.value,
                _ID_RULES.get(id_type, "listed identifier"),
                HIT,
                found.entity_id,
                f"{label} {found.value} = list",
            )
            state.add(finding)
            state.identified[finding.entity_id] = finding

    def _identifier_finding(self, field: str, value: str, rule: str, severity: str, entity_id: str, how: str) -> Finding:
        facts = self.screener.facts(entity_id)
        return Finding(
            field=field,
            value=value,
            rule=rule,
            severity=severity,
            entity_id=facts.id,
            dataset=facts.dataset,
            caption=facts.caption,
            schema=facts.schema,
            score=1.0 if severity == HIT else None,
            explanation=f"{how} (identifier, decisive)" if severity == HIT else how,
        )

    # --- countries and places ---------------------------------------------

    def _country(self, item: Country, state: _State, record: bool = True) -> None:
        if record:
            state.screened(item.field, item.value)
        value = item.value.strip()
        if item.source == "UN/LOCODE":
            regions = self.rules.by_locode(value)
        elif item.source == "airport":
            regions = self.rules.by_airport(value)
        elif item.source in ("BIC", "IBAN"):
            code = identifiers.bic_country(value) if item.source == "BIC" else identifiers.iban_country(value)
            regions = self.rules.by_code(code)
        else:
            code = value.lower() if len(value) == 2 and value.isalpha() else to_code(value)
            if code is None and re.fullmatch(r"[A-Za-z]{2}-[A-Za-z0-9]{1,3}", value):
                code = value.lower()  # an ISO 3166-2 subdivision, e.g. UA-43
            regions = self.rules.by_code(code)
        for region in regions:
            how = f"country {value}" if item.source == "country" else f"{item.source} {value}"
            if item.source in ("BIC", "IBAN"):
                how = f"{item.source} {value} is from {region.name}"
            self._embargo(
                item.field,
                item.value,
                region,
                item.direction,
                how if item.source in ("BIC", "IBAN") else f"{how} ({region.name})",
                state,
            )

    def _location(self, item: Location, state: _State) -> None:
        state.screened(item.field, item.text)
        for region, words in self.rules.scan(item.text):
            self._embargo(item.field, item.text, region, item.direction, f"'{words}' is in {region.name}", state)

    def _embargo(
        self, field: str, value: str, region: Region, direction: str, how: str, state: _State, free_text: bool = False
    ) -> None:
        measures = self.rules.measures(region, self.jurisdictions, self.day)
        if not measures:
            return
        comprehensive = any(m.scope == "comprehensive" for m in measures)
        if free_text:
            rule, severity = "embargoed place in free text", REVIEW
        else:
            rule = f"{'embargoed' if comprehensive else 'restricted'} {direction}"
            severity = HIT if comprehensive else REVIEW
        basis = "; ".join(f"{m.jurisdiction}: {m.scope} ({m.legal_basis})" for m in measures)
        state.add(
            Finding(
                field=field,
                value=value,
                rule=rule,
                severity=severity,
                entity_id=f"embargo:{region.id}",
                dataset=EMBARGOES,
                caption=region.name,
                schema=None,
                score=None,
                explanation=f"{how}: {basis}",
                extra={"measures": [m.to_dict() for m in measures]},
            )
        )

    # --- free text ---------------------------------------------------------

    def _free_text(self, item: FreeText, state: _State) -> None:
        state.screened(item.field, item.text)
        for found in freetext.find_names(self.screener, item.text, self.datasets):
            severity = REVIEW if found.contained else HIT
            finding = _hit_finding(item.field, item.text, "listed party in free text", severity, found.hit)
            finding.explanation = f"'{found.window.text}' in the text: {finding.explanation}" + (
                f"; {found.note}" if found.note else ""
            )
            state.add(finding)
        for word in freetext.words_shaped_like(item.text, identifiers.BIC_RE):
            for match in identifiers.match_bic(self.screener, word, self.datasets):
                state.add(
                    self._identifier_finding(
                        item.field,
                        item.text,
                        "listed BIC in free text",
                        match.severity,
                        match.entity_id,
                        f"BIC {word} in the text: {match.how}",
                    )
                )
        for imo in identifiers.IMO_RE.findall(item.text):
            for found in identifiers.match_exact(self.screener, imo, IdentifierType.IMO, self.datasets):
                state.add(
                    self._identifier_finding(
                        item.field, item.text, "listed vessel (IMO)", HIT, found.entity_id, f"IMO {found.value} in the text = list"
                    )
                )
        for region, words in self.rules.scan(item.text):
            self._embargo(
                item.field, item.text, region, COUNTRY, f"the text names '{words}' ({region.name})", state, free_text=True
            )


class _State:
    """Findings of one document, de-duplicated by (field, list entry, rule)."""

    def __init__(self, verdict: Verdict):
        self.verdict = verdict
        self.identified: dict[str, Finding] = {}
        self._seen: dict[tuple[str, str, str], Finding] = {}
        self._screened: set[tuple[str, str]] = set()

    def screened(self, field: str, value: str) -> None:
        if (field, value) not in self._screened:
            self._screened.add((field, value))
            self.verdict.screened.append({"field": field, "value": value})

    def add(self, finding: Finding) -> None:
        key = (finding.field, finding.entity_id, finding.rule)
        current = self._seen.get(key)
        if current is not None:
            if current.severity == REVIEW and finding.severity == HIT:
                self.verdict.findings[self.verdict.findings.index(current)] = finding
                self._seen[key] = finding
            return
        self._seen[key] = finding
        self.verdict.findings.append(finding)

    def fold_name(self, hit: Hit, party: Party) -> None:
        """A name hit on an entry already found by its identifier: one finding, both reasons."""
        finding = self.identified[hit.entity.id]
        note = f"; {party.field} '{party.name}' ~ '{hit.matched_name}' ({hit.score:.2f})"
        if note not in finding.explanation:
            finding.explanation += note


def _company_for_person(party: Party, hit: Hit) -> bool:
    """A traveller's near miss on a company name ("Thomas Schneider" ~ "Schneider GmbH") is no reason to review.

    Untyped list rows (LegalEntity) may be people, so the matcher compares
    them with people; a legal form in the matched name shows this one is not.
    """
    if party.schema != Schema.PERSON or hit.entity.schema == Schema.PERSON:
        return False
    return any(why == "legal form" for _, why in analyze_name(hit.matched_name, Schema.LEGAL_ENTITY).removed)


def _hit_finding(field: str, value: str, rule: str, severity: str, hit: Hit) -> Finding:
    return Finding(
        field=field,
        value=value,
        rule=rule,
        severity=severity,
        entity_id=hit.entity.id,
        dataset=hit.entity.dataset,
        caption=hit.entity.caption,
        schema=hit.entity.schema,
        score=hit.score,
        explanation=hit.explanation,
        extra={"source_id": hit.entity.source_id, "matched_name": hit.matched_name},
    )


MAX_DOCUMENT_BYTES = 5_000_000


def as_bytes(data: bytes | str) -> bytes:
    """Documents are bytes (their encoding is part of the format); text is taken as UTF-8."""
    return data.encode("utf-8") if isinstance(data, str) else bytes(data)


def check_size(data: bytes, what: str) -> None:
    """Refuse empty and oversized documents before parsing them."""
    if not data or not data.strip():
        raise InputError(f"The {what} is empty.")
    if len(data) > MAX_DOCUMENT_BYTES:
        raise InputError(
            f"The {what} is {len(data):,} bytes; documents over {MAX_DOCUMENT_BYTES:,} bytes are refused (split the file)."
        )


def validate_jurisdictions(jurisdictions: Iterable[str] | None) -> list[str] | None:
    if not jurisdictions:
        return None
    cleaned = [item.strip().lower() for item in jurisdictions]
    for item in cleaned:
        if item not in JURISDICTIONS:
            raise InputError(f"Unknown jurisdiction {item!r}; use one of {', '.join(JURISDICTIONS)}.")
    return cleaned


def screen_parsed(
    parsed: ParsedDocument,
    screener: Screener | None = None,
    *,
    document: str | None = None,
    datasets: Iterable[str] | None = None,
    jurisdictions: Iterable[str] | None = None,
    embargoes: str | Path | None = None,
    day: date | None = None,
) -> Verdict:
    """Screen an already parsed document: the step the three workflows share."""
    checked = validate_datasets(list(datasets) if datasets else None)
    rules = load_embargo_rules(embargoes)
    checker = Checker(
        screener or default_screener(),
        datasets=checked,
        jurisdictions=validate_jurisdictions(jurisdictions),
        rules=rules,
        day=day,
    )
    return checker.run(parsed, document)
