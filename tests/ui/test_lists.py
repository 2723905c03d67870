"""Page 7, the lists, in the browser: every bundled list with its provenance; an admin's update through a loopback
mirror and what it changed; no update for anyone else, not even by a forged POST."""

from __future__ import annotations

import re

import httpx

from interdict import bundle
from tests.conftest import BUNDLED_COUNTS
from tests.ui.conftest import PASSWORD, UiServer

from .small_ui import SmallUi, login, small_ui  # noqa: F401 (fixture)

UN = "un_sc_sanctions"


def _session(url: str, name: str) -> tuple[httpx.Client, str]:
    """A logged-in client and its CSRF token (from the logout form every page carries)."""
    client = httpx.Client(base_url=url)
    answer = client.post("/ui/login", data={"username": name, "password": PASSWORD, "next": "/ui/lists"}, follow_redirects=True)
    token = re.search(r'name="csrf" value="([^"]+)"', answer.text)
    assert token, answer.text[:500]
    return client, token.group(1)


def test_the_lists_page_shows_every_bundled_list_with_its_provenance(page_as, ui: UiServer, shot) -> None:  # type: ignore[no-untyped-def]
    page = page_as("analyst1")
    page.goto("/ui/lists")
    for dataset, count in BUNDLED_COUNTS.items():
        row = page.locator(f"tr#list-{dataset}")
        text = row.inner_text()
        assert f"{count:,}" in text, (dataset, text)
        snapshot = ui.store.active_snapshot(dataset)
        assert snapshot.origin in text and f"snapshot {snapshot.id}" in text
        row.locator("summary").first.click()  # the file's provenance opens by click (a <details>: keyboard too)
        assert snapshot.files[0].sha256 in row.inner_text()
    assert page.get_by_role("button", name="Update the lists").count() == 0  # an analyst is offered no update
    shot(page, "lists")


def test_an_update_post_from_anyone_but_an_admin_or_without_the_token_is_refused(ui_server: str) -> None:
    analyst, token = _session(ui_server, "analyst1")
    try:
        refused = analyst.post("/ui/lists/update", data={"csrf": token, "dataset": UN})
        assert refused.status_code == 403
    finally:
        analyst.close()
    admin, _ = _session(ui_server, "admin1")
    try:
        assert "Update the lists" in admin.get("/ui/lists").text
        forged = admin.post("/ui/lists/update", data={"csrf": "forged", "dataset": UN})
        assert forged.status_code == 403
        assert "No update has run" in admin.get("/ui/lists/update").text
    finally:
        admin.close()


def _changed_un_file() -> bytes:
    """The bundled UN file with one entry removed (CDi.001), one amended (CDi.002's name) and one added (CDi.999)."""
    text = bundle.read_files(UN)["main"].decode("utf-8")
    blocks = re.findall(r"<INDIVIDUAL>.*?</INDIVIDUAL>", text, flags=re.S)
    first = next(block for block in blocks if "<REFERENCE_NUMBER>CDi.001<" in block)
    second = next(block for block in blocks if "<REFERENCE_NUMBER>CDi.002<" in block)
    added = first.replace("CDi.001", "CDi.999").replace("<FIRST_NAME>ERIC</FIRST_NAME>", "<FIRST_NAME>ZEBULON ADDED</FIRST_NAME>")
    amended = second.replace("<SECOND_NAME>BWAMBALE</SECOND_NAME>", "<SECOND_NAME>BWAMBALE-AMENDED</SECOND_NAME>")
    assert amended != second
    return text.replace(first, added).replace(second, amended).encode("utf-8")


def test_an_admin_updates_a_list_from_a_loopback_mirror_and_sees_what_changed(browser, small_ui: SmallUi, shot) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    small_ui.mirror.put(UN, _changed_un_file())
    before = small_ui.store.active_snapshot(UN)
    page = login(browser, small_ui.url, "admin1")
    try:
        page.goto("/ui/lists")
        page.get_by_label(UN).check()
        page.get_by_role("button", name="Update the lists").click()
        page.wait_for_url("**/ui/lists/update")
        page.get_by_role("heading", name=f"What changed in {UN}").wait_for(timeout=60_000)  # the page reloads itself meanwhile
        assert small_ui.mirror.requests and all(path.startswith(f"/{UN}/") or path == "/SHA256SUMS" for path in small_ui.mirror.requests)
        text = page.locator("main").inner_text()
        assert "updated" in text and "1 added" in text and "1 removed" in text and "1 amended" in text
        assert page.locator("ul.changes-added").inner_text().startswith("added: ZEBULON ADDED BADEGE")
        assert "BADEGE" in page.locator("ul.changes-removed").inner_text()
        assert "BWAMBALE-AMENDED" in page.locator("ul.changes-amended").inner_text()
        after = small_ui.store.active_snapshot(UN)
        assert after.id != before.id and f"Snapshot {after.id} against snapshot {before.id}" in text
        shot(page, "lists-update")
        page.get_by_role("link", name="ZEBULON ADDED BADEGE").click()  # the new index serves the new entry
        assert page.locator("h1").inner_text().startswith("ZEBULON ADDED BADEGE")
    finally:
        page.context.close()
