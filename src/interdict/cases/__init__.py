"""Casework: the watch register, alerts, four-eyes decisions and cases, on the store's tables.

Same layer as workflows/ and gaps/ (after match/ and screening in the flow).
Everything that must hold whatever the front-end — maker ≠ checker, one winner
when two people act at once, no half-written alert, an audit record with every
change — is enforced in the store's transactions and constraints (`alerts.py`);
front-ends (CLI, HTTP) are thin wrappers over the functions here.
"""

from __future__ import annotations

from sqlalchemy import Engine

from ..store import make_engine
from .alerts import CaseStore, Party, Raised, party_sha256
from .model import LIVE, Alert, AlertStatus, Case, Comment, Decision, DecisionState, Origin, Outcome
from .monitor import MonitorReport, RegisterIndex, catch_up, rescreen_all, screen_parties, screen_unscreened
from .record import Recorded, document_screenings, record_screening, record_screenings
from .register import PartyStatus, RegisteredParty, RegisterReport

__all__ = [
    "LIVE",
    "Alert",
    "AlertStatus",
    "Case",
    "CaseStore",
    "Comment",
    "Decision",
    "DecisionState",
    "MonitorReport",
    "Origin",
    "Outcome",
    "Party",
    "PartyStatus",
    "Raised",
    "RegisterIndex",
    "RegisterReport",
    "RegisteredParty",
    "catch_up",
    "document_screenings",
    "open_cases",
    "party_sha256",
    "Recorded",
    "record_screening",
    "record_screenings",
    "rescreen_all",
    "screen_parties",
    "screen_unscreened",
]


def open_cases(url: str | None = None, engine: Engine | None = None) -> CaseStore:
    """The case store at `url` (default: INTERDICT_DB, else SQLite in the data home)."""
    return CaseStore(engine if engine is not None else make_engine(url))
