"""Page 4 in a real browser: the watch register, a party's history and alerts, adding and removing a party."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.sync_api import expect

from interdict.cases import open_cases, register
from tests.ui.conftest import UiServer


def test_the_register_lists_parties_with_their_alerts_and_a_party_is_added_screened_and_removed(
    ui: UiServer, page_as: Callable[..., Any], shot: Callable[..., Any]
) -> None:
    cases = open_cases(engine=ui.store.engine)
    page = page_as("analyst1")
    page.goto("/ui/watch")
    expect(page.get_by_role("heading", level=1)).to_have_text("Watch register")

    # Add a listed person through the form: screened at once, the alert linked from the register.
    page.get_by_label("Id", exact=True).fill("ui2-watch-1")
    page.get_by_label("Name").fill("Javad Karimi Sabet")
    page.get_by_label("Type").select_option("Person")
    page.get_by_label("Birth date").fill("1973-07-25")
    page.get_by_role("button", name="Add and screen").click()
    expect(page.locator(".flash")).to_contain_text(re.compile(r"Party ui2-watch-1 added\. Screened: [1-9]\d* new alert"))
    raised = cases.alerts(party_id="ui2-watch-1")
    assert raised
    expect(page.get_by_role("heading", level=1)).to_have_text("Party ui2-watch-1")
    expect(page.locator("body")).to_contain_text("Screened at this version; last screened")
    for alert in raised:
        expect(page.get_by_role("link", name=f"Alert {alert.id}", exact=True)).to_be_visible()

    # The register shows it with its status, last screened and the alerts it raised (links to the alert pages).
    page.goto("/ui/watch")
    row = page.locator("table.register tr", has=page.get_by_role("link", name="ui2-watch-1", exact=True))
    expect(row).to_contain_text("active")
    expect(row.locator("td").nth(4)).to_have_text(re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d"))
    row.get_by_role("link", name=f"Alert {raised[-1].id}", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Alert {raised[-1].id}")
    page.goto("/ui/watch")
    shot(page, "watch")

    # Updating the party makes a new version; both are in its history.
    page.get_by_label("Id", exact=True).fill("ui2-watch-1")
    page.get_by_label("Name").fill("Javad Karimi Sabet")
    page.get_by_label("Nationality").fill("Iran")
    page.get_by_role("button", name="Add and screen").click()
    expect(page.locator(".flash")).to_contain_text("updated (a new version)")
    history = page.locator("table", has_text="Version").last
    expect(history).to_contain_text("added")
    expect(history).to_contain_text("updated")
    expect(history.locator("tr", has_text="updated")).to_contain_text("analyst1")

    # Removing keeps the history and the alerts.
    page.get_by_role("button", name="Remove from the register").click()
    expect(page.locator(".flash")).to_contain_text("removed from the register (its history and alerts are kept)")
    party = register.party(cases, "ui2-watch-1")
    assert party is not None and party.status == "removed"
    expect(page.get_by_role("link", name=f"Alert {raised[-1].id}", exact=True)).to_be_visible()
    page.goto("/ui/watch?removed=1")
    expect(page.get_by_role("link", name="ui2-watch-1", exact=True)).to_be_visible()


def test_a_party_that_cannot_be_added_is_named_and_a_hostile_name_shows_as_text(
    ui: UiServer, page_as: Callable[..., Any]
) -> None:
    cases = open_cases(engine=ui.store.engine)
    page = page_as("analyst2")
    page.goto("/ui/watch")
    page.get_by_label("Id", exact=True).fill("ui2-watch-bad")
    page.get_by_label("Name").fill("Some Customer")
    page.get_by_label("Birth date").fill("the day before yesterday")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Add and screen").click()
    assert answer.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("Not added")
    expect(page.get_by_label("Birth date")).to_have_value("the day before yesterday")  # what was typed is kept
    assert register.party(cases, "ui2-watch-bad") is None

    page.get_by_label("Birth date").fill("")
    page.get_by_label("Name").fill("<script>document.title='owned'</script><b>Bold</b>")
    page.get_by_role("button", name="Add and screen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Party ui2-watch-bad")
    expect(page.locator("dl.facts")).to_contain_text("<script>document.title='owned'</script><b>Bold</b>")
    assert page.locator("dl.facts b").count() == 0 and page.title() != "owned"


def test_a_screener_cannot_open_the_register(page_as: Callable[..., Any]) -> None:
    page = page_as("screener1")
    page.goto("/ui/watch")
    expect(page.get_by_role("alert")).to_contain_text("needs the analyst role")
    assert page.locator("form[action='/ui/watch/add']").count() == 0
