"""Updates from a real HTTP server on 127.0.0.1 (the only fake: it is local, not the publisher).

The server serves files from a temporary mirror directory laid out as
`{mirror}/{dataset}/{filename}` (see `update.mirror_url`); per-path overrides
make it misbehave the way real servers do (error statuses, HTML error pages,
cut-off transfers).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from interdict import bundle, update
from interdict.errors import UnknownDatasetError
from interdict.sources import get_source
from interdict.store import SnapshotStore, open_store

from .conftest import CliResult

UN = "un_sc_sanctions"
CONS = "us_ofac_cons"


@dataclass
class Override:
    status: int = 200
    body: bytes | None = None  # None: the file from the mirror directory
    headers: dict[str, str] = field(default_factory=dict)
    declared_length: int | None = None  # a Content-Length that differs from the body sent


class MirrorServer(ThreadingHTTPServer):
    daemon_threads = True
    root: Path
    overrides: dict[str, Override]
    requests: list[str]


class MirrorHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: MirrorServer

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        override = self.server.overrides.get(self.path, Override())
        body = override.body
        status = override.status
        headers = {"Content-Type": "application/octet-stream"} | override.headers
        if body is None:
            path = (self.server.root / self.path.lstrip("/")).resolve()
            if self.server.root in path.parents and path.is_file():
                body = path.read_bytes()
            else:
                status, body, headers = 404, b"<html><body><h1>404 Not Found</h1></body></html>", {"Content-Type": "text/html"}
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if override.declared_length is not None:
            self.send_header("Content-Length", str(override.declared_length))
            self.send_header("Connection", "close")
            self.close_connection = True
        else:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MirrorServer]:
    httpd = MirrorServer(("127.0.0.1", 0), MirrorHandler)
    httpd.root = tmp_path_factory.mktemp("mirror").resolve()
    httpd.overrides = {}
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


@dataclass
class Mirror:
    server: MirrorServer
    url: str

    def url_for(self, dataset: str, role: str = "main") -> str:
        """Where the mirror keeps this dataset file (the layout of update.mirror_url)."""
        return update.mirror_url(self.url, dataset, get_source(dataset).files[role])

    def path_for(self, dataset: str, role: str = "main") -> str:
        return urlparse(self.url_for(dataset, role)).path

    def put(self, dataset: str, data: bytes, role: str = "main") -> str:
        target = self.server.root / self.path_for(dataset, role).lstrip("/")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return self.url_for(dataset, role)

    def misbehave(self, dataset: str, override: Override, role: str = "main") -> None:
        self.server.overrides[self.path_for(dataset, role)] = override

    @property
    def requests(self) -> list[str]:
        return self.server.requests


@pytest.fixture
def mirror(server: MirrorServer, monkeypatch: pytest.MonkeyPatch) -> Iterator[Mirror]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    for item in server.root.iterdir():
        for file in sorted(item.rglob("*"), reverse=True):
            file.unlink() if file.is_file() else file.rmdir()
        item.rmdir()
    server.overrides.clear()
    server.requests.clear()
    yield Mirror(server, f"http://127.0.0.1:{server.server_address[1]}/lists")


@pytest.fixture(scope="module")
def un_xml() -> bytes:
    return bundle.read_files(UN)["main"]


def passwd_marker() -> bytes:
    """A line of /etc/passwd that must never reach the store."""
    lines = [line for line in Path("/etc/passwd").read_bytes().splitlines() if line.count(b":") >= 6]
    return lines[0]


def store_contents(url: str) -> bytes:
    """Everything the store holds: a full SQL dump plus the raw database files."""
    path = Path(url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:
        dump = "\n".join(conn.iterdump()).encode("utf-8", "replace")
    conn.close()
    raw = b"".join(Path(f"{path}{suffix}").read_bytes() for suffix in ("", "-wal") if Path(f"{path}{suffix}").exists())
    return dump + raw


def run_update(
    store: SnapshotStore, mirror: Mirror, datasets: list[str] | None = None, force: bool = False
) -> list[update.UpdateResult]:
    return update.update(store, datasets or [UN], mirror=mirror.url, force=force)


def assert_unchanged(store: SnapshotStore, before: object) -> None:
    assert store.active_snapshot(UN) == before
    assert len(store.history(UN)) == 1
    assert sum(1 for _ in store.active_entities([UN])) == 1003


# --- success ----------------------------------------------------------------------


def test_update_from_mirror(un_store: SnapshotStore, mirror: Mirror, un_xml: bytes) -> None:
    before = un_store.active_snapshot(UN)
    url = mirror.put(UN, un_xml)
    messages: list[tuple[str, str]] = []

    (result,) = update.update(
        un_store, [UN], mirror=mirror.url, progress=lambda dataset, message: messages.append((dataset, message))
    )

    assert result.ok and result.error is None
    assert result.previous_entries == 1003
    snap = result.snapshot
    # The same list as the bundle: confirmed, not stored again; the confirmation keeps the new provenance.
    assert snap is not None and snap.id == before.id and result.unchanged
    assert un_store.active_snapshot(UN) == snap and len(un_store.history(UN)) == 1
    assert snap.entries == 1003 and snap.published == "2026-02-27"
    assert snap.origin == before.origin and snap.confirmed is not None
    assert snap.confirmed.checks == 1 and snap.confirmed.origin == url and url.startswith("http://127.0.0.1:")
    assert snap.last_confirmed_at >= before.loaded_at
    (item,) = snap.confirmed.files
    assert (item.role, item.name, item.origin, item.checksum_from) == ("main", "consolidated.xml", url, None)
    assert item.sha256 == bundle.manifest()[UN].files[0].sha256
    assert mirror.requests == [f"{urlparse(mirror.url).path}/SHA256SUMS", urlparse(url).path]
    assert messages[0] == (UN, f"downloading main from {url}")


def test_update_with_new_content_from_mirror(un_store: SnapshotStore, mirror: Mirror, un_xml: bytes) -> None:
    before = un_store.active_snapshot(UN)
    changed = un_xml.replace(b'dateGenerated="2026-02-27', b'dateGenerated="2026-03-06', 1)
    url = mirror.put(UN, changed)
    (result,) = run_update(un_store, mirror)
    assert result.ok and not result.unchanged
    snap = result.snapshot
    assert snap.id != before.id and un_store.active_snapshot(UN) == snap
    assert snap.published == "2026-03-06" and snap.origin == url and snap.confirmed is None
    (item,) = snap.files
    assert (item.role, item.name, item.origin) == ("main", "consolidated.xml", url)
    assert snap.sha256 != before.sha256


def test_update_accepts_a_gzip_encoded_response(un_store: SnapshotStore, mirror: Mirror, un_xml: bytes) -> None:
    """Content-Length counts compressed bytes; the decoded body is longer, and that is not a truncation."""
    mirror.put(UN, b"unused")
    mirror.misbehave(UN, Override(body=gzip.compress(un_xml), headers={"Content-Encoding": "gzip"}))
    (result,) = run_update(un_store, mirror)
    assert result.ok, result.error
    assert result.snapshot.files[0].sha256 == bundle.manifest()[UN].files[0].sha256


# --- failures keep the last good snapshot -----------------------------------------


def test_truncated_file_is_refused(un_store: SnapshotStore, mirror: Mirror, un_xml: bytes) -> None:
    before = un_store.active_snapshot(UN)
    mirror.put(UN, un_xml[: len(un_xml) // 2])
    (result,) = run_update(un_store, mirror, force=True)
    assert not result.ok and result.snapshot is None
    assert "not well-formed XML" in result.error and "truncated" in result.error
    assert_unchanged(un_store, before)


def test_html_error_page_with_status_200_is_refused(un_store: SnapshotStore, mirror: Mirror) -> None:
    before = un_store.active_snapshot(UN)
    mirror.put(UN, b"<!DOCTYPE html>\n<html><head><title>Service Unavailable</title></head><body>Try again later</body></html>")
    (result,) = run_update(un_store, mirror, force=True)
    assert not result.ok
    assert "HTML page, not the list" in result.error
    assert_unchanged(un_store, before)


@pytest.mark.parametrize("status", [404, 500, 503])
def test_error_status_is_a_failure(un_store: SnapshotStore, mirror: Mirror, un_xml: bytes, status: int) -> None:
    before = un_store.active_snapshot(UN)
    url = mirror.put(UN, un_xml)
    mirror.misbehave(UN, Override(status=status, body=b"<html>oops</html>"))
    (result,) = run_update(un_store, mirror)
    assert not result.ok
    assert result.error == f"{UN} (main): {url} answered HTTP {status}."
    assert_unchanged(un_store, before)


def test_missing_file_on_the_mirror(un_store: SnapshotStore, mirror: Mirror) -> None:
    (result,) = run_update(un_store, mirror)
    assert not result.ok and "answered HTTP 404" in result.error


def test_cut_off_transfer_is_refused(un_store: SnapshotStore, mirror: Mirror, un_xml: bytes) -> None:
    """The server announces the whole file but the connection drops half way."""
    before = un_store.active_snapshot(UN)
    mirror.put(UN, b"unused")
    mirror.misbehave(UN, Override(body=un_xml[: len(un_xml) // 2], declared_length=len(un_xml)))
    (result,) = run_update(un_store, mirror, force=True)
    assert not result.ok
    assert "failed" in result.error or "cut off" in result.error
    assert_unchanged(un_store, before)


def test_unreachable_mirror(un_store: SnapshotStore) -> None:
    probe = ThreadingHTTPServer(("127.0.0.1", 0), MirrorHandler)
    port = probe.server_address[1]
    probe.server_close()  # nothing listens there any more
    (result,) = update.update(un_store, [UN], mirror=f"http://127.0.0.1:{port}")
    assert not result.ok and "ConnectError" in result.error


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE CONSOLIDATED_LIST [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<CONSOLIDATED_LIST dateGenerated="2026-03-01T00:00:00"><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>
<REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER><FIRST_NAME>&lol9;</FIRST_NAME></INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>
"""


