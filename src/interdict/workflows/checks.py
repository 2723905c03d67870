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
  numbers, and embargoed places (a review: text can say "not for Iran"), up to
  `max_free_text_chars` per field; when a text is longer, a review finding says
  how much was not screened (never a silent cut).

Bounded work. A bulk payment repeats its debtor, agents and BICs in every
transaction, so each distinct party, identifier, country, place and text is
screened once per document and its result reused for every field that carries
it (findings still name every field). The number of distinct parties is capped
(`max_parties`, limits.py). `run` takes a `deadline` (a time.monotonic() value)
and checks it between items: past it, the work stops with DocumentTimeout
(a TimeoutError), so a request answered 503 stops using its thread within an
item's time instead of screening on unseen.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ..cores import can_fork, forked_map
from ..countries import name_of, to_code
from ..errors import InputError, InterdictError, NotFoundError
from ..match.query import Query
from ..match.lookup import IdentifierMatch
from ..match.screener import Hit, Screener
from ..model import IdentifierType, Schema
from ..relations.reach import recorded_relatives
from ..screening import default_screener, validate_datasets
from ..sources import registry
from ..sources.dates import parse_date
from ..text.names import analyze_name
from ..textfiles import decode_guess
from . import freetext, identifiers, relatives
from .document import COUNTRY, Country, FreeText, Identifier, Location, ParsedDocument, Party
from .embargoes import JURISDICTIONS, EmbargoRules, Region, load_embargo_rules
from .limits import ENV_PREFIX, PARALLEL_MIN_ITEMS, DocumentLimits, current_limits
from .verdict import HIT, REVIEW, Finding, Verdict

REVIEW_MARGIN = 0.05
PARTY_LIMIT = 10
NEAR_MISSES = 2
EMBARGOES = "embargoes"

_ID_RULES = {IdentifierType.BIC: "listed BIC", IdentifierType.IMO: "listed vessel (IMO)", IdentifierType.TAIL_NUMBER: "listed aircraft (tail number)"}
_NAME_RULES = {Schema.VESSEL: "listed vessel (name)", Schema.AIRPLANE: "listed aircraft (name)"}
_RELATION_RULES = {"owned": "owned or controlled by a listed party", "relative": "relative of a listed party", "associate": "associate of a listed party"}
LIMITS = "limits"


class DocumentTimeout(InterdictError, TimeoutError):
    """Screening a document ran past its deadline; the work stopped there (no partial verdict).

    A TimeoutError, so the service's Runner answers it 503 like its own timeout.
    """

    exit_code = 2


def check_deadline(deadline: float | None, what: str) -> None:
    """Stop before starting work that could not finish in time (a request that waited its whole timeout in the queue)."""
    if deadline is not None and time.monotonic() > deadline:
        raise DocumentTimeout(f"The {what} was not screened: its deadline passed before the work could start.")


def _party_key(party: Party) -> tuple[Any, ...]:
    """What a party's screening depends on: two fields with the same key get the same hits."""
    return (party.name, party.schema, party.birth_date, party.nationalities, party.countries, party.documents, party.family_name)


