"""Escaping as a property: whatever a party, a list entry, a reason or a comment holds, the alert, case and watch
templates show it as text. Rendered straight from the templates (no server, no browser), so hypothesis can try many."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from interdict.cases import Alert, Case, Comment, Decision, views
from interdict.cases.register import RegisteredParty
from interdict.model import Entity, Name, NameKind, Schema
from interdict.store import audit
from interdict.store.users import User
from interdict.ui import web
from interdict.ui.pages.alerts import OUTCOME_TEXT, STATUS_TEXT

MARK = "<zz-evil onload=x>"  # a tag no template writes: if it survives, data was rendered as markup
TEXT = st.text(max_size=40).map(lambda text: text + MARK + '"' + "'&")


def _alert(data: str) -> Alert:
    return Alert(
        id=7,
        origin="register",
        party_id="p/" + data,
        party_version=1,
        party_sha256="a" * 64,
        party={"name": data, "birth_date": data},
        entity_id="ent-" + data,
        dataset="un_sc_sanctions",
        entry_sha256="b" * 64,
        snapshot_id=1,
        score=0.91,
        match=True,
        explanation=data,
        hit={"caption": data, "matched_name": data, "relation": {"path": [data, {"via": data}]}},
        status="pending",
        reason=data,
        case_id=3,
        assignee=data,
        version=2,
        created_at="2026-01-01T00:00:00+00:00",
        closed_at=None,
        closed_snapshot_id=None,
        closed_reason=None,
    )


def _context(data: str, user: User) -> dict[str, Any]:
    return {
        "user": user,
        "csrf_token": "t",
        "nav": web.nav("/ui/alerts"),
        "flash": data,
        "status_text": STATUS_TEXT,
        "outcome_text": OUTCOME_TEXT,
        "max_reason": 4000,
        "unassigned": "-",
        "error": data,
        "kept": {"reason": data, "outcome": data, "comment": data, "title": data, "note": data},
        "entry_state_text": views.ENTRY_STATE_TEXT,
        "people": [user],
    }


@settings(max_examples=40, deadline=None)
@given(data=TEXT)
def test_untrusted_text_is_shown_as_text_on_every_alert_page(data: str) -> None:
    maker = User(1, "ann" + data, "analyst", "2026-01-01", None)
    checker = User(2, "sue", "supervisor", "2026-01-01", None)
    alert = _alert(data)
    entry = Entity(
        id="ent-x",
        dataset="un_sc_sanctions",
        source_id=data,
        schema=Schema.PERSON,
        names=[Name(full=data, kind=NameKind.PRIMARY)],
        remarks=[data],
    )
    decision = Decision(5, 7, "false_positive", data, maker.name, "2026-01-01T00:00:00", "proposed", None, None, data)
    record = audit.Record(
        9, "2026-01-01T00:00:00", data, "decision.proposed", "alert 7", {"decision": 5, "outcome": data, "reason": data}, "0", "1"
    )
    party = RegisteredParty("p/" + data, 2, {"id": "p/" + data, "name": data}, "active", "2026-01-01", "2026-01-01", 1)
    case = Case(3, data, "open", data, data, "2026-01-01T00:00:00", 1, (7,))
    comment = Comment(1, 7, None, data, data, "2026-01-01T00:00:00")
    view = views.AlertView(
        alert, [decision], decision, [comment], entry, views.EntryState.CHANGED, [record], party, case, [alert]
    )
    queue = views.Queue([alert], 1, views.QueueFilter(status=data, dataset=data, assignee=data), [data], {data: 1})
    pages = [
        ("alerts/alert.html", {"view": view}, checker),
        ("alerts/alert.html", {"view": view}, maker),
        ("alerts/queue.html", {"queue": queue, "asked": {}}, maker),
        ("alerts/case.html", {"view": views.CaseView(case, [alert], [comment], [record])}, maker),
        ("alerts/cases.html", {"cases": [case], "asked_status": data}, maker),
        (
            "watch/register.html",
            {
                "page": views.Register([views.WatchedParty(party, [alert], data)], 1, [views.ListChange(data, 1, data)], data),
                "removed": False,
                "after": data,
                "schemas": (data,),
            },
            maker,
        ),
        (
            "watch/party.html",
            {
                "view": views.PartyView(
                    party, [{"version": 1, "action": data, "at": data, "actor": data, "data": {"name": data}}], [alert], data
                ),
                "party_id": data,
            },
            maker,
        ),
    ]
    for template, extra, user in pages:
        html = web.templates.get_template(template).render({**_context(data, user), **extra})
        assert MARK not in html, template
        assert "&lt;zz-evil onload=x&gt;" in html, template