def xxe_payload(prefix: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0"?>\n' + prefix + b'<!DOCTYPE CONSOLIDATED_LIST [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        b'<CONSOLIDATED_LIST dateGenerated="2026-03-01T00:00:00"><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID>'
        b"<REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER><FIRST_NAME>&xxe;</FIRST_NAME><SECOND_NAME>Doe</SECOND_NAME>"
        b"<COMMENTS1>&xxe;</COMMENTS1></INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n"
    )


@pytest.mark.parametrize("payload", [BILLION_LAUGHS, xxe_payload()], ids=["billion-laughs", "xxe"])
def test_xml_with_entities_is_refused(un_store: SnapshotStore, un_db: str, mirror: Mirror, payload: bytes) -> None:
    before = un_store.active_snapshot(UN)
    mirror.put(UN, payload)
    (result,) = run_update(un_store, mirror, force=True)
    assert not result.ok
    assert "declares a DTD or entities" in result.error and "refused" in result.error
    assert_unchanged(un_store, before)
    un_store.engine.dispose()
    assert passwd_marker() not in store_contents(un_db)


def test_entity_declaration_hidden_after_64kb_never_reaches_the_store(
    un_store: SnapshotStore, un_db: str, mirror: Mirror
) -> None:
    """Even if the DOCTYPE check is sidestepped, the parser must not read local files."""
    mirror.put(UN, xxe_payload(b"<!--" + b"x" * 70_000 + b"-->\n"))
    run_update(un_store, mirror, force=True)
    un_store.engine.dispose()
    assert passwd_marker() not in store_contents(un_db)


