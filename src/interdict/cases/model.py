"""The categories of casework and the records front-ends read: alerts, decisions, cases, comments."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import Row


class AlertStatus(StrEnum):
    OPEN = "open"  # raised, waiting for an analyst
    PENDING = "pending"  # a decision is proposed, waiting for a supervisor
    ESCALATED = "escalated"  # a supervisor approved an escalation: it needs a further decision
    TRUE_MATCH = "true_match"  # closed: approved as the listed party
    FALSE_POSITIVE = "false_positive"  # closed: approved as someone else; the pair is suppressed
    DELISTED = "delisted"  # closed: the designation was removed from the list


LIVE = (AlertStatus.OPEN, AlertStatus.PENDING, AlertStatus.ESCALATED)


class Outcome(StrEnum):
    TRUE_MATCH = "true_match"
    FALSE_POSITIVE = "false_positive"
    ESCALATE = "escalate"


class DecisionState(StrEnum):
    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"  # the alert closed (delisted) before a supervisor checked it


class Origin(StrEnum):
    REGISTER = "register"  # monitoring of the watch register
    SCREENING = "screening"  # a one-off screening recorded with --record


# What an approved decision does to its alert.
OUTCOME_STATUS = {
    Outcome.TRUE_MATCH: AlertStatus.TRUE_MATCH,
    Outcome.FALSE_POSITIVE: AlertStatus.FALSE_POSITIVE,
    Outcome.ESCALATE: AlertStatus.ESCALATED,
}


@dataclass(frozen=True)
class Alert:
    id: int
    origin: str
    party_id: str
    party_version: int | None
    party_sha256: str
    party: dict[str, Any]
    entity_id: str
    dataset: str
    entry_sha256: str
    snapshot_id: int
    score: float
    match: bool
    explanation: str
    hit: dict[str, Any]
    status: str
    reason: str
    case_id: int | None
    assignee: str | None
    version: int
    created_at: str
    closed_at: str | None
    closed_snapshot_id: int | None
    closed_reason: str | None

    @classmethod
    def from_row(cls, row: Row[Any]) -> Alert:
        return cls(
            id=row.id,
            origin=row.origin,
            party_id=row.party_id,
            party_version=row.party_version,
            party_sha256=row.party_sha256,
            party=json.loads(row.party_data),
            entity_id=row.entity_id,
            dataset=row.dataset,
            entry_sha256=row.entry_sha256,
            snapshot_id=row.snapshot_id,
            score=row.score,
            match=bool(row.match),
            explanation=row.explanation,
            hit=json.loads(row.hit),
            status=row.status,
            reason=row.reason,
            case_id=row.case_id,
            assignee=row.assignee,
            version=row.version,
            created_at=row.created_at,
            closed_at=row.closed_at,
            closed_snapshot_id=row.closed_snapshot_id,
            closed_reason=row.closed_reason,
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "origin": self.origin,
            "party_id": self.party_id,
            "party_version": self.party_version,
            "party": self.party,
            "entity_id": self.entity_id,
            "dataset": self.dataset,
            "entry_sha256": self.entry_sha256,
            "snapshot_id": self.snapshot_id,
            "score": self.score,
            "match": self.match,
            "explanation": self.explanation,
            "path": self.hit.get("relation", {}).get("path") if isinstance(self.hit.get("relation"), dict) else None,
            "hit": self.hit,
            "status": self.status,
            "reason": self.reason,
            "case_id": self.case_id,
            "assignee": self.assignee,
            "version": self.version,
            "created_at": self.created_at,
            "closed_at": self.closed_at,
            "closed_snapshot_id": self.closed_snapshot_id,
            "closed_reason": self.closed_reason,
        }


@dataclass(frozen=True)
class Decision:
    id: int
    alert_id: int
    outcome: str
    reason: str
    proposed_by: str
    proposed_at: str
    state: str
    checked_by: str | None
    checked_at: str | None
    note: str | None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass(frozen=True)
class Case:
    id: int
    title: str
    status: str
    assignee: str | None
    created_by: str
    created_at: str
    version: int
    alert_ids: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.__dict__, "alert_ids": list(self.alert_ids)}


@dataclass(frozen=True)
class Comment:
    id: int
    alert_id: int | None
    case_id: int | None
    author: str
    body: str
    at: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)
