"""Page 1 in a real browser: screen a listed name, read the hits, record them as alerts; relation hits with their path."""

from __future__ import annotations

import re
from urllib.parse import quote

import httpx
from playwright.sync_api import expect

from interdict.cases import CaseStore
from interdict.store import audit
from tests.ui.conftest import UiServer


def test_screen_a_listed_name_see_the_hit_and_record_it_as_an_alert(page_as, shot, ui: UiServer) -> None:  # type: ignore[no-untyped-def]
    page = page_as("analyst1")
    page.get_by_label("Name").fill("Mohammad Baqer Qalibaf")
    page.get_by_label("Birth date").fill("1961")
    page.get_by_label("Schema").select_option("Person")
    page.get_by_role("button", name="Screen").click()
    page.wait_for_url(re.compile(r"/ui/screen\?name=Mohammad"))
    first = page.locator("tr.hit").first
    expect(first).to_contain_text("Match")  # the verdict is a word, not only a colour
    expect(first.locator("a.entry")).to_contain_text(re.compile("[QG]h?alibaf", re.I))
    assert float(first.locator(".score").inner_text()) >= 0.9
    assert first.locator(".explanation").inner_text().strip()  # a readable explanation with every hit
    href = first.locator("a.entry").get_attribute("href")
    assert href is not None and href.startswith("/ui/entities/")
    shot(page, "screen")

    cases = CaseStore(ui.store.engine)
    before = {alert.id for alert in cases.alerts(limit=5000)}
    page.get_by_label("Your reference for this party").fill("ui-test-party-1")
    page.get_by_role("button", name=re.compile("Record as alert")).click()
    recorded = page.locator("#recorded")
    expect(recorded).to_contain_text("Recorded")
    links = recorded.locator("a")
    assert links.count() >= 1
    new = {alert.id for alert in cases.alerts(limit=5000)} - before
    assert {int(links.nth(i).get_attribute("href").rsplit("/", 1)[1]) for i in range(links.count())} == new  # type: ignore[union-attr]
    raised = [cases.alert(alert_id) for alert_id in new]
    assert all(alert.party_id == "ui-test-party-1" for alert in raised)
    assert any(alert.entity_id == href.rsplit("/", 1)[1] for alert in raised)
    # The audit log names the person who pressed the button.
    with ui.store.engine.connect() as conn:
        screenings = [record for record in audit.records(conn) if record.action == "screening" and record.subject == "party ui-test-party-1"]
    assert [record.actor for record in screenings] == ["analyst1"]


def test_a_hit_through_ownership_shows_its_path_and_rule(page_as) -> None:  # type: ignore[no-untyped-def]
    page = page_as("screener1")
    page.goto("/ui/screen?name=" + quote("Military Housing Establishment"))
    hit = page.locator("tr.hit", has=page.locator(".relation")).first
    expect(hit.locator(".relation")).to_contain_text("Blocked")
    expect(hit.locator(".relation .path")).to_contain_text("designated Syrian Ministry of Defence")
    expect(hit.locator(".relation")).to_contain_text("Rule:")


def test_bad_input_is_a_message_on_the_page_not_a_traceback(ui: UiServer) -> None:
    from tests.ui.test_auth import _login

    with httpx.Client(base_url=ui.url) as client:
        assert _login(client, "screener1").status_code == 303
        answer = client.get("/ui/screen", params={"name": "Ali Khan", "birth_date": "yesterday"})
        assert answer.status_code == 400 and "Error:" in answer.text and "Traceback" not in answer.text
        unknown = client.get("/ui/screen", params={"name": "Ali Khan", "dataset": "no_such_list"})
        assert unknown.status_code == 400 and "no_such_list" in unknown.text
        too_long = client.get("/ui/screen", params={"name": "A" * 600})
        assert too_long.status_code == 422 and "<html" in too_long.text.lower()


def test_hostile_input_is_shown_as_text(page_as) -> None:  # type: ignore[no-untyped-def]
    page = page_as("screener1")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto("/ui/screen?name=" + quote('<script>alert(1)</script><img src=x onerror=alert(2)>'))
    expect(page.get_by_role("heading", level=2)).to_contain_text("<script>alert(1)</script>")
    assert dialogs == []
