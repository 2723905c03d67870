"""Per-document limits and hostile documents, without the lists: clear refusals naming the limit, linear parsers."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interdict.errors import InputError
from interdict.workflows import parse_manifest, parse_payment, parse_shipment
from interdict.workflows.document import FreeText, Party
from interdict.workflows.edifact import Syntax, parse_interchange
from interdict.workflows.limits import DocumentLimits, current_limits

from .conftest import sample

PACS008 = sample("pacs008_v08_hit.xml")
PAXLST = sample("paxlst_hit.edi")


def pacs008_with(transactions: int) -> bytes:
    """The sample pacs.008 with its one transaction repeated."""
    text = PACS008.decode()
    start, end = text.index("<CdtTrfTxInf>"), text.index("</CdtTrfTxInf>") + len("</CdtTrfTxInf>")
    return (text[:start] + text[start:end] * transactions + text[end:]).encode()


def paxlst_with_segment(segment: str) -> bytes:
    """The sample PAXLST with one more segment after BGM (and its UNT count kept right)."""
    text = PAXLST.decode().replace("BGM+745'", "BGM+745'\n" + segment, 1)
    return text.replace("UNT+46+", "UNT+47+").encode()


def test_limits_come_from_the_environment_and_the_cli_syntax(monkeypatch):
    monkeypatch.setenv("INTERDICT_DOC_MAX_TRANSACTIONS", "7")
    assert current_limits().max_transactions == 7
    assert DocumentLimits().with_overrides(["max-travellers=3", "max_field_chars = 10"]).max_travellers == 3
    with pytest.raises(InputError, match="not a whole number"):
        DocumentLimits.from_env({"INTERDICT_DOC_MAX_PARTIES": "many"})
    with pytest.raises(InputError, match="NAME=VALUE with NAME one of"):
        DocumentLimits().with_overrides(["max_nothing=3"])
    with pytest.raises(InputError, match="must be a positive number"):
        DocumentLimits().with_overrides(["max_parties=0"])


def test_transactions_over_the_limit_are_refused_naming_it():
    data = pacs008_with(4)
    assert len([p for p in parse_payment(data).items if isinstance(p, Party) and p.field.endswith("Cdtr/Nm")]) == 4
    with pytest.raises(InputError) as refused:
        parse_payment(data, DocumentLimits(max_transactions=3))
    message = str(refused.value)
    assert "4 credit transfers (CdtTrfTxInf)" in message and "the limit is 3 (max_transactions)" in message
    assert "INTERDICT_DOC_MAX_TRANSACTIONS=N" in message and "--doc-limit max_transactions=N" in message


def test_repeated_transactions_get_indexed_paths():
    fields = [p.field for p in parse_payment(pacs008_with(3)).items if isinstance(p, Party)]
    assert "CdtTrfTxInf[3]/Cdtr/Nm" in fields and "CdtTrfTxInf[1]/CdtrAgt/FinInstnId/Nm" in fields


def test_travellers_over_the_limit_are_refused_in_paxlst_and_csv():
    with pytest.raises(InputError, match=r"PAXLST segment 39 \(NAD, line 40\): more than 3 travellers; the limit is 3"):
        parse_manifest(PAXLST, DocumentLimits(max_travellers=3))
    with pytest.raises(InputError, match=r"APIS CSV line 3: more than 1 travellers; the limit is 1 \(max_travellers\)"):
        parse_manifest(sample("apis_clean.csv"), DocumentLimits(max_travellers=1))


def test_a_five_megabyte_segment_is_refused_before_it_is_split():
    data = paxlst_with_segment("RFF+AVF:" + "A" * 4_900_000 + "'")
    with pytest.raises(InputError, match=r"PAXLST segment 4 \(line 5\) is 4,900,008 characters long; the limit is 100,000"):
        parse_manifest(data)


def test_a_five_megabyte_segment_parses_when_the_limit_allows_it():
    """The tokenizer is linear, so raising the limit gives a parse, not a hang (bench/documents.py measures it)."""
    long_name = "X" * 4_000_000
    data = PAXLST.decode().replace("NAD+FL+++MENSAH:AKOSUA:ABENA'", f"NAD+FL+++{long_name}?'S:AKOSUA'").encode()
    segments = parse_interchange(data.decode(), "PAXLST", max_segment_chars=5_000_000)
    nad = [s for s in segments if s.tag == "NAD" and s.get(0) == "FL"]
    assert nad[2].get(3, 0) == long_name + "'S" and nad[2].get(3, 1) == "AKOSUA"


def test_long_fields_are_refused_in_every_format():
    with pytest.raises(
        InputError, match=r"MT103 line 3: tag :70: holds 200,050 characters; the limit is 100,000 \(max_field_chars\)"
    ):
        parse_payment((":20:R\n:59:ACME\n:70:" + "\n".join(["A" * 35] * 5715) + "A" * 25 + "\n-").encode())
    long_text = "<Ustrd>" + "word " * 30_000 + "</Ustrd>"
    with pytest.raises(InputError, match=r"element CdtTrfTxInf/RmtInf/Ustrd holds 150,000 characters"):
        parse_payment(re.sub(rb"<Ustrd>.*</Ustrd>", long_text.encode(), PACS008))
    with pytest.raises(InputError, match=r"shipment JSON: consignee.name holds 100,001 characters"):
        parse_shipment(json.dumps({"shipper": "A", "consignee": {"name": "B" * 100_001}}).encode())
    with pytest.raises(InputError, match=r"shipment CSV column 2: a cell of 100,001 characters"):
        parse_shipment(b"shipper_name,consignee_name\nA," + b"B" * 100_001 + b"\n")


def test_free_text_is_kept_whole_for_the_screening_to_cap():
    text = " ".join(["PAYMENT"] * 3000)
    document = parse_payment(f":20:R\n:59:ACME\n:70:{text}\n-".encode())
    assert [len(t.text) for t in document.items if isinstance(t, FreeText)] == [len(text)]


# --- hostile shipments ---------------------------------------------------------


@pytest.mark.parametrize("depth", [21, 3000, 100_000])
def test_deep_json_is_refused_before_json_loads_recurses(depth):
    data = b'{"shipper": "A", "consignee": ' + b"[" * depth + b"]" * depth + b"}"
    with pytest.raises(InputError, match=r"shipment JSON line 1, column 50: nested more than 20 levels deep.*max_json_depth"):
        parse_shipment(data)


def test_deep_dicts_from_the_library_are_refused_too():
    record: dict = {"shipper": "A"}
    current = record
    for _ in range(5000):
        current["consignee"] = {}
        current = current["consignee"]
    with pytest.raises(InputError, match="nested more than 20 levels deep"):
        parse_shipment(record)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"shipper": "\\ud800"}', r"shipper holds an unpaired surrogate \(\\ud800\) at character 1"),
        (b'{"shipper": {"name": "ACME \\udfff"}}', r"shipper.name holds an unpaired surrogate \(\\udfff\)"),
        (b'{"ship\\ud800per": "A"}', r"record key holds an unpaired surrogate"),
        (b'{"shipper": ' + b"9" * 5000 + b"}", "cannot be read: Exceeds the limit"),
    ],
)
def test_invalid_json_values_are_refused(data, message):
    with pytest.raises(InputError, match=message):
        parse_shipment(data)


def test_surrogates_in_text_documents_are_refused():
    with pytest.raises(InputError, match="unpaired surrogate '\\\\ud800' at character 5"):
        parse_payment(":20:\ud800\n:59:ACME\n-")
    with pytest.raises(InputError, match="unpaired surrogate"):
        parse_shipment({"shipper": "A\udc80"})


def test_utf16_documents_are_read():
    assert parse_shipment('{"shipper": "ACME"}'.encode("utf-16")).format == "shipment JSON"
    assert parse_manifest(sample("apis_clean.csv").decode().encode("utf-16")).format == "APIS CSV"
    assert parse_payment(PACS008.decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")).reference == (
        "COBA20250314-00187"
    )


# --- hostile and mixed-up payments ---------------------------------------------


def test_xxe_is_refused_in_payment_words():
    data = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>'
    with pytest.raises(InputError) as refused:
        parse_payment(data)
    message = str(refused.value)
    assert "ISO 20022 messages never do" in message and "official lists" not in message


def test_xml_errors_name_the_line_once():
    with pytest.raises(InputError) as refused:
        parse_payment(PACS008.replace(b"</Nm>", b"</Nx>", 1))
    message = str(refused.value)
    assert message.startswith("The payment message is not well-formed XML at line 34, column 48: Opening and ending tag mismatch")
    assert message.count("line 34") == 2 and "(<string>" not in message  # libxml2's "Nm line 34" is where the tag opened


def test_deep_xml_is_refused():
    body = "<X>" * 50 + "</X>" * 50
    data = PACS008.replace(b"<ChrgBr>SHAR</ChrgBr>", body.encode())
    with pytest.raises(InputError, match=r"nested 41 levels deep"):
        parse_payment(data)
    with pytest.raises(InputError, match="Excessive depth"):
        parse_payment(PACS008.replace(b"<ChrgBr>SHAR</ChrgBr>", ("<X>" * 300 + "</X>" * 300).encode()))


def test_pacs009_is_read_as_an_fi_transfer():
    document = parse_payment(sample("pacs009_cov_hit.xml"))
    assert (document.format, document.reference) == ("pacs.009.001.08", "DB009COV25-0712")
    parties = {p.field: p for p in document.items if isinstance(p, Party)}
    assert parties["CdtTrfTxInf/Cdtr/FinInstnId/Nm"].name == "Commercial Bank of Syria"
    assert parties["CdtTrfTxInf/Cdtr/FinInstnId/Nm"].schema == "Organization"
    assert parties["CdtTrfTxInf/UndrlygCstmrCdtTrf/Cdtr/Nm"].name == "Khatam al-Anbiya Construction Headquarters"


def test_a_namespace_that_names_another_message_is_refused():
    with pytest.raises(InputError, match=r"namespace .*pacs.009.001.08' is a pacs.009 message, but it holds <FIToFICstmrCdtTrf>"):
        parse_payment(PACS008.replace(b"pacs.008.001.08", b"pacs.009.001.08"))


MIXED_UP = [
    (
        parse_shipment,
        PAXLST,
        "looks like a UN/EDIFACT PAXLST passenger manifest, not a shipment document; screen it with interdict screen-manifest",
    ),
    (parse_payment, PAXLST, "screen it with interdict screen-manifest (POST /screen/manifest)"),
    (
        parse_manifest,
        PACS008,
        "looks like an ISO 20022 payment message (XML), not a manifest document; screen it with interdict screen-payment",
    ),
    (parse_manifest, sample("mt103_hit.fin"), "looks like a SWIFT MT payment message, not a manifest document"),
    (parse_shipment, sample("mt103_hit.fin"), "screen it with interdict screen-payment"),
    (parse_manifest, sample("shipment_hit.json"), "looks like a JSON object (a shipment record), not a manifest document"),
    (parse_payment, sample("shipment_crimea.csv"), "looks like a shipment CSV"),
    (parse_manifest, sample("shipment_crimea.csv"), "looks like a shipment CSV"),
    (parse_shipment, sample("apis_clean.csv"), "looks like a passenger manifest CSV"),
    (parse_payment, sample("apis_private_jet.csv"), "screen it with interdict screen-manifest"),
]


@pytest.mark.parametrize(("parse", "data", "message"), MIXED_UP)
def test_documents_given_to_the_wrong_command_are_named(parse, data, message):
    with pytest.raises(InputError) as refused:
        parse(data)
    assert message in str(refused.value)


# --- the EDIFACT tokenizer against the character-by-character reference -----------------------


def reference_interchange(text: str) -> list[tuple[str, tuple[tuple[str, ...], ...], int, int]]:
    """The tokenizer as it was before it was made linear (one character at a time), as an oracle."""
    syntax = Syntax()
    body = text.lstrip("\ufeff")
    if body.startswith("UNA"):
        chars = body[3:9]
        syntax = Syntax(chars[0], chars[1], chars[2], chars[3] if chars[3] != " " else "", chars[5])
        body = body[9:]
    segments = []
    line = 1 + text[: len(text) - len(body)].count("\n")
    elements: list[list[str]] = [[""]]
    start_line = line
    escaped = pending = False
    for char in body:
        if escaped:
            elements[-1][-1] += char
            escaped = False
            continue
        if char == "\n":
            line += 1
            if not pending:
                start_line = line
            continue
        if char == "\r":
            continue
        if not pending:
            if char in " \t":
                continue
            pending = True
            start_line = line
        if syntax.release and char == syntax.release:
            escaped = True
        elif char == syntax.terminator:
            tag = elements[0][0].strip()
            if not re.fullmatch(r"[A-Z][A-Z0-9]{2}", tag) or len(elements[0]) != 1:
                raise InputError("not a segment tag")
            segments.append((tag, tuple(tuple(e) for e in elements[1:]), len(segments) + 1, start_line))
            elements, pending = [[""]], False
        elif char == syntax.element:
            elements.append([""])
        elif char == syntax.component:
            elements[-1].append("")
        else:
            elements[-1][-1] += char
    if pending and any(part.strip() for element in elements for part in element):
        raise InputError("not ended")
    if not segments:
        raise InputError("no segments")
    return segments


EDIFACT_TEXT = st.lists(
    st.sampled_from(["NAD", "DTM", "LOC", "+", ":", "'", "?", "??", "?'", "\n", "\r\n", " ", "\t", "AB", "O", "1", "é"]),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EDIFACT_TEXT, st.booleans())
def test_the_linear_tokenizer_agrees_with_the_reference(text, una):
    text = ("UNA:+.? '" if una else "") + text
    try:
        expected = reference_interchange(text)
    except InputError:
        expected = None
    try:
        got = [(s.tag, s.elements, s.number, s.line) for s in parse_interchange(text)]
    except InputError:
        got = None
    assert got == expected