class Checker:
    """Runs the items of one document against the lists and the embargo rules."""

    def __init__(
        self,
        screener: Screener,
        datasets: Iterable[str] | None = None,
        jurisdictions: Iterable[str] | None = None,
        rules: EmbargoRules | None = None,
        day: date | None = None,
        limits: DocumentLimits | None = None,
    ):
        self.screener = screener
        self.datasets = list(datasets) if datasets else None
        self.jurisdictions = [j.lower() for j in jurisdictions] if jurisdictions else None
        self.rules = rules or load_embargo_rules()
        self.day = day or date.today()
        self.review_floor = screener.threshold - REVIEW_MARGIN
        self.limits = limits or current_limits()
        # Results per distinct value, reused across the fields of one run (see the module docstring).
        self._hits: dict[tuple[Any, ...], list[Hit]] = {}
        self._relatives_of: dict[tuple[Any, ...], list[relatives.Relative]] = {}
        self._bics: dict[str, list[identifiers.BicMatch]] = {}
        self._exact: dict[tuple[str, IdentifierType], list[IdentifierMatch]] = {}
        self._regions: dict[tuple[str, str], list[Region]] = {}
        self._scans: dict[str, list[tuple[Region, str]]] = {}
        self._texts: dict[str, list[freetext.TextHit]] = {}

    def run(self, document: ParsedDocument, name: str | None = None, *, deadline: float | None = None) -> Verdict:
        """The verdict of one document. `deadline`: a time.monotonic() value past which the work stops (DocumentTimeout)."""
        label = name or document.reference or document.format
        verdict = Verdict(document=label, format=document.format, reference=document.reference)
        self._check_parties(document)
        state = _State(verdict)
        # Identifiers first, so a vessel's name hit folds into its IMO hit.
        ordered = sorted(document.items, key=lambda item: 0 if isinstance(item, Identifier) else 1)
        started = time.monotonic()
        for done, item in enumerate(ordered):
            if deadline is not None and time.monotonic() > deadline:
                raise DocumentTimeout(
                    f"{label}: screening stopped after {time.monotonic() - started:.1f} s, past its deadline, with "
                    f"{done:,} of {len(ordered):,} fields checked; no verdict (send a smaller document, or allow more time)."
                )
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

    def _check_parties(self, document: ParsedDocument) -> None:
        parties = {_party_key(item) for item in document.items if isinstance(item, Party)}
        if len(parties) > self.limits.max_parties:
            raise self.limits.exceeded("max_parties", f"{document.format}: the document names {len(parties):,} distinct parties")

    # --- several processes (the CLI's --workers) -----------------------------

    def prefetch(self, document: ParsedDocument, workers: int, deadline: float | None = None) -> None:
        """Screen the document's distinct parties and free texts in `workers` forked processes, filling the caches run() reads.

        What screen-file's --workers does for rows: the index is shared
        copy-on-write, each process screens a share of the distinct values, and
        run() then assembles the findings in document order from the results,
        so the verdict is the same as in one process. Workers stop at the
        deadline (run() then raises). It forks only in a process of one thread
        (`cores.can_fork`): a server's threads leave the work to run().
        """
        parties: dict[tuple[Any, ...], Party] = {}
        texts: set[str] = set()
        for item in document.items:
            if isinstance(item, Party):
                parties.setdefault(_party_key(item), item)
            elif isinstance(item, FreeText):
                texts.add(self._capped(item.text))
        jobs: list[tuple[str, Any]] = [("party", party) for party in parties.values()] + [("text", text) for text in texts]
        if workers <= 1 or len(jobs) < PARALLEL_MIN_ITEMS or not can_fork():
            return  # run() does the same work in this process
        self._check_parties(document)
        size = max(8, len(jobs) // (workers * 8))
        # A job whose worker died is not prefetched (`lost`): run() screens it in this process, as it does any job
        # the deadline left.
        for found in forked_map(_prefetch_part, jobs, workers, size, (self, deadline), lost=lambda job: []):
            for kind, key, value in found:
                if kind == "hits":
                    self._hits[key] = value
                elif kind == "relatives":
                    self._relatives_of[key] = value
                else:
                    self._texts[key] = value

    # --- parties -----------------------------------------------------------

    def _query(self, party: Party) -> Query:
        try:
            return Query.build(
                party.name,
                schema=party.schema,
                birth_date=party.birth_date,
                nationality=list(party.nationalities),
                country=list(party.countries),
                id_number=list(party.documents),
            )
        except InputError as exc:
            raise InputError(f"{party.field}: {exc}") from None

    def _decide(self, party: Party, hits: list[Hit], identified: Iterable[str]) -> list[tuple[Hit, str | None]]:
        """The hits that become findings: (hit, "hit" or "review"), or (hit, None) to fold into an identifier's finding."""
        decided: list[tuple[Hit, str | None]] = []
        near = 0
        for hit in hits:
            if hit.entity.id in identified:
                decided.append((hit, None))
            elif hit.match:
                decided.append((hit, HIT))
            elif hit.score >= self.review_floor and near < NEAR_MISSES and not _company_for_person(party, hit):
                decided.append((hit, REVIEW))
                near += 1
        return decided

    def _party(self, party: Party, state: _State) -> None:
        state.screened(party.field, party.name)
        key = _party_key(party)
        hits = self._hits.get(key)
        if hits is None:
            hits = self._hits[key] = self.screener.screen(self._query(party), datasets=self.datasets, limit=PARTY_LIMIT)
        matched: set[str] = set()
        for hit, severity in self._decide(party, hits, state.identified):
            if severity is None:
                state.fold_name(hit, party)
                matched.add(hit.entity.id)
                continue
            matched.add(hit.entity.id)
            rule = _NAME_RULES.get(hit.entity.schema, "listed party")
            identifier = hit.identifier
            if identifier is not None and identifier.decisive and hit.name_score < self.screener.threshold and rule == "listed party":
                rule = "listed identifier"
            kind = getattr(hit, "kind", None)  # a hit that reaches through relations (relations/reach.py)
            if kind:
                rule = _RELATION_RULES[kind]
                # blocked through ownership stops the document; a relative or associate is not designated
                # by the relation alone, and an unknown share or a control indicator needs an analyst
                if getattr(hit, "relation", {}).get("status") != "blocked":
                    severity = REVIEW
            state.add(_hit_finding(party.field, party.name, rule, severity, hit))
        if party.family_name and not any(hit.match for hit in hits):
            self._relatives(party, matched, state)

    def _find_relatives(self, party: Party, matched: set[str]) -> list[relatives.Relative]:
        key = (*_party_key(party), frozenset(matched))
        found = self._relatives_of.get(key)
        if found is None:
            birth = parse_date(party.birth_date) if party.birth_date else None
            years = birth.years() if birth else None
            assert party.family_name is not None
            found = self._relatives_of[key] = relatives.find_relatives(
                self.screener,
                party.family_name,
                years[0] if years else None,
                party.nationalities,
                exclude_ids=matched,
                # designated people only: the user's relation data names people who are not (relations/)
                datasets=self.datasets if self.datasets is not None else sorted(self.screener.datasets & set(registry())),
            )
        return found

    def _relatives(self, party: Party, matched: set[str], state: _State) -> None:
        birth = parse_date(party.birth_date) if party.birth_date else None
        years = birth.years() if birth else None
        found = self._find_relatives(party, matched)
        for relative in found:
            born = ", ".join(str(y) for y in relative.listed_years[:3])
            explanation = (
                f"shares the family name '{relative.shared}' (rare on the lists: weight {relative.weight:.2f}) "
                f"with designated {relative.caption}; same nationality ({name_of(relative.nationality)}); "
                f"born {years[0] if years else '?'} vs {born} ({relative.gap} years apart)"
            )
            recorded, note = self._recorded_family(party, relative.entity_id, relative.caption)
            explanation = f"{note}; {explanation}" if recorded else f"{explanation}; {note}" if note else explanation
            extra: dict[str, Any] = {"listed_birth_years": list(relative.listed_years)}
            if recorded:
                extra["recorded_relation"] = recorded
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
                    extra=extra,
                )
            )

    def _recorded_family(self, party: Party, entity_id: str, caption: str) -> tuple[dict[str, Any] | None, str | None]:
        """A family relation recorded for the designated person that names this traveller, and a sentence saying which.

        The surname guess is only a guess; when the lists or the user's data record the designated person's
        family, the finding says whether the traveller is one of them.
        """
        family = [row for row in recorded_relatives(self.screener, entity_id) if row["kind"] == "relative"]
        if not family:
            return None, None
        named = []
        for row in family:
            try:
                member = self.screener.entity(row["id"]).caption
            except NotFoundError:
                continue
            named.append((row, member))
            score, _ = self.screener.compare(party.name, member, Schema.PERSON)
            if score >= self.screener.threshold:
                return {**row, "caption": member}, f"recorded family relation: {member} is recorded as {row['label']} of designated {caption} ({row['source']})"
        listed = ", ".join(f"{member} ({row['label']})" for row, member in named[:5])
        return None, f"recorded family of {caption}: {listed}; the traveller is none of them by name" if listed else None

    # --- identifiers -------------------------------------------------------

    def _identifier(self, item: Identifier, state: _State) -> None:
        state.screened(item.field, item.value)
        if item.type == IdentifierType.BIC:
            bic = identifiers.clean_bic(item.value)
            if bic is None:
                return
            for match in self._match_bic(bic):
                state.add(
                    self._identifier_finding(item.field, item.value, "listed BIC", match.severity, match.entity_id, match.how)
                )
            self._country(Country(item.field, bic, COUNTRY, "BIC"), state, record=False)
            return
        id_type = IdentifierType(item.type)
        for found in self._match_exact(item.value, id_type):
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

    def _match_bic(self, bic: str) -> list[identifiers.BicMatch]:
        found = self._bics.get(bic)
        if found is None:
            found = self._bics[bic] = identifiers.match_bic(self.screener, bic, self.datasets)
        return found

    def _match_exact(self, value: str, kind: IdentifierType) -> list[IdentifierMatch]:
        found = self._exact.get((value, kind))
        if found is None:
            found = self._exact[(value, kind)] = identifiers.match_exact(self.screener, value, kind, self.datasets)
        return found

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
        regions = self._regions.get((item.source, value))
        if regions is None:
            regions = self._regions[(item.source, value)] = self._regions_of(item.source, value)
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

    def _regions_of(self, source: str, value: str) -> list[Region]:
        """The embargoed regions a country value points at, read as its source says (LOCODE, airport, IBAN...)."""
        if source == "UN/LOCODE":
            return self.rules.by_locode(value)
        if source == "airport":
            return self.rules.by_airport(value)
        if source in ("BIC", "IBAN"):
            code = identifiers.bic_country(value) if source == "BIC" else identifiers.iban_country(value)
            return self.rules.by_code(code)
        code = value.lower() if len(value) == 2 and value.isalpha() else to_code(value)
        if code is None and re.fullmatch(r"[A-Za-z]{2}-[A-Za-z0-9]{1,3}", value):
            code = value.lower()  # an ISO 3166-2 subdivision, e.g. UA-43
        return self.rules.by_code(code)

    def _scan(self, text: str) -> list[tuple[Region, str]]:
        found = self._scans.get(text)
        if found is None:
            found = self._scans[text] = self.rules.scan(text)
        return found

    def _location(self, item: Location, state: _State) -> None:
        state.screened(item.field, item.text)
        for region, words in self._scan(item.text):
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
        basis = legal_basis([m.to_dict() for m in measures])
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
        text = self._within_cap(item, state)
        found_names = self._find_names(text)
        for found in found_names:
            severity = REVIEW if found.contained else HIT
            finding = _hit_finding(item.field, item.text, "listed party in free text", severity, found.hit)
            finding.explanation = f"'{found.window.text}' in the text: {finding.explanation}" + (
                f"; {found.note}" if found.note else ""
            )
            state.add(finding)
        for word in freetext.words_shaped_like(text, identifiers.BIC_RE):
            for match in self._match_bic(word):
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
        for imo in identifiers.IMO_RE.findall(text):
            for listed in self._match_exact(imo, IdentifierType.IMO):
                state.add(
                    self._identifier_finding(
                        item.field, item.text, "listed vessel (IMO)", HIT, listed.entity_id, f"IMO {listed.value} in the text = list"
                    )
                )
        for region, words in self._scan(text):
            self._embargo(
                item.field, item.text, region, COUNTRY, f"the text names '{words}' ({region.name})", state, free_text=True
            )

    def _find_names(self, text: str) -> list[freetext.TextHit]:
        found = self._texts.get(text)
        if found is None:
            found = self._texts[text] = freetext.find_names(self.screener, text, self.datasets)
        return found

    def _capped(self, text: str) -> str:
        """The part of a free text that is screened: all of it, or up to max_free_text_chars (at a word break)."""
        cap = self.limits.max_free_text_chars
        if len(text) <= cap:
            return text
        cut = text.rfind(" ", 0, cap + 1)
        return text[: cut if cut > cap // 2 else cap]

    def _within_cap(self, item: FreeText, state: _State) -> str:
        """The screened part of a free text; when it is not all of it, a review finding says so."""
        cap = self.limits.max_free_text_chars
        text = self._capped(item.text)
        if text == item.text:
            return text
        state.add(
            Finding(
                field=item.field,
                value=item.text[:200],
                rule="free text not fully screened",
                severity=REVIEW,
                entity_id="limit:max_free_text_chars",
                dataset=LIMITS,
                caption="free-text limit",
                explanation=(
                    f"the text is {len(item.text):,} characters; the first {len(text):,} were screened (max_free_text_chars "
                    f"= {cap:,}), the rest was not searched for listed names, BICs, IMO numbers or places. Review it, or "
                    f"raise the limit with {ENV_PREFIX}MAX_FREE_TEXT_CHARS (--doc-limit max_free_text_chars=N)."
                ),
                extra={"characters": len(item.text), "screened_characters": len(text)},
            )
        )
        return text


def _prefetch_part(shared: tuple[Checker, float | None], jobs: Sequence[tuple[str, Any]]) -> list[list[tuple[str, Any, Any]]]:
    """In a forked worker: per job, the hits (and possible relatives) of a party or the names found in a text, for the
    parent's caches; nothing for a job past the deadline (the parent's run() reports the timeout)."""
    checker, deadline = shared
    found: list[list[tuple[str, Any, Any]]] = []
    for kind, job in jobs:
        results: list[tuple[str, Any, Any]] = []
        found.append(results)
        if deadline is not None and time.monotonic() > deadline:
            continue
        if kind == "text":
            results.append(("text", job, checker._find_names(job)))
            continue
        try:
            query = checker._query(job)
        except InputError:
            continue  # the parent raises it when it reaches the field
        key = _party_key(job)
        hits = checker.screener.screen(query, datasets=checker.datasets, limit=PARTY_LIMIT)
        results.append(("hits", key, hits))
        if job.family_name and not any(hit.match for hit in hits):
            # A traveller's hits are people: no identifier finding (vessel, aircraft) can fold them.
            matched = {hit.entity.id for hit, _ in checker._decide(job, hits, ())}
            results.append(("relatives", (*key, frozenset(matched)), checker._find_relatives(job, matched)))
    return found


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


def legal_basis(measures: list[dict[str, Any]]) -> str:
    """The measures of an embargo finding as its explanation ends: "us: comprehensive (31 CFR Part 560 (ITSR)); eu: ...".

    One function, so a front-end can show the legal basis once per document
    (the CLI's legend) and recognise it at the end of each explanation.
    """
    return "; ".join(f"{m['jurisdiction']}: {m['scope']} ({m['legal_basis']})" for m in measures)


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
        extra={"source_id": hit.entity.source_id, "matched_name": hit.matched_name, **_relation_of(hit)},
    )


