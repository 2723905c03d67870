"""Page 5, the entity page, in the browser: provenance, the cross-list cluster, the ownership graph, hostile names as text."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from tests.ui.conftest import PASSWORD, UiServer

from .small_ui import HOLDING, HOSTILE_LIST, IMG, PROGRAMME, SCRIPT, SmallUi, login, small_ui  # noqa: F401 (fixture)

GHORB_NOOH = "un_sc_sanctions-IRe.024"  # UN entry: held by Khatem-ol Anbiya (AU's relations), holding three companies


def test_the_entity_page_shows_provenance_cluster_and_ownership_graph(page_as, ui: UiServer, shot) -> None:  # type: ignore[no-untyped-def]
    page = page_as("analyst1")
    page.goto(f"/ui/entities/{GHORB_NOOH}")
    assert page.locator("h1").inner_text().startswith("GHORB NOOH")
    snapshot = ui.store.active_snapshot("un_sc_sanctions")
    provenance = page.locator("section", has=page.get_by_role("heading", name="Provenance"))
    assert "IRe.024" in provenance.inner_text() and snapshot.files[0].sha256 in provenance.inner_text()
    assert f"snapshot {snapshot.id}" in provenance.inner_text()
    # The graph: the owner a tier above, the holdings below, each party's status per jurisdiction in the table beside it.
    graph = page.locator("svg.entity-graph")
    assert graph.is_visible()
    tiers = page.locator("table.entity-tiers")
    owner_row = tiers.locator("tr", has_text="owner, 1 up")
    assert "Khatem-ol Anbiya" in owner_row.inner_text() and "designated" in owner_row.inner_text()
    holdings = tiers.locator("tr", has_text="holding, 1 down")
    assert holdings.count() == 3 and "HARA COMPANY" in holdings.all_inner_texts()[0]
    assert "unknown share" in tiers.inner_text()
    assert page.get_by_role("columnheader", name="us").count() == 1  # a column per jurisdiction's rule
    # The cluster: not resolved yet (no full resolution in this session), so ask for it by keyboard.
    button = page.get_by_role("button", name="Find this entry on the other lists")
    button.focus()
    page.keyboard.press("Enter")
    cluster = page.locator("table.entity-cluster")
    cluster.wait_for(timeout=90_000)  # the page reloads itself while the focused resolution runs
    assert page.get_by_text("a resolution focused on this entry").is_visible()
    other = cluster.get_by_role("link").first
    target = other.get_attribute("href")
    assert target and target.startswith("/ui/entities/") and GHORB_NOOH not in target
    shot(page, "entity")
    other.click()
    page.wait_for_url(f"**{target}")
    assert "GHORB NOOH" in page.locator("h1").inner_text().upper()


def test_an_unknown_entity_is_a_404_page(ui_server: str) -> None:
    with httpx.Client(base_url=ui_server) as client:
        client.post("/ui/login", data={"username": "screener1", "password": PASSWORD, "next": "/ui/screen"})
        answer = client.get("/ui/entities/no-such-entry-%3Cscript%3E")
        assert answer.status_code == 404 and "No such entry" in answer.text
        assert "<script>" not in answer.text and "no-such-entry-&lt;script&gt;" in answer.text


def test_hostile_list_names_show_as_text_on_the_entity_page(browser, small_ui: SmallUi, shot) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    page = login(browser, small_ui.url, "analyst1")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    try:
        # A screen hit on the hostile entry (page 1) shows its name as text and links to its page.
        page.goto("/ui/screen?name=" + quote(SCRIPT) + "&dataset=" + HOSTILE_LIST)
        entry = page.locator("tr.hit a.entry").first
        assert entry.inner_text().strip() == SCRIPT
        assert page.locator("main img, main script, main b").count() == 0
        entry.click()
        page.wait_for_url(f"**/ui/entities/{HOSTILE_LIST}-h-1")
        assert page.locator("h1").inner_text().startswith(SCRIPT)
        facts = page.locator("table.entity-facts").inner_text()
        assert IMG in facts and PROGRAMME in facts and f"remark {SCRIPT}" in facts
        # The holding is drawn in the graph and listed in the table, as text.
        assert HOLDING in page.locator("table.entity-tiers").inner_text()
        assert page.locator("svg.entity-graph text", has_text="Holding").count() == 1
        assert page.locator("main img, main script, main b").count() == 0  # nothing of the list's markup became markup
        page.goto(f"/ui/entities/{HOSTILE_LIST}-h-2")
        assert page.locator("h1").inner_text().startswith(HOLDING)
        assert page.locator("main img, main script, main b").count() == 0
        assert dialogs == []
    finally:
        page.context.close()