@pytest.mark.parametrize("variant", ["after-64kb", "utf-16"])
def test_entity_declaration_is_refused_wherever_it_hides(un_store: SnapshotStore, mirror: Mirror, variant: str) -> None:
    if variant == "after-64kb":
        payload = xxe_payload(b"<!--" + b"x" * 70_000 + b"-->\n")
    else:
        payload = (
            xxe_payload()
            .replace(b'<?xml version="1.0"?>', b'<?xml version="1.0" encoding="UTF-16"?>')
            .decode()
            .encode("utf-16-le")
        )
    mirror.put(UN, payload)
    (result,) = run_update(un_store, mirror, force=True)
    assert result.error is not None and "declares a DTD or entities" in result.error


def test_large_shrink_is_refused_unless_forced(un_store: SnapshotStore, mirror: Mirror, un_xml: bytes) -> None:
    before = un_store.active_snapshot(UN)
    kept = 0

    def keep_twenty(match: re.Match[bytes]) -> bytes:
        nonlocal kept
        kept += 1
        return match.group(0) if kept <= 20 else b""

    shrunk = re.sub(rb"<INDIVIDUAL>.*?</INDIVIDUAL>", keep_twenty, un_xml, flags=re.DOTALL)
    assert shrunk.count(b"<INDIVIDUAL>") == 20
    mirror.put(UN, shrunk)

    (refused,) = run_update(un_store, mirror)
    assert not refused.ok
    assert "293 entries" in refused.error and "710 fewer" in refused.error and "--force" in refused.error
    assert_unchanged(un_store, before)

    (forced,) = run_update(un_store, mirror, force=True)
    assert forced.ok and forced.previous_entries == 1003
    assert forced.snapshot.entries == 293
    assert un_store.active_snapshot(UN).id == forced.snapshot.id
    assert sum(1 for _ in un_store.active_entities([UN])) == 293


