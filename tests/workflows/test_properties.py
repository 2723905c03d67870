"""Nothing lost, as properties: any document, at every entry point, gets a verdict or a clean error, one per document.

Documents are generated (Hypothesis): valid ones (the samples, and payments,
manifests and shipments built around generated names), truncated ones, and
hostile ones: unpaired surrogates, deep nesting, huge fields, wrong encodings,
DTDs and entities, random bytes, and documents given to the wrong workflow.
Each is screened through the library, the CLI (several files per run) and the
HTTP endpoints on a real server, against the real lists. The counts of
generated inputs per entry point are printed at the end of the module;
INTERDICT_PROPERTY_SCALE=10 runs ten times as many.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interdict.errors import InputError
from interdict.workflows import Verdict, screen_manifest, screen_payment, screen_shipment

from .conftest import SAMPLES, sample

SAMPLE_FILES = sorted(path.name for path in SAMPLES.iterdir())
GENERATED: Counter[str] = Counter()  # entry point → documents screened
OUTCOMES: Counter[str] = Counter()  # "entry point: verdict|error"
LIBRARY = {"payment": screen_payment, "manifest": screen_manifest, "shipment": screen_shipment}
COMMANDS = {"payment": "screen-payment", "manifest": "screen-manifest", "shipment": "screen-shipment"}

NAMES = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from(list("ABC xyz-'.&<>?:+\"")),
    min_size=1,
    max_size=40,
).filter(lambda text: text.strip() != "")
LISTED = st.sampled_from(["Bank Pasargad", "Mahan Air", "Kala Naft", "DERIPASKA Oleg", "Gennady Timchenko", "ACME GmbH"])


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _edi(text: str) -> str:
    return "".join("?" + char if char in "?:+'" else char for char in text)


@st.composite
def payment(draw: Any) -> bytes:
    names = draw(st.lists(NAMES | LISTED, min_size=1, max_size=4))
    transactions = "".join(
        f"<CdtTrfTxInf><PmtId><EndToEndId>E{i}</EndToEndId></PmtId><Dbtr><Nm>{_xml(name)}</Nm></Dbtr>"
        f"<CdtrAgt><FinInstnId><BICFI>{draw(st.sampled_from(['BKBPIRTHXXX', 'COBADEFFXXX', 'CMSYSYDA']))}</BICFI></FinInstnId></CdtrAgt>"
        f"<Cdtr><Nm>{_xml(draw(NAMES | LISTED))}</Nm><PstlAdr><Ctry>{draw(st.sampled_from(['DE', 'IR', 'SY', 'FR']))}</Ctry></PstlAdr></Cdtr>"
        f"<RmtInf><Ustrd>{_xml(draw(NAMES))}</Ustrd></RmtInf></CdtTrfTxInf>"
        for i, name in enumerate(names)
    )
    return (
        '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>'
        f"<GrpHdr><MsgId>M1</MsgId></GrpHdr>{transactions}</FIToFICstmrCdtTrf></Document>"
    ).encode()


@st.composite
def manifest(draw: Any) -> bytes:
    travellers = draw(
        st.lists(st.tuples(NAMES | LISTED, NAMES, st.sampled_from(["IRN", "RUS", "CAF", "FRA"])), min_size=1, max_size=4)
    )
    segments = ["UNA:+.? '", "UNB+UNOA:4+A+B+250314:0902+1'", "UNH+M1+PAXLST:D:05B:UN:IATA'", "BGM+745'", "TDT+20+XX01'"]
    for surname, first, nationality in travellers:
        segments += [f"NAD+FL+++{_edi(surname)}:{_edi(first)}'", "DTM+329:750101'", f"NAT+2+{nationality}'"]
    segments += [f"CNT+42:{len(travellers)}'", f"UNT+{len(segments)}+M1'", "UNZ+1+1'"]  # UNH..UNT: all but UNA, UNB, + 2
    return "\n".join(segments).encode()


@st.composite
def shipment(draw: Any) -> bytes:
    record = {
        "shipper": {"name": draw(NAMES | LISTED), "country": draw(st.sampled_from(["DE", "IR", "UA-43"]))},
        "consignee": draw(NAMES | LISTED),
        "goods_description": draw(NAMES),
        "port_of_discharge": draw(st.sampled_from(["Bandar Abbas (IRBND)", "Hamburg", "Sevastopol"])),
    }
    return json.dumps(record, ensure_ascii=draw(st.booleans())).encode()


def _workflow_of(name: str) -> str:
    return "manifest" if name.startswith(("paxlst", "apis")) else ("shipment" if name.startswith("shipment") else "payment")


# (document, the workflow it is meant for)
VALID = (
    st.sampled_from(SAMPLE_FILES).map(lambda name: (sample(name), _workflow_of(name)))
    | payment().map(lambda data: (data, "payment"))
    | manifest().map(lambda data: (data, "manifest"))
    | shipment().map(lambda data: (data, "shipment"))
)


@st.composite
def truncated(draw: Any) -> tuple[bytes, str]:
    data, workflow = draw(VALID)
    return data[: draw(st.integers(0, max(0, len(data) - 1)))], workflow


@st.composite
def hostile(draw: Any) -> tuple[bytes | str, str]:
    data = draw(_hostile())
    head = _as_bytes(data)[:200]
    workflow = "shipment" if b"shipper" in head else ("manifest" if b"UN" in head[:8] else "payment")
    return data, workflow


@st.composite
def _hostile(draw: Any) -> bytes | str:
    kind = draw(
        st.sampled_from(["surrogate", "json-depth", "xml-depth", "huge-field", "long-name", "encoding", "dtd", "bytes", "junk"])
    )
    depth = draw(st.integers(15, 4000))
    if kind == "surrogate":  # a str document (the library takes text) or a JSON escape
        if draw(st.booleans()):
            text = draw(VALID)[0].decode("utf-8", "replace")
            position = draw(st.integers(0, len(text)))
            return text[:position] + draw(st.sampled_from(["\ud800", "\udfff", "\udc80"])) + text[position:]
        return b'{"shipper": "A\\ud800", "consignee": "B"}'
    if kind == "json-depth":
        return b'{"shipper": "A", "consignee": ' + b"[" * depth + b"]" * depth + b"}"
    if kind == "xml-depth":
        return sample("pacs008_v08_hit.xml").replace(b"<ChrgBr>SHAR</ChrgBr>", b"<X>" * depth + b"</X>" * depth)
    if kind == "huge-field":
        size = draw(st.integers(90_000, 160_000))
        return draw(
            st.sampled_from(
                [
                    sample("pacs008_v08_hit.xml").replace(b"TURBINE SPARES", b"X " * (size // 2)),
                    (":20:R\n:59:ACME\n:70:" + "\n".join(["WORD " * 7] * (size // 35)) + "\n-").encode(),
                    sample("paxlst_hit.edi").replace(b"RFF+AVF:KX7Q2M", b"RFF+AVF:" + b"K" * size),
                    json.dumps({"shipper": "A", "goods_description": "G " * (size // 2)}).encode(),
                ]
            )
        )
    if kind == "long-name":
        return sample("mt103_clean.fin").replace(b"ALDERLEY GARDEN FURNITURE LTD", b"ALDERLEY " * draw(st.integers(60, 400)))
    if kind == "encoding":
        text = draw(VALID)[0].decode("utf-8", "replace")
        encoding = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "utf-8-sig"]))
        return text.encode(encoding, "replace")
    if kind == "dtd":
        return draw(
            st.sampled_from(
                [
                    b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>',
                    b'<!DOCTYPE l [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><Document><FIToFICstmrCdtTrf>&b;</FIToFICstmrCdtTrf></Document>',
                    b"<!--" + b"c" * 70_000 + b'--><!DOCTYPE d SYSTEM "http://127.0.0.1:9/x.dtd"><Document/>',
                ]
            )
        )
    if kind == "bytes":
        return draw(st.binary(min_size=1, max_size=300))
    data = bytearray(draw(VALID)[0])
    for _ in range(draw(st.integers(1, 5))):
        position = draw(st.integers(0, len(data)))
        data[position:position] = draw(st.sampled_from([b"\x00", b"\xff\xfe", b"'", b"+", b"<", b"{", b"\\u", b"\n:59:", b"]]>"]))
    return bytes(data)


WORKFLOWS = st.sampled_from(["payment", "manifest", "shipment"])


@st.composite
def addressed(draw: Any) -> tuple[bytes | str, str]:
    """A document and the workflow it is sent to: mostly its own, one time in four another (a mix-up)."""
    document, workflow = draw(VALID | truncated() | hostile())
    return document, draw(WORKFLOWS) if draw(st.integers(0, 3)) == 0 else workflow


DOCUMENTS = addressed()
SCALE = float(os.environ.get("INTERDICT_PROPERTY_SCALE", "1"))  # e.g. 10 for a long fuzzing run
SETTINGS: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}


@pytest.fixture(scope="module", autouse=True)
def report(request: pytest.FixtureRequest) -> Any:
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    line = ", ".join(f"{entry}: {count}" for entry, count in sorted(GENERATED.items()))
    outcomes = ", ".join(f"{entry}: {count}" for entry, count in sorted(OUTCOMES.items()))
    if reporter is not None:
        reporter.write_line(f"\ngenerated documents per entry point: {line}\noutcomes: {outcomes}")


@settings(max_examples=int(400 * SCALE), **SETTINGS)  # type: ignore[arg-type]
@given(DOCUMENTS)
def test_library_gives_a_verdict_or_an_input_error(screener, addressed_document):
    document, workflow = addressed_document
    GENERATED["library"] += 1
    try:
        verdict = LIBRARY[workflow](document, screener)
    except InputError as exc:
        assert str(exc) and "Traceback" not in str(exc)
        OUTCOMES["library: error"] += 1
        return
    assert isinstance(verdict, Verdict) and verdict.verdict in ("clear", "review", "hit")
    json.dumps(verdict.to_dict(), ensure_ascii=False).encode("utf-8")  # serialisable: no surrogate got through
    OUTCOMES["library: verdict"] += 1


def _as_bytes(document: bytes | str) -> bytes:
    return document.encode("utf-8", "surrogatepass") if isinstance(document, str) else document


@settings(
    max_examples=int(20 * SCALE),
    **{**SETTINGS, "suppress_health_check": [*SETTINGS["suppress_health_check"], HealthCheck.function_scoped_fixture]},
)  # type: ignore[arg-type]
@given(st.lists(DOCUMENTS, min_size=1, max_size=5))
def test_cli_answers_every_file_in_order(cli, seeded, batch):
    documents = [document for document, _ in batch]
    workflow = batch[0][1]  # one command for all: the others' documents are mix-ups
    GENERATED["cli"] += len(documents)
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, document in enumerate(documents):
            path = Path(folder) / f"doc{number}.bin"
            path.write_bytes(_as_bytes(document))
            paths.append(path)
        result = cli(COMMANDS[workflow], *paths, "--json")
    assert "Traceback" not in result.stderr
    data = json.loads(result.stdout)
    answers = data if isinstance(data, list) else [data]
    assert [answer["document"] for answer in answers] == [path.name for path in paths]
    errors = [answer for answer in answers if "error" in answer]
    for answer in answers:
        assert ("verdict" in answer) != ("error" in answer)
        assert "internal error" not in answer.get("error", "")
    OUTCOMES["cli: error"] += len(errors)
    OUTCOMES["cli: verdict"] += len(answers) - len(errors)
    expected = 0 if not errors else (2 if len(errors) == len(answers) else 1)
    assert result.code == expected, result.stderr


@pytest.fixture(scope="module")
def http(workflow_server):  # type: ignore[no-untyped-def]
    with httpx.Client(
        base_url=workflow_server.url, headers={"Authorization": f"Bearer {workflow_server.key}"}, timeout=120
    ) as client:
        yield client


@settings(max_examples=int(400 * SCALE), **SETTINGS)  # type: ignore[arg-type]
@given(DOCUMENTS)
def test_http_gives_a_verdict_or_a_400(http, addressed_document):
    document, workflow = addressed_document
    GENERATED["http"] += 1
    response = http.post(f"/screen/{workflow}", content=_as_bytes(document))
    assert response.status_code in (200, 400, 413), response.text
    body = response.json()
    if response.status_code == 200:
        assert body["verdict"] in ("clear", "review", "hit")
        OUTCOMES["http: verdict"] += 1
    else:
        assert isinstance(body["detail"], str) and body["detail"]
        OUTCOMES["http: error"] += 1
