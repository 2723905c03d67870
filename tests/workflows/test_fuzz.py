"""Fuzzing the document parsers: any bytes give a parsed document or a clean InputError, never a crash."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interdict.errors import InputError
from interdict.workflows import parse_manifest, parse_payment, parse_shipment
from interdict.workflows.edifact import parse_interchange

from .conftest import sample

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PAYMENTS = [
    sample(name)
    for name in (
        "pacs008_v08_hit.xml",
        "pacs008_v02_hit.xml",
        "pain001_v09_hit.xml",
        "mt103_hit.fin",
        "mt103_50f_hit.fin",
        "mt202cov_hit.fin",
    )
]
MANIFESTS = [sample(name) for name in ("paxlst_hit.edi", "paxlst_clean.edi", "apis_private_jet.csv", "apis_clean.csv")]
SHIPMENTS = [sample(name) for name in ("shipment_hit.json", "shipment_crimea.csv", "shipment_clean.json")]


def survives(parse, data) -> None:  # type: ignore[no-untyped-def]
    try:
        parse(data)
    except InputError as exc:
        assert str(exc)  # every refusal explains itself


@st.composite
def mutated(draw, documents):  # type: ignore[no-untyped-def]
    """A real document with a few random cuts, insertions and replacements."""
    data = bytearray(draw(st.sampled_from(documents)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["cut", "insert", "replace", "truncate"]))
        position = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "cut":
            del data[position : position + draw(st.integers(1, 40))]
        elif kind == "insert":
            data[position:position] = draw(
                st.binary(min_size=1, max_size=12)
                | st.sampled_from([b"'", b"+", b":", b"?", b"<", b"/>", b"\n:59:", b"{4:", b"&x;", b"\x00", b"\xff"])
            )
        elif kind == "replace" and data:
            data[position] = draw(st.integers(0, 255))
        else:
            del data[position:]
    return bytes(data)


@SETTINGS
@given(st.binary(max_size=600))
def test_random_bytes(data):
    survives(parse_payment, data)
    survives(parse_manifest, data)
    survives(parse_shipment, data)


@SETTINGS
@given(mutated(PAYMENTS))
def test_mutated_payments(data):
    survives(parse_payment, data)


@SETTINGS
@given(mutated(MANIFESTS))
def test_mutated_manifests(data):
    survives(parse_manifest, data)


@SETTINGS
@given(mutated(SHIPMENTS))
def test_mutated_shipments(data):
    survives(parse_shipment, data)


TAGS = st.sampled_from(
    [
        ":20:",
        ":21:",
        ":23B:",
        ":32A:",
        ":50K:",
        ":50F:",
        ":50A:",
        ":52A:",
        ":52D:",
        ":57A:",
        ":57D:",
        ":58A:",
        ":59:",
        ":59F:",
        ":59A:",
        ":70:",
        ":72:",
        ":77B:",
        "",
    ]
)
LINES = st.text(alphabet="ABCXYZ0123456789/ -,.?:'", max_size=40)


@SETTINGS
@given(st.lists(st.tuples(TAGS, LINES), min_size=1, max_size=12), st.booleans())
def test_swift_shaped_text(fields, headers):
    body = "\n".join(f"{tag}{text}" for tag, text in fields)
    text = "{1:F01COBADEFFAXXX0000000000}{2:I103DEUTDEFFXXXXN}{4:\n" + body + "\n-}" if headers else ":20:REF\n" + body
    survives(parse_payment, text.encode())


SEGMENT = st.tuples(
    st.sampled_from(["UNB", "UNH", "BGM", "TDT", "LOC", "DTM", "NAD", "ATT", "NAT", "DOC", "CNT", "UNT", "UNZ", "XYZ"]),
    st.lists(st.text(alphabet="ABC0123456789:+? ", max_size=14), max_size=6),
)


@SETTINGS
@given(st.lists(SEGMENT, max_size=20))
def test_edifact_shaped_text(segments):
    text = "UNA:+.? '" + "".join(tag + "+" + "+".join(elements) + "'" for tag, elements in segments)
    survives(parse_manifest, text.encode())
    try:
        parse_interchange(text)
    except InputError:
        pass


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(["name", "imo", "flag", "locode", "country", "address", "x"]), children, max_size=4)
    ),
    max_leaves=12,
)


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "shipper",
                "consignee",
                "vessel",
                "port_of_loading",
                "port_of_discharge",
                "goods_description",
                "origin_country",
                "transshipment_ports",
                "reference",
            ]
        ),
        JSONISH,
        max_size=6,
    )
)
def test_shipment_shaped_json(record):
    survives(parse_shipment, json.dumps(record).encode())
