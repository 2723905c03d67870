"""Per-document limits of the workflows: one table, with defaults, environment variables and what each trades off.

A document is screened in one piece and answered in one verdict, so its size
decides the time and memory of one request. A gate needs an answer in seconds,
and one oversized or hostile file must not starve the others, so every
dimension that grows the work is capped here (and nowhere else):

    setting               default    refused / handled when exceeded
    max_document_bytes    5,000,000  the document, before parsing
    max_transactions      10,000     credit transfers (CdtTrfTxInf) of one ISO 20022 message
    max_travellers        10,000     travellers (passengers and crew) of one manifest
    max_parties           25,000     distinct parties (name + details) screened in one document
    max_field_chars       100,000    one field: XML element text, MT field, EDIFACT segment, CSV cell, JSON string
    max_free_text_chars   10,000     screened per free-text field; the rest is reported, not silently dropped
    max_json_depth        20         nesting of a shipment JSON record (a record needs 3)

A limit that refuses a document raises an InputError naming the limit and the
two ways to raise it: the environment variable INTERDICT_DOC_<NAME> (library,
CLI and HTTP service alike) and, on the command line, `--doc-limit NAME=VALUE`.
Free text is the exception: text past `max_free_text_chars` is not screened,
and the verdict carries a review finding saying so (rule "free text not fully
screened"), because the rest of the document is still worth an answer.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace

from ..errors import InputError

ENV_PREFIX = "INTERDICT_DOC_"
CLI_OPTION = "--doc-limit"


@dataclass(frozen=True)
class DocumentLimits:
    max_document_bytes: int = 5_000_000
    max_transactions: int = 10_000
    max_travellers: int = 10_000
    max_parties: int = 25_000
    max_field_chars: int = 100_000
    max_free_text_chars: int = 10_000
    max_json_depth: int = 20

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> DocumentLimits:
        """Defaults, overridden by INTERDICT_DOC_<NAME> variables (e.g. INTERDICT_DOC_MAX_TRANSACTIONS=20000)."""
        environ = os.environ if environ is None else environ
        values: dict[str, int] = {}
        for item in fields(cls):
            raw = environ.get(ENV_PREFIX + item.name.upper())
            if raw is not None and raw.strip():
                values[item.name] = _positive(raw, f"{ENV_PREFIX}{item.name.upper()}")
        return cls(**values)

    def with_overrides(self, assignments: Iterable[str]) -> DocumentLimits:
        """These limits with `NAME=VALUE` assignments applied (the CLI's --doc-limit)."""
        known = {item.name for item in fields(self)}
        changes: dict[str, int] = {}
        for assignment in assignments:
            name, sep, raw = assignment.partition("=")
            name = name.strip().lower().replace("-", "_")
            if not sep or name not in known:
                raise InputError(f"{CLI_OPTION} {assignment!r}: expected NAME=VALUE with NAME one of {', '.join(sorted(known))}.")
            changes[name] = _positive(raw, f"{CLI_OPTION} {name}")
        return replace(self, **changes)

    def exceeded(self, name: str, what: str, advice: str = "Split the document") -> InputError:
        """The refusal for a document over limit `name`: what is too large, the limit, how to raise it."""
        value = getattr(self, name)
        return InputError(
            f"{what}; the limit is {value:,} ({name}). {advice}, or raise the limit with "
            f"{ENV_PREFIX}{name.upper()}=N (or {CLI_OPTION} {name}=N on the command line)."
        )


HELP = {
    "max_document_bytes": "Largest document read. Higher accepts bigger batch files; costs parse time and memory "
    "(the parsed document is ~5-10x its bytes). The HTTP service also caps request bodies (its own setting).",
    "max_transactions": "Credit transfers per ISO 20022 message. Higher accepts bigger bulk files; each costs ~1-2 ms "
    "of screening per distinct party, so 10,000 can take ~20-40 s (over the HTTP timeout).",
    "max_travellers": "Travellers per manifest (the largest cruise ships carry ~9,000 people). Higher costs ~1-2 ms "
    "per traveller.",
    "max_parties": "Distinct parties screened per document (repeated ones are screened once). Bounds screening time "
    "whatever the format.",
    "max_field_chars": "Longest single field. Real fields are short (names 140, remittance 4x35, segments < 1 KB); a "
    "megabyte field is an attack or a broken export. Higher lets such fields through to parsing.",
    "max_free_text_chars": "Free text screened per field (remittance, instructions, goods). Text past it is not searched "
    "for names, and the verdict says so (a review). Higher finds names deeper in long texts at ~1 ms per 100 characters.",
    "max_json_depth": "Nesting depth of a shipment JSON record. A record needs 3; deep nesting only serves to exhaust "
    "the parser's stack.",
}


# Tuning, not a limit: with --workers, a document with fewer distinct parties and texts than this is
# screened in one process anyway (forking and handing results back cost ~0.2 s, about 100 screened names).
PARALLEL_MIN_ITEMS = 200


def _positive(raw: str, where: str) -> int:
    try:
        value = int(raw.strip().replace("_", ""))
    except ValueError:
        raise InputError(f"{where}={raw!r} is not a whole number.") from None
    if value <= 0:
        raise InputError(f"{where}={raw!r} must be a positive number.")
    return value


def current_limits() -> DocumentLimits:
    """The limits in force when a caller passes none: defaults with the environment's overrides."""
    return DocumentLimits.from_env()
