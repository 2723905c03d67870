"""Page 3 in a real browser: the alert queue, an alert with party/entry/evidence, four eyes, conflicts, a case's history.

Alerts are seeded through the library against the server's own store (the
register's parties screened by the screener the server uses), then every
decision is taken through the pages by the people the conftest logs in.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from interdict.batch import Record
from interdict.cases import AlertStatus, CaseStore, DecisionState, open_cases, register, screen_unscreened
from tests.ui.conftest import UiServer

# Real bundled-list names (each alerts on at least one list entry); ids prefixed so other UI tests' alerts never mix in.
PARTIES = {
    "ui2-fp": {"name": "Javad Karimi Sabet", "schema": "Person"},
    "ui2-own": {"name": "Mohammad Bagher Zolghadr", "schema": "Person"},
    "ui2-race": {"name": "Ali Akbar Ahmadian", "schema": "Person"},
    "ui2-<b>x</b>": {"name": "Ahmad Vahid Dastjerdi", "schema": "Person"},
}


@dataclass
class Seeded:
    cases: CaseStore
    alerts: dict[str, list[int]]  # party id → its alerts, newest first

    def first(self, party_id: str) -> int:
        return self.alerts[party_id][-1]


@pytest.fixture(scope="module")
def seeded_alerts(ui: UiServer) -> Iterator[Seeded]:
    cases = open_cases(engine=ui.store.engine)
    register.add(cases, [Record(line, {"id": pid, **data}) for line, (pid, data) in enumerate(PARTIES.items(), 1)])
    report = screen_unscreened(cases, ui.app.state.service.current().screener)
    assert not report.errors
    alerts = {pid: [a.id for a in cases.alerts(party_id=pid)] for pid in PARTIES}
    assert all(alerts.values()), f"every seeded party alerts: {alerts}"
    yield Seeded(cases, alerts)


def _alert(page: Page, alert_id: int) -> None:
    page.goto(f"/ui/alerts/{alert_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Alert {alert_id}")


def _csrf(page: Page) -> str:
    return str(page.locator("input[name=csrf]").first.get_attribute("value"))


def test_an_analyst_proposes_a_supervisor_approves_a_false_positive_which_then_no_longer_alerts(
    seeded_alerts: Seeded, page_as: Callable[..., Any], shot: Callable[..., Any]
) -> None:
    cases = seeded_alerts.cases
    alert_id = seeded_alerts.first("ui2-fp")
    entity_id = cases.alert(alert_id).entity_id

    analyst = page_as("analyst1")
    analyst.goto("/ui/alerts?list=" + cases.alert(alert_id).dataset)
    analyst.get_by_role("link", name=f"Alert {alert_id}", exact=True).click()
    expect(analyst.get_by_role("heading", level=1)).to_contain_text("open")
    # The party, the entry (from the index in force) and the evidence side by side.
    expect(analyst.get_by_role("region", name="Screened party")).to_contain_text("Javad Karimi Sabet")
    expect(analyst.get_by_role("region", name="List entry")).to_contain_text(entity_id)
    expect(analyst.get_by_role("region", name="List entry")).to_contain_text("unchanged since the alert was raised")
    expect(analyst.get_by_role("region", name="Evidence")).to_contain_text("sabet")
    for other in seeded_alerts.alerts["ui2-fp"][:-1]:  # the same person on other lists: linked from the party
        expect(analyst.get_by_role("region", name="Screened party").get_by_role("link", name=f"Alert {other}", exact=True)).to_be_visible()
    shot(analyst, "alert")

    # By keyboard: choose the outcome, type the reason, submit with Enter on the button.
    analyst.get_by_label(re.compile("^False positive")).check()
    analyst.get_by_label(re.compile("^Reason")).fill("Our customer is a baker born 1990 in Lyon; the listed man was born 1973.")
    analyst.get_by_role("button", name="Propose").focus()
    analyst.keyboard.press("Enter")
    expect(analyst.locator(".flash")).to_contain_text("a supervisor other than you approves it")
    expect(analyst.locator("#pending")).to_contain_text("proposed false positive by analyst1")
    # An analyst is never offered approve or reject; the page says who must check.
    assert analyst.locator("#approve").count() == 0 and analyst.locator("#reject").count() == 0
    expect(analyst.locator("#four-eyes-note")).to_contain_text(
        "You proposed this decision, so you cannot approve or reject it: a supervisor other than analyst1 must"
    )

    supervisor = page_as("supervisor1")
    _alert(supervisor, alert_id)
    expect(supervisor.locator("#four-eyes-note")).to_contain_text("not the maker (analyst1)")
    supervisor.get_by_label("Note (optional)").fill("Agreed: birth year differs by 17 years.")
    supervisor.get_by_role("button", name=re.compile("^Approve decision")).click()
    expect(supervisor.locator(".flash")).to_contain_text("Decision approved")
    expect(supervisor.get_by_role("heading", level=1)).to_contain_text("false positive")
    decision = cases.decisions(alert_id)[-1]
    assert (decision.state, decision.proposed_by, decision.checked_by) == (DecisionState.APPROVED, "analyst1", "supervisor1")

    # Screening the same party again (the watch page's button, through the library the monitor uses): no new alert.
    before = {a.id for a in cases.alerts(party_id="ui2-fp")}
    analyst.goto("/ui/watch/ui2-fp")
    analyst.get_by_role("button", name="Screen again now").click()
    expect(analyst.locator(".flash")).to_contain_text("Screened again: 0 new alert(s)")
    expect(analyst.locator(".flash")).to_contain_text("suppressed (cleared false positives")
    after = cases.alerts(party_id="ui2-fp")
    assert {a.id for a in after} == before
    assert [a.status for a in after if a.entity_id == entity_id] == [AlertStatus.FALSE_POSITIVE]

    # The alert's history comes from the audit log, attributed to the people who acted.
    history = analyst.locator("table.history")
    analyst.goto(f"/ui/alerts/{alert_id}")
    expect(history).to_contain_text("decision.proposed")
    expect(history.locator("tr", has_text="decision.approved")).to_contain_text("supervisor1")


def test_the_maker_cannot_approve_their_own_decision(seeded_alerts: Seeded, page_as: Callable[..., Any], ui: UiServer) -> None:
    cases = seeded_alerts.cases
    alert_id = seeded_alerts.first("ui2-own")
    maker = page_as("supervisor1")  # a supervisor may propose (an analyst's right) but never check it too
    _alert(maker, alert_id)
    maker.get_by_label(re.compile("^True match")).check()
    maker.get_by_label(re.compile("^Reason")).fill("Same name and birth date as the listed IRGC officer.")
    maker.get_by_role("button", name="Propose").click()
    expect(maker.locator("#four-eyes-note")).to_contain_text("You proposed this decision")
    assert maker.locator("#approve").count() == 0 and maker.locator("#reject").count() == 0
    decision_id = cases.pending_decision(alert_id)

    # A forged POST with a valid session and CSRF token is refused by the store, shown as a readable page.
    forged = maker.request.post(f"/ui/decisions/{decision_id}/approve", form={"csrf": _csrf(maker), "note": "self-approval"})
    assert forged.status == 403
    assert "Four eyes: supervisor1 proposed decision" in forged.text() and "another supervisor must" in forged.text()
    # An analyst's forged POST stops at the role gate.
    analyst = page_as("analyst2")
    _alert(analyst, alert_id)
    expect(analyst.locator("#four-eyes-note")).to_contain_text(
        "A supervisor other than supervisor1 must approve or reject it; your role (analyst) cannot"
    )
    assert analyst.locator("#approve").count() == 0
    refused = analyst.request.post(f"/ui/decisions/{decision_id}/approve", form={"csrf": _csrf(analyst)})
    assert refused.status == 403 and "needs the supervisor role" in refused.text()
    # Without the CSRF token nothing is done either.
    assert maker.request.post(f"/ui/decisions/{decision_id}/approve", form={"note": "x"}).status == 403
    assert cases.decision(decision_id).state == DecisionState.PROPOSED and cases.alert(alert_id).status == AlertStatus.PENDING

    # Another supervisor may; here the admin (above supervisor) rejects, and the alert is open again.
    checker = page_as("admin1")
    _alert(checker, alert_id)
    checker.get_by_label("Why reject (required)").fill("Ask for the passport first.")
    checker.get_by_role("button", name=re.compile("^Reject decision")).click()
    expect(checker.locator(".flash")).to_contain_text("open again")
    assert cases.alert(alert_id).status == AlertStatus.OPEN


def test_two_analysts_at_once_the_second_is_told_to_reload(seeded_alerts: Seeded, page_as: Callable[..., Any]) -> None:
    alert_id = seeded_alerts.first("ui2-race")
    first, second = page_as("analyst1"), page_as("analyst2")
    _alert(first, alert_id)
    _alert(second, alert_id)
    for page, reason in ((first, "Different birth date on the passport."), (second, "Different nationality.")):
        page.get_by_label(re.compile("^False positive")).check()
        page.get_by_label(re.compile("^Reason")).fill(reason)
    first.get_by_role("button", name="Propose").click()
    expect(first.locator(".flash")).to_contain_text("Decision proposed")
    with second.expect_response(lambda r: r.request.method == "POST") as answer:
        second.get_by_role("button", name="Propose").click()
    assert answer.value.status == 409
    expect(second.get_by_role("alert")).to_contain_text("Changed by someone else since you opened it: reload the page")
    # The page now shows the first analyst's proposal, and what the second typed (not stored) is given back.
    expect(second.locator("#not-saved")).to_contain_text("Your proposal was not saved (false positive): “Different nationality.”")
    expect(second.locator("#pending")).to_contain_text("by analyst1")
    assert [d.proposed_by for d in seeded_alerts.cases.decisions(alert_id)] == ["analyst1"]


def test_filters_narrow_the_queue(seeded_alerts: Seeded, page_as: Callable[..., Any], shot: Callable[..., Any]) -> None:
    cases = seeded_alerts.cases
    page = page_as("analyst1")
    page.goto("/ui/alerts?status=")
    everything = cases.count_alerts()
    expect(page.locator(".summary")).to_contain_text(f"of {everything} alert")
    shot(page, "alerts-queue")

    # By list, through the form.
    dataset = cases.alert(seeded_alerts.first("ui2-fp")).dataset
    page.get_by_label("List", exact=True).select_option(dataset)
    page.get_by_role("button", name="Filter").click()
    expect(page).to_have_url(re.compile(f"list={dataset}"))
    wanted = cases.count_alerts(dataset=dataset)
    expect(page.locator(".summary")).to_contain_text(f"of {wanted} alert")
    lists = page.locator("table.queue tbody td:nth-child(5)").all_inner_texts()
    assert lists and set(lists) == {dataset}

    # By minimum score: every row shown is at least that.
    page.goto("/ui/alerts?status=&min_score=0.99")
    scores = [float(text) for text in page.locator("table.queue .score").all_inner_texts()]
    assert len(scores) == min(cases.count_alerts(min_score=0.99), 200) and all(score >= 0.99 for score in scores)

    # Highest score first.
    page.goto("/ui/alerts?status=&sort=score")
    ordered = [float(text) for text in page.locator("table.queue .score").all_inner_texts()]
    assert ordered == sorted(ordered, reverse=True)

    # By assignee: assign one alert through its page, then filter on that person.
    alert_id = seeded_alerts.first("ui2-<b>x</b>")
    _alert(page, alert_id)
    page.get_by_label("Assign to").select_option("analyst2")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".flash")).to_contain_text("assigned to analyst2")
    page.goto("/ui/alerts?status=&assignee=analyst2")
    links = page.locator("table.queue tbody td:first-child a[href^='/ui/alerts/']").all_inner_texts()
    assert links == [f"Alert {a.id}" for a in cases.alerts(assignee="analyst2")] and f"Alert {alert_id}" in links
    # By status: open only.
    page.goto("/ui/alerts?status=open")
    statuses = set(page.locator("table.queue tbody td:nth-child(2)").all_inner_texts())
    assert statuses <= {"open"}
    # A bad filter is a readable error, not a traceback.
    page.goto("/ui/alerts?min_score=lots")
    expect(page.get_by_role("alert")).to_contain_text("A minimum score is a number between 0 and 1")


def test_a_case_shows_its_whole_history_and_untrusted_ids_show_as_text(
    seeded_alerts: Seeded, page_as: Callable[..., Any], shot: Callable[..., Any]
) -> None:
    alert_id = seeded_alerts.first("ui2-<b>x</b>")
    page = page_as("analyst2")
    _alert(page, alert_id)
    # The party id is customer data: shown as text, never as markup.
    expect(page.get_by_role("region", name="Screened party")).to_contain_text("ui2-<b>x</b>")
    assert page.locator("section b").count() == 0
    page.get_by_label("Add a comment").fill("Asked the branch for <i>the passport</i>.")
    page.get_by_role("button", name="Comment").click()
    expect(page.locator(".comment")).to_contain_text("<i>the passport</i>")
    page.get_by_label(re.compile("^Open a case with this alert")).fill("Dastjerdi name match, branch 12")
    page.get_by_role("button", name="Open case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dastjerdi name match, branch 12")
    history = page.locator("table.history")
    for action in ("alert.raised", "comment.added", "case.opened"):
        expect(history).to_contain_text(action)
    expect(history.locator("tr", has_text="case.opened")).to_contain_text("analyst2")
    page.get_by_label("Add a comment").fill("Waiting for the passport.")
    page.get_by_role("button", name="Comment").click()
    expect(page.locator("table.history")).to_contain_text("Waiting for the passport.")
    # A case with an undecided alert cannot be closed: the reason is shown with the case.
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Close case").click()
    assert answer.value.status == 409
    expect(page.get_by_role("alert")).to_contain_text("undecided alert(s); decide them before closing it")
    shot(page, "case")


UNLABELLED = """() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea, main button')]
    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
    .filter(el => !(el.tagName === 'BUTTON' && el.textContent.trim()))
    .map(el => el.outerHTML.slice(0, 120))"""


def test_every_control_has_a_name_and_the_decision_is_reachable_by_keyboard(
    seeded_alerts: Seeded, page_as: Callable[..., Any]
) -> None:
    """Screen readers and keyboards: no unlabelled control on any of these pages; Tab reaches the propose form."""
    alert_id = seeded_alerts.alerts["ui2-race"][0]  # newest of that party: untouched by the other tests
    page = page_as("supervisor1")
    for path in ("/ui/alerts", f"/ui/alerts/{alert_id}", "/ui/cases", "/ui/watch", "/ui/watch/ui2-fp"):
        page.goto(path)
        assert page.evaluate(UNLABELLED) == [], path
    page.goto(f"/ui/alerts/{alert_id}")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "outcome-false_positive":
            break
    else:
        pytest.fail("Tab never reached the decision form")
    page.keyboard.press("Space")
    expect(page.locator("#outcome-false_positive")).to_be_checked()