# --- several datasets ---------------------------------------------------------------


def test_unknown_dataset_fails_before_any_download(un_store: SnapshotStore, mirror: Mirror, un_xml: bytes) -> None:
    before = un_store.active_snapshot(UN)
    mirror.put(UN, un_xml)
    with pytest.raises(UnknownDatasetError, match="no_such_list"):
        update.update(un_store, [UN, "no_such_list"], mirror=mirror.url)
    assert mirror.requests == []
    assert_unchanged(un_store, before)


def put_cons(mirror: Mirror) -> None:
    files = bundle.read_files(CONS)
    for role in get_source(CONS).files:
        mirror.put(CONS, files[role], role=role)


def test_one_failing_dataset_does_not_block_another(un_store: SnapshotStore, mirror: Mirror) -> None:
    before = un_store.active_snapshot(UN)
    put_cons(mirror)
    mirror.misbehave(UN, Override(status=500, body=b"Internal Server Error"))

    results = update.update(un_store, [UN, CONS], mirror=mirror.url)

    assert [(result.dataset, result.ok) for result in results] == [(UN, False), (CONS, True)]
    assert "HTTP 500" in results[0].error
    assert results[1].previous_entries is None
    cons = un_store.active_snapshot(CONS)
    assert cons is not None and cons.entries == 442 and cons.id == results[1].snapshot.id
    assert [item.role for item in cons.files] == ["sdn", "add", "alt", "comments"]
    assert all(item.origin.startswith(mirror.url + "/us_ofac_cons/") for item in cons.files)
    assert [item.name for item in cons.files] == ["CONS_PRIM.CSV", "CONS_ADD.CSV", "CONS_ALT.CSV", "CONS_COMMENTS.CSV"]
    assert_unchanged(un_store, before)


def test_mirror_url_layout() -> None:
    official = get_source(UN).files["main"]
    assert (
        update.mirror_url("http://mirror.local/lists/", UN, official)
        == "http://mirror.local/lists/un_sc_sanctions/consolidated.xml"
    )
    assert update.mirror_url("http://m", "eu_fsf", "https://x/files/content?token=abc") == "http://m/eu_fsf/content"


# --- the CLI ----------------------------------------------------------------------


def test_cli_update_success(cli: Callable[..., CliResult], un_db: str, mirror: Mirror, un_xml: bytes) -> None:
    url = mirror.put(UN, un_xml)
    result = cli("update", UN, "--mirror", mirror.url, "--db", un_db)
    assert result.code == 0, result.stderr
    assert "un_sc_sanctions: unchanged, 1,003 entries as of 2026-02-27 (confirmed; not stored again)" in result.flat_out
    assert "not verified" in result.flat_err  # the mirror publishes no SHA256SUMS
    store = open_store(un_db)
    assert store.active_snapshot(UN).confirmed.origin == url
    store.engine.dispose()


def test_cli_update_all_failed_exits_4(cli: Callable[..., CliResult], un_db: str, mirror: Mirror) -> None:
    mirror.put(UN, b"<html><body>Maintenance</body></html>")
    result = cli("update", UN, "--mirror", mirror.url, "--db", un_db)
    assert result.code == 4
    assert "HTML page" in result.flat_err and "previous snapshot stays active" in result.flat_err
    assert "Traceback" not in result.stderr