def _relation_of(hit: Hit) -> dict[str, Any]:
    """What a hit that reaches through relations adds to its finding: its kind and the relation (path, rule, basis)."""
    found: dict[str, Any] = {}
    for name in ("kind", "relation"):
        value = getattr(hit, name, None)
        if value:
            found[name] = value
    return found


MAX_DOCUMENT_BYTES = DocumentLimits.max_document_bytes  # the default; the limit in force is limits.max_document_bytes


def as_bytes(data: bytes | str) -> bytes:
    """Documents are bytes (their encoding is part of the format); text is taken as UTF-8."""
    if not isinstance(data, str):
        return bytes(data)
    try:
        return data.encode("utf-8")
    except UnicodeEncodeError as exc:  # a lone surrogate ("\ud800") has no UTF-8 form
        raise InputError(
            f"The document text holds an unpaired surrogate {data[exc.start]!r} at character {exc.start + 1:,}: "
            "it is not valid Unicode text."
        ) from None


_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)


def decode_document(data: bytes) -> str:
    """Text of a document in a guessed encoding: UTF-16/32 when a byte-order mark says so, else decode_guess.

    Spreadsheet tools export "Unicode text" as UTF-16; read as Latin-1 it would
    be letters between NUL bytes, a misread rather than an error.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"The document starts with a {encoding.upper()} byte-order mark, but byte {exc.start + len(bom):,} is not {encoding.upper()}."
                ) from None
    return decode_guess(data)


def check_size(data: bytes, what: str, limits: DocumentLimits | None = None) -> None:
    """Refuse empty and oversized documents before parsing them."""
    limits = limits or current_limits()
    if not data or not data.strip():
        raise InputError(f"The {what} is empty.")
    if len(data) > limits.max_document_bytes:
        raise limits.exceeded("max_document_bytes", f"The {what} is {len(data):,} bytes")


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
    deadline: float | None = None,
    limits: DocumentLimits | None = None,
    workers: int = 1,
) -> Verdict:
    """Screen an already parsed document: the step the three workflows share.

    `deadline` (a time.monotonic() value) stops the work between items with
    DocumentTimeout; `limits` default to current_limits() (environment);
    `workers` > 1 screens a large document's distinct parties and texts in that
    many forked processes (Checker.prefetch: single-threaded callers only).
    """
    checked = validate_datasets(list(datasets) if datasets else None)
    rules = load_embargo_rules(embargoes)
    checker = Checker(
        screener or default_screener(),
        datasets=checked,
        jurisdictions=validate_jurisdictions(jurisdictions),
        rules=rules,
        day=day,
        limits=limits,
    )
    checker.prefetch(parsed, workers, deadline)
    return checker.run(parsed, document, deadline=deadline)
