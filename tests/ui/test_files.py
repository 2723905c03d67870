"""Page 2 in a real browser: upload a file (progress, then one result per row, downloads), and a document's verdict."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import httpx
from playwright.sync_api import expect

from tests.ui.conftest import UiServer
from tests.ui.test_auth import _login

WORKFLOWS = Path(__file__).parent.parent / "fixtures" / "workflows"

PARTIES = [
    {"id": "p1", "name": "Mohammad Baqer Qalibaf", "schema": "Person", "birth_date": "1961"},
    {"id": "p2", "name": "Anna Schmidt Gartenbau", "schema": "", "birth_date": ""},
    {"id": "p3", "name": "", "schema": "", "birth_date": ""},  # no name and no identifier: a named error, not a lost row
    {"id": "p4", "name": "Ali", "schema": "Person", "birth_date": "not a date"},
    {"id": "p5", "name": "Sberbank", "schema": "Organization", "birth_date": ""},
]


def _csv(rows: list[dict[str, str]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=["id", "name", "schema", "birth_date"])
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def test_upload_a_file_watch_it_finish_and_download_one_result_per_row(page_as, shot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    parties = tmp_path / "parties.csv"
    parties.write_bytes(_csv(PARTIES))
    page = page_as("screener1")
    page.get_by_role("link", name="Files").click()
    page.get_by_label(re.compile("^File")).set_input_files(str(parties))
    page.get_by_role("button", name="Upload and screen").click()
    page.wait_for_url(re.compile(r"/ui/files/[A-Za-z0-9_-]{16,}$"))
    expect(page.locator("#job-state")).to_contain_text("Done", timeout=60_000)
    expect(page.locator("#job-progress")).to_have_attribute("value", "100")
    expect(page.get_by_text("5 rows read, 5 results")).to_be_visible()
    page.reload()  # the finished page lists the results
    results = page.locator("tr.result")
    expect(results).to_have_count(5)
    expect(results.nth(0)).to_contain_text("Match")
    expect(results.nth(2)).to_contain_text("Error")
    shot(page, "files")

    with page.expect_download() as pending:
        page.get_by_role("link", name="Download results (CSV)").click()
    download = pending.value
    assert download.suggested_filename == "parties-results.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert [row["id"] for row in rows] == ["p1", "p2", "p3", "p4", "p5"]  # one answer per row, in order
    assert rows[0]["verdict"] == "match" and rows[0]["best_entity_id"]
    assert rows[2]["verdict"] == "error" and rows[2]["error"]  # the error is named
    assert rows[3]["verdict"] == "error" and "date" in rows[3]["error"].lower()
    with page.expect_download() as pending:
        page.get_by_role("link", name="Download results (JSON lines)").click()
    lines = [json.loads(line) for line in Path(pending.value.path()).read_text(encoding="utf-8").splitlines()]
    assert [line["id"] for line in lines] == ["p1", "p2", "p3", "p4", "p5"]
    assert all(isinstance(line["hits"], list) for line in lines) and [bool(line.get("error")) for line in lines] == [False, False, True, True, False]


def test_a_file_without_a_name_column_fails_with_a_clear_error_and_other_people_cannot_see_a_job(ui: UiServer, tmp_path: Path) -> None:
    with httpx.Client(base_url=ui.url, follow_redirects=False) as client, httpx.Client(base_url=ui.url) as other:
        assert _login(client, "screener1").status_code == 303
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/ui/files").text).group(1)  # type: ignore[union-attr]
        started = client.post("/ui/files", data={"csrf": token}, files={"file": ("people.csv", b"fullname,dob\nAli,1961\n", "text/csv")})
        assert started.status_code == 303
        job = started.headers["location"]
        for _ in range(100):
            page = client.get(job).text
            if "Failed" in page:
                break
        assert "missing required column(s) name" in page and "people.csv" in page and "input.csv" not in page
        refused = client.post("/ui/files", data={"csrf": token}, files={"file": ("people.pdf", b"%PDF-1.4", "application/pdf")})
        assert refused.status_code == 400 and "upload a CSV, XLSX or JSONL file" in refused.text
        assert _login(other, "analyst2").status_code == 303
        assert other.get(job).status_code == 404  # results hold the uploader's data: theirs only
        assert other.get(job + "/results.csv").status_code == 404


def test_a_payment_shows_its_verdict_with_each_finding_next_to_its_field(page_as, shot) -> None:  # type: ignore[no-untyped-def]
    page = page_as("screener1")
    page.get_by_role("link", name="Documents").click()
    page.get_by_role("radio", name=re.compile("Payment")).check()
    page.get_by_label("Document", exact=True).set_input_files(str(WORKFLOWS / "mt103_hit.fin"))
    page.get_by_role("button", name="Screen the document").click()
    expect(page.locator("#verdict")).to_contain_text("HIT")
    beneficiary = page.locator("tr.field-row").filter(has=page.get_by_role("rowheader", name=":59:", exact=True))
    listed = beneficiary.locator(".finding", has_text="listed party")
    expect(listed.first).to_contain_text("Hit")
    expect(listed.locator("a[href='/ui/entities/us_ofac_sdn-16666']").first).to_be_visible()  # Timchenko, beside :59:
    receiver = page.locator("tr.field-row").filter(has=page.get_by_role("rowheader", name="block 2 (receiver)", exact=True))
    expect(receiver).to_contain_text("listed BIC")
    ordering = page.locator("tr.field-row").filter(has=page.get_by_role("rowheader", name=":50K:", exact=True))
    expect(ordering.first).to_contain_text("clear")
    shot(page, "documents")


def test_a_document_of_the_wrong_kind_is_named_not_misread(page_as) -> None:  # type: ignore[no-untyped-def]
    page = page_as("screener1")
    page.goto("/ui/documents")
    page.get_by_role("radio", name=re.compile("Payment")).check()
    page.get_by_label("Document", exact=True).set_input_files(str(WORKFLOWS / "paxlst_hit.edi"))
    page.get_by_role("button", name="Screen the document").click()
    expect(page.locator(".error")).to_contain_text("paxlst_hit.edi")
    expect(page.locator(".error")).to_contain_text(re.compile("manifest", re.IGNORECASE))


def test_a_file_can_be_recorded_as_alerts_row_by_row(ui: UiServer) -> None:
    import time

    from interdict.cases import CaseStore

    rows = [{"id": "rec-1", "name": "Mohammad Baqer Qalibaf", "schema": "Person", "birth_date": "1961"}, {"id": "rec-2", "name": "", "schema": "", "birth_date": ""}]
    with httpx.Client(base_url=ui.url) as client:
        assert _login(client, "analyst2").status_code == 303
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/ui/files").text).group(1)  # type: ignore[union-attr]
        started = client.post("/ui/files", data={"csrf": token, "record": "true"}, files={"file": ("rec.csv", _csv(rows), "text/csv")})
        assert started.status_code == 303
        job = started.headers["location"]
        deadline = time.monotonic() + 60
        while "Finished" not in (page := client.get(job + "/status").text) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert "Recorded:" in page and "1 screenings" in page
    alerts = CaseStore(ui.store.engine).alerts(party_id="rec-1")
    assert alerts and all(alert.party_id == "rec-1" for alert in alerts)
    assert not CaseStore(ui.store.engine).alerts(party_id="rec-2")  # the row in error is not recorded; its error is in the results


def _upload(client: httpx.Client, name: str, body: bytes, kind: str) -> str:
    """Upload through the page, wait for the job, return its results.jsonl."""
    import time

    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/ui/files").text).group(1)  # type: ignore[union-attr]
    started = client.post("/ui/files", data={"csrf": token}, files={"file": (name, body, kind)})
    assert started.status_code == 303, started.text[:500]
    job = started.headers["location"]
    deadline = time.monotonic() + 120
    while not re.search(r"Finished|Failed", page := client.get(job + "/status").text) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert "Finished" in page, page[:500]
    results = client.get(job + "/results.jsonl")
    assert results.status_code == 200
    return results.text


def test_a_hostile_upload_gets_one_answer_per_row(ui: UiServer) -> None:
    """Apostrophes, a 1 MB field, a broken line and a lone surrogate among good rows: every row answered, in order."""
    good = ["O'Brien Shipping", "Mohammad Baqer Qalibaf", "D'Souza, Anna"]
    csv_text = "id,name\n" + "".join(f"c{i},\"{name}\"\n" for i, name in enumerate(good))
    csv_text += "big,\"" + "x" * 1_000_000 + "\"\n" + "after,Ingrid Vellacott\n"
    jsonl = "\n".join(
        [
            json.dumps({"id": "j1", "name": "O'Neil"}),
            '{"id": "j2", "name": "\\ud800 lone surrogate"}',
            '{"id": "j3", "name": broken',
            json.dumps({"id": "j4", "name": "Mohammad Baqer Qalibaf"}),
        ]
    ) + "\n"
    with httpx.Client(base_url=ui.url) as client:
        assert _login(client, "screener1").status_code == 303
        for name, body, kind, ids in (
            ("hostile.csv", csv_text.encode(), "text/csv", ["c0", "c1", "c2", "big", "after"]),
            ("hostile.jsonl", jsonl.encode(), "application/x-ndjson", ["j1", "j2", None, "j4"]),
        ):
            lines = [json.loads(line) for line in _upload(client, name, body, kind).splitlines() if line.strip()]
            assert len(lines) == len(ids), (name, lines)
            for line, expected in zip(lines, ids):
                if expected is not None:
                    assert line.get("id") == expected
            errors = [line.get("id") for line in lines if line.get("error")]
            assert errors and set(errors) <= {"big", "j2", None, "line 3", "3"}, lines  # the bad rows are named, not dropped
            assert any(line.get("hits") for line in lines)  # the good rows were screened