def test_cli_update_partial_failure_exits_1(cli: Callable[..., CliResult], un_db: str, mirror: Mirror, un_xml: bytes) -> None:
    mirror.put(UN, un_xml)  # us_ofac_cons is missing from the mirror: 404
    result = cli("update", UN, CONS, "--mirror", mirror.url, "--db", un_db)
    assert result.code == 1
    assert "un_sc_sanctions: unchanged, 1,003 entries" in result.flat_out
    assert "us_ofac_cons" in result.flat_err and "HTTP 404" in result.flat_err


def test_cli_update_mirror_from_environment(
    cli: Callable[..., CliResult], un_db: str, mirror: Mirror, un_xml: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = mirror.put(UN, un_xml)
    monkeypatch.setenv("INTERDICT_MIRROR", mirror.url)
    assert cli("update", UN, "--db", un_db).code == 0
    assert mirror.requests[-1] == urlparse(url).path


def test_cli_update_force(cli: Callable[..., CliResult], un_db: str, mirror: Mirror, un_xml: bytes) -> None:
    mirror.put(UN, re.sub(rb"<INDIVIDUAL>.*?</INDIVIDUAL>", b"", un_xml, flags=re.DOTALL))
    refused = cli("update", UN, "--mirror", mirror.url, "--db", un_db)
    assert refused.code == 4 and "--force" in refused.flat_err
    forced = cli("update", UN, "--mirror", mirror.url, "--db", un_db, "--force")
    assert forced.code == 0 and "273 entries (was 1,003)" in forced.flat_out


def test_cli_update_unknown_dataset(cli: Callable[..., CliResult], un_db: str, mirror: Mirror) -> None:
    result = cli("update", "no_such_list", "--mirror", mirror.url, "--db", un_db)
    assert result.code == 2
    assert "Unknown dataset 'no_such_list'" in result.flat_err and "Traceback" not in result.stderr
    assert mirror.requests == []


# --- checksums: a mirror serves only files someone vouched for ---------------------------------


def republished(un_xml: bytes) -> bytes:
    """The UN file a week later: new content, so a new snapshot whose provenance we can read."""
    return un_xml.replace(b'dateGenerated="2026-02-27', b'dateGenerated="2026-03-06', 1)


def put_sums(mirror: Mirror, text: str) -> None:
    target = mirror.server.root / "lists" / "SHA256SUMS"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_mirror_checksums_are_verified_and_recorded(un_store: SnapshotStore, mirror: Mirror, un_xml: bytes) -> None:
    data = republished(un_xml)
    url = mirror.put(UN, data)
    put_sums(mirror, f"# published by the mirror\n{sha(b'other')}  us_ofac_cons/CONS_PRIM.CSV\n{sha(data)} *./{UN}/consolidated.xml\n")
    (result,) = run_update(un_store, mirror)
    assert result.ok, result.error
    (item,) = un_store.active_snapshot(UN).files
    assert (item.origin, item.sha256, item.checksum_from) == (url, sha(data), f"{mirror.url}/SHA256SUMS")
    assert result.verified == {"main": f"{mirror.url}/SHA256SUMS"}


@pytest.mark.parametrize(
    "sums, message",
    [
        (lambda data: f"{sha(b'tampered')}  {UN}/consolidated.xml\n", "but http://127.0.0.1"),
        (lambda data: f"{sha(data)}  us_ofac_cons/CONS_PRIM.CSV\n", "is not listed in the mirror's"),
        (lambda data: "this is not a checksum file\n", "line 1 is not 'SHA256  DATASET/FILE'"),
    ],
    ids=["mismatch", "not-listed", "malformed"],
)
def test_a_file_the_mirror_does_not_vouch_for_is_refused_before_parsing(
    un_store: SnapshotStore, mirror: Mirror, un_xml: bytes, sums: Callable[[bytes], str], message: str
) -> None:
    before = un_store.active_snapshot(UN)
    data = republished(un_xml)
    mirror.put(UN, data)
    put_sums(mirror, sums(data))
    (result,) = run_update(un_store, mirror, force=True)
    assert not result.ok and message in result.error
    assert_unchanged(un_store, before)


def test_mismatch_names_both_checksums(un_store: SnapshotStore, mirror: Mirror, un_xml: bytes) -> None:
    data = republished(un_xml)
    url = mirror.put(UN, data)
    put_sums(mirror, f"{sha(b'tampered')}  {UN}/consolidated.xml\n")
    (result,) = run_update(un_store, mirror)
    assert result.error == (
        f"{UN}/consolidated.xml: {url} has sha256 {sha(data)}, but {mirror.url}/SHA256SUMS expects {sha(b'tampered')}; "
        "refusing it before parsing. The mirror's copy is damaged or not the list: re-sync the mirror, or check the checksum."
    )


def test_a_broken_checksum_manifest_fails_every_list(un_store: SnapshotStore, mirror: Mirror, un_xml: bytes) -> None:
    mirror.put(UN, un_xml)
    put_cons(mirror)
    put_sums(mirror, "x")
    mirror.server.overrides[f"{urlparse(mirror.url).path}/SHA256SUMS"] = Override(status=500, body=b"oops")
    results = update.update(un_store, [UN, CONS], mirror=mirror.url)
    assert [result.ok for result in results] == [False, False]
    assert all("SHA256SUMS answered HTTP 500" in result.error for result in results)
    assert un_store.active_snapshot(CONS) is None


def test_sha256_option_verifies_one_file(un_store: SnapshotStore, mirror: Mirror, un_xml: bytes) -> None:
    data = republished(un_xml)
    mirror.put(UN, data)
    (result,) = update.update(un_store, [UN], mirror=mirror.url, sha256=[f"{UN}/consolidated.xml={sha(data).upper()}"])
    assert result.ok and result.snapshot.files[0].checksum_from == "--sha256 option"
    # The option wins over the mirror's manifest (an operator's own check of a file).
    put_sums(mirror, f"{sha(b'stale')}  {UN}/consolidated.xml\n")
    again = republished(data).replace(b"2026-03-06", b"2026-03-13", 1)
    mirror.put(UN, again)
    (result,) = update.update(un_store, [UN], mirror=mirror.url, sha256=[f"{UN}/consolidated.xml={sha(again)}"])
    assert result.ok and result.snapshot.files[0].checksum_from == "--sha256 option"


def test_cli_checksum_mismatch_exits_4_and_datasets_shows_provenance(
    cli: Callable[..., CliResult], un_db: str, mirror: Mirror, un_xml: bytes
) -> None:
    data = republished(un_xml)
    mirror.put(UN, data)
    refused = cli("update", UN, "--mirror", mirror.url, "--db", un_db, "--sha256", f"{UN}/consolidated.xml={sha(b'x')}")
    assert refused.code == 4
    assert f"has sha256 {sha(data)}" in refused.flat_err and "--sha256 option expects" in refused.flat_err
    assert "previous snapshot stays active" in refused.flat_err and "Traceback" not in refused.stderr

    put_sums(mirror, f"{sha(data)}  {UN}/consolidated.xml\n")
    accepted = cli("update", UN, "--mirror", mirror.url, "--db", un_db)
    assert accepted.code == 0, accepted.stderr
    assert "not verified" not in accepted.flat_err
    listing = cli("datasets", "--json", "--db", un_db)
    row = next(row for row in json.loads(listing.stdout) if row["id"] == UN)
    assert row["files"][0]["checksum_from"] == f"{mirror.url}/SHA256SUMS" and row["files"][0]["sha256"] == sha(data)
    assert row["baseline"]["reason"] == "bundled" and row["missing"] is False


@pytest.mark.parametrize(
    "option, message",
    [
        (f"{UN}/consolidated.xml=abc", "expected DATASET/FILE=HEX with 64 hex digits"),
        (f"{UN}/consolidated.xml", "expected DATASET/FILE=HEX"),
        (f"{UN}/other.xml={'0' * 64}", f"the files are: {UN}/consolidated.xml"),
    ],
)
def test_cli_bad_sha256_option_exits_2_before_any_download(
    cli: Callable[..., CliResult], un_db: str, mirror: Mirror, option: str, message: str
) -> None:
    result = cli("update", UN, "--mirror", mirror.url, "--db", un_db, "--sha256", option)
    assert result.code == 2 and message in result.flat_err
    assert mirror.requests == []
