"""Page 6, the gap report, in the browser: the matrix's numbers open their rows, the rows link to the entries,
the downloads are the bytes `interdict gaps --out` writes, and hostile list names stay text."""

from __future__ import annotations

import json
import re
import time

import httpx

from interdict.gaps import gaps
from interdict.gaps.export import CSV_COLUMNS, render_csv
from tests.ui.conftest import PASSWORD

from .small_ui import HOLDING, HOSTILE_LIST, PROGRAMME, SCRIPT, SmallUi, login, small_ui  # noqa: F401 (fixture)

# On the small server (the UN list and a list of one's own): every UN listing the own list does not name, per programme.
# A full resolution of its 1,005 entries takes seconds; on every bundled list it takes minutes (focused: about 45 s).
QUERY = {"listed_by": "un", "not_listed_by": HOSTILE_LIST, "min_confidence": "medium", "run": "1"}


def test_the_gap_matrix_links_to_its_rows_and_they_to_the_entries(browser, small_ui: SmallUi, shot) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = login(browser, small_ui.url, "analyst1")
    try:
        page.goto("/ui/gaps")
        assert page.get_by_label("Listed by", exact=True).input_value() == "us,gb,ca"  # the CLI's example as the default
        assert page.get_by_label("Not listed by").input_value() == "eu"
        page.get_by_label("Listed by", exact=True).fill("un")
        page.get_by_label("Not listed by").fill(HOSTILE_LIST)
        assert page.get_by_label("Count rows of confidence").input_value() == "medium"  # the CLI's default
        page.get_by_role("button", name="Compute the report").click()
        matrix = page.locator("table.gaps-matrix")
        matrix.wait_for(timeout=90_000)  # the progress page reloads itself until the report is ready
        assert page.locator("figure.gaps-chart svg").is_visible()
        shot(page, "gaps")
        numbers = matrix.locator("td.n a")
        counts = [int(text) for text in numbers.all_inner_texts()]
        assert len(counts) > 4 and all(count > 0 for count in counts)
        bars = page.locator("figure.gaps-chart svg a")
        assert bars.count() > 0 and "/ui/gaps/cell?" in (bars.first.get_attribute("href") or "")
        smallest = numbers.nth(counts.index(min(counts)))  # a short page of rows
        count = min(counts)
        smallest.focus()
        page.keyboard.press("Enter")  # by keyboard
        page.wait_for_url("**/ui/gaps/cell?**")
        heading = page.locator("h1").inner_text()
        assert heading.endswith(f": {count} subjects"), heading
        rows = page.locator("ol.gap-rows > li")
        assert rows.count() == count
        first = rows.first
        assert f"Listed by un; not listed by {HOSTILE_LIST}" in first.inner_text()
        assert first.get_by_role("heading", name="Why these entries are one subject").count() == 1
        shot(page, "gaps-cell")
        link = first.locator("a[href^='/ui/entities/']").first
        target = link.get_attribute("href")
        link.click()
        page.wait_for_url(f"**{target}")
        assert page.get_by_role("heading", name="Provenance").is_visible()
    finally:
        page.context.close()


def test_the_downloads_are_the_bytes_gaps_out_writes(small_ui: SmallUi) -> None:  # noqa: F811
    with httpx.Client(base_url=small_ui.url, timeout=120) as client:
        client.post("/ui/login", data={"username": "screener1", "password": PASSWORD, "next": "/ui/screen"})
        query = {key: value for key, value in QUERY.items() if key != "run"}
        answer = client.get("/ui/gaps/download", params={**query, "format": "csv"})
        deadline = time.monotonic() + 90
        while answer.headers["content-type"].startswith("text/html") and time.monotonic() < deadline:  # the progress page
            time.sleep(1)
            answer = client.get("/ui/gaps/download", params={**query, "format": "csv"})
        assert answer.status_code == 200 and "attachment" in answer.headers["content-disposition"]
        report = gaps("un", HOSTILE_LIST, db=str(small_ui.store.engine.url), screener=small_ui.state.current().screener)  # resolution cached
        assert answer.content == render_csv(report).encode("utf-8")
        assert answer.text.splitlines()[0] == ",".join(CSV_COLUMNS)
        data = json.loads(client.get("/ui/gaps/download", params={**query, "format": "json"}).content)
        assert data["count"] == len(report.rows) and data["description"] == report.query.describe()
        html = client.get("/ui/gaps/download", params={**query, "format": "html"})
        assert html.text.startswith("<!DOCTYPE html>") and "default-src 'none'" in html.headers["content-security-policy"]
        xlsx = client.get("/ui/gaps/download", params={**query, "format": "xlsx"})
        assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")  # the spreadsheet `gaps --out report.xlsx` writes
        assert client.get("/ui/gaps/download", params={**query, "format": "exe"}).status_code == 400
        # The subjects below the query's confidence, never counted, open from the report too.
        to_check = client.get("/ui/gaps/cell", params={**query, "row": "to-check"})
        assert to_check.status_code == 200 and f"To check, not counted — every programme: {len(report.to_check)} subjects" in to_check.text
        assert client.get("/ui/gaps/cell", params={**query, "row": "xx", "column": "yy"}).status_code == 404
        # A bad query is the CLI's error on the form, escaped, with a 400.
        bad = {"listed_by": "<i>zz</i>", "not_listed_by": "un", "run": "1"}
        answer = client.get("/ui/gaps", params=bad)
        while "Computing the report" in answer.text:
            time.sleep(0.2)
            answer = client.get("/ui/gaps", params=bad)
        assert answer.status_code == 400 and "--listed-by: unknown jurisdiction &#39;&lt;i&gt;zz&lt;/i&gt;&#39;" in answer.text


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
