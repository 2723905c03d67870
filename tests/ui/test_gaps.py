"""Page 6, the gap report, in the browser: the matrix's numbers open their rows, the rows link to the entries,
the downloads are the bytes `interdict gaps --out` writes, and hostile list names stay text."""

from __future__ import annotations

import json
import re

import httpx

from interdict.gaps import gaps
from interdict.gaps.export import CSV_COLUMNS, render_csv
from tests.ui.conftest import PASSWORD

from .small_ui import HOLDING, HOSTILE_LIST, PROGRAMME, SCRIPT, SmallUi, login, small_ui  # noqa: F401 (fixture)

# The focused query of tests/gaps (IRAN_PEOPLE): its resolution is on disk once either test has run (about 45 s first).
QUERY = {"listed_by": "us,gb,ca", "not_listed_by": "eu", "programme": "iran", "schema": "Person", "focus": "1", "min_confidence": "medium", "run": "1"}


def test_the_gap_matrix_links_to_its_rows_and_they_to_the_entries(page_as, shot) -> None:  # type: ignore[no-untyped-def]
    page = page_as("analyst1")
    page.goto("/ui/gaps")
    assert page.get_by_label("Listed by", exact=True).input_value() == "us,gb,ca"  # the CLI's example as the default
    page.get_by_label("Not listed by").fill("eu")
    page.get_by_label("Programme").select_option("iran")
    page.get_by_label("Schema").select_option("Person")
    page.get_by_label("Focused").check()
    page.get_by_role("button", name="Compute the report").click()
    matrix = page.locator("table.gaps-matrix")
    matrix.wait_for(timeout=90_000)  # the progress page reloads itself until the report is ready
    assert page.locator("figure.gaps-chart svg").is_visible()
    shot(page, "gaps")
    numbers = matrix.locator("td.n a")
    counts = [int(text) for text in numbers.all_inner_texts()]
    assert counts and all(count > 0 for count in counts)
    total = numbers.nth(counts.index(min(counts)))  # the smallest cell: a short page of rows
    count = min(counts)
    bars = page.locator("figure.gaps-chart svg a")
    assert bars.count() > 0 and "/ui/gaps/cell?" in (bars.first.get_attribute("href") or "")
    total.focus()
    page.keyboard.press("Enter")  # by keyboard
    page.wait_for_url("**/ui/gaps/cell?**")
    heading = page.locator("h1").inner_text()
    assert heading.endswith(f": {count} subjects"), heading
    rows = page.locator("ol.gap-rows > li")
    assert rows.count() == count
    first = rows.first
    assert "not listed by eu" in first.inner_text()
    assert first.get_by_role("heading", name="Why these entries are one subject").count() == 1
    shot(page, "gaps-cell")
    link = first.locator("a[href^='/ui/entities/']").first
    target = link.get_attribute("href")
    link.click()
    page.wait_for_url(f"**{target}")
    assert page.get_by_role("heading", name="Provenance").is_visible()


def test_the_downloads_are_the_bytes_gaps_out_writes(ui_server: str, seeded) -> None:  # type: ignore[no-untyped-def]
    with httpx.Client(base_url=ui_server, timeout=120) as client:
        client.post("/ui/login", data={"username": "screener1", "password": PASSWORD, "next": "/ui/screen"})
        report = gaps("us,gb,ca", "eu", programme="iran", schema="Person", focus=True, screener=seeded.screener)  # the resolution is on disk by now
        query = {key: value for key, value in QUERY.items() if key != "run"}
        answer = client.get("/ui/gaps/download", params={**query, "format": "csv"})
        while answer.status_code == 200 and answer.headers["content-type"].startswith("text/html"):  # still computing
            answer = client.get("/ui/gaps/download", params={**query, "format": "csv"})
        assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
        assert answer.content == render_csv(report).encode("utf-8")
        assert answer.text.splitlines()[0] == ",".join(CSV_COLUMNS)
        data = json.loads(client.get("/ui/gaps/download", params={**query, "format": "json"}).content)
        assert data["count"] == len(report.rows) and data["description"] == report.query.describe()
        html = client.get("/ui/gaps/download", params={**query, "format": "html"})
        assert html.text.startswith("<!DOCTYPE html>") and "default-src 'none'" in html.headers["content-security-policy"]
        assert client.get("/ui/gaps/download", params={**query, "format": "exe"}).status_code == 400


def test_hostile_list_names_show_as_text_in_the_gap_rows(browser, small_ui: SmallUi) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = login(browser, small_ui.url, "analyst1")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        page.goto(f"/ui/gaps?listed_by={HOSTILE_LIST}&not_listed_by=un&focus=1&min_confidence=low&run=1")
        matrix = page.locator("table.gaps-matrix")
        matrix.wait_for(timeout=60_000)
        matrix.locator("tr.total a").last.click()
        page.wait_for_url("**/ui/gaps/cell?**")
        text = page.locator("ol.gap-rows").inner_text()
        assert SCRIPT in text and HOLDING in text and PROGRAMME in text
        assert page.locator("main img, main script, main b").count() == 0
        assert re.search(r": 2 subjects$", page.locator("h1").inner_text())
        assert dialogs == []
    finally:
        page.context.close()
