"""yente "example entities" (FtM schema + properties) → interdict Queries, with the cleaned echo.

A /match query is a FollowTheMoney entity sketch: `{"schema": "Person",
"properties": {"name": [...], "birthDate": [...], "nationality": ["Iran"]}}`.
Each property has a role (data/ftm_query.toml) that says how it feeds the
matcher. Values are cleaned "fuzzily" as yente does: countries become ISO codes,
dates ISO text, and values that cannot be read are dropped rather than refused,
so a sloppy client still gets an answer. The cleaned properties are echoed back
in the response's `query`, which is how a client sees what was screened.
"""

from __future__ import annotations

import itertools
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..countries import to_code
from ..errors import InputError
from ..match.query import MAX_NAME_CHARS, Query
from ..model import Schema
from ..sources.dates import parse_date

ROLES = ("name", "name_part", "date", "nationality", "country", "identifier", "text")
MAX_COMBINED_NAMES = 8


@dataclass(frozen=True)
class ExampleRules:
    schemas: dict[str, Schema | None]  # FtM schema → interdict schema (None: any)
    properties: dict[str, str]  # FtM property → role
    name_parts: tuple[str, ...]


@lru_cache(maxsize=1)
def rules() -> ExampleRules:
    """The schema and property table, validated when first read."""
    text = resources.files("interdict.api").joinpath("data/ftm_query.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)
    schemas: dict[str, Schema | None] = {}
    known = {schema.value for schema in Schema}
    for ftm, ours in table["schemas"].items():
        if ours != "*" and ours not in known:
            raise ValueError(f"ftm_query.toml: schema {ftm} maps to unknown schema {ours!r}")
        schemas[ftm] = None if ours == "*" else Schema(ours)
    for prop, role in table["properties"].items():
        if role not in ROLES:
            raise ValueError(f"ftm_query.toml: property {prop} has unknown role {role!r}; use one of {', '.join(ROLES)}")
    order = tuple(table["name_parts"]["order"])
    if set(order) != {prop for prop, role in table["properties"].items() if role == "name_part"}:
        raise ValueError("ftm_query.toml: name_parts.order must list exactly the name_part properties")
    return ExampleRules(schemas, dict(table["properties"]), order)


@dataclass
class Example:
    """One cleaned /match query: what the engine screens and what is echoed back."""

    key: str
    query: Query
    echo: dict  # {"id", "schema", "properties"} as yente returns it
    named: bool = True  # False: identifiers only (see `build_example`)


def _values(key: str, prop: str, raw: object, max_values: int, max_chars: int, role: str) -> list[str]:
    items = raw if isinstance(raw, list) else [raw]
    if len(items) > max_values:
        raise InputError(f"Cannot parse example entity: property {prop!r} of query {key!r} has {len(items)} values; at most {max_values}.")
    values: list[str] = []
    limit = MAX_NAME_CHARS if role in ("name", "name_part") else max_chars
    for item in items:
        if item is None:
            continue
        if isinstance(item, (dict, list)):
            raise InputError(f"Cannot parse example entity: property {prop!r} of query {key!r} holds a nested value; send text or a list of text.")
        text = " ".join(str(item).split())
        if not text:
            continue
        if len(text) > limit:
            raise InputError(
                f"Cannot parse example entity: a value of {prop!r} in query {key!r} is {len(text)} characters long; at most {limit}."
            )
        if text not in values:
            values.append(text)
    return values


def _clean(role: str, values: list[str]) -> tuple[list[str], list[str]]:
    """(values for the engine, values for the echo) of one property."""
    if role == "date":
        used: list[str] = []
        shown: list[str] = []
        for value in values:
            parsed = parse_date(value)
            if parsed is None or not parsed.start:
                continue  # unreadable dates are dropped, as yente's fuzzy cleaning does
            used.append(value if parsed.end else parsed.start)
            for part in (parsed.start, parsed.end):
                if part and part not in shown:
                    shown.append(part)
        return used, shown
    if role in ("nationality", "country"):
        codes: list[str] = []
        for value in values:
            code = to_code(value)
            if code and code not in codes:
                codes.append(code)
        return codes, codes
    return values, values


def build_example(key: str, example: dict, max_values: int = 50, max_chars: int = 1000) -> Example:
    """Clean one yente EntityExample into a Query; InputError (→ 400) when it cannot be screened."""
    table = rules()
    schema_name = example.get("schema")
    if not isinstance(schema_name, str) or schema_name not in table.schemas:
        known = ", ".join(table.schemas)
        raise InputError(f"Cannot parse example entity: Unknown schema: {schema_name!r} (query {key!r}; use one of {known}).")
    raw_props = example.get("properties") or {}
    if not isinstance(raw_props, dict):
        raise InputError(f"Cannot parse example entity: 'properties' of query {key!r} must be an object.")
    by_role: dict[str, list[str]] = {role: [] for role in ROLES}
    echo: dict[str, list[str]] = {}
    parts: dict[str, list[str]] = {}
    for prop, raw in raw_props.items():
        role = table.properties.get(prop)
        if role is None:
            continue  # unknown properties are ignored, as yente does
        values = _values(key, prop, raw, max_values, max_chars, role)
        used, shown = _clean(role, values)
        if shown:
            echo[prop] = shown
        by_role[role].extend(value for value in used if value not in by_role[role])
        if role == "name_part" and used:
            parts[prop] = used
    names = by_role["name"]
    if not names and parts:
        ordered = [parts[prop] for prop in table.name_parts if prop in parts]
        combined = [" ".join(combo) for combo in itertools.islice(itertools.product(*ordered), MAX_COMBINED_NAMES)]
        names = [name for name in dict.fromkeys(combined) if name]
        echo["alias"] = list(dict.fromkeys(echo.get("alias", []) + names))
    identifiers = by_role["identifier"]
    if not names and not identifiers:
        raise InputError(
            f"Cannot parse example entity: query {key!r} has no name and no identifier; send properties.name "
            "(or firstName/lastName) or an identifier such as idNumber, passportNumber or imoNumber."
        )
    # A query with identifiers only finds entries by identifier alone; callers keep only those hits.
    query = Query.build(
        names,
        schema=table.schemas[schema_name],
        birth_date=by_role["date"] or None,
        nationality=by_role["nationality"] or None,
        country=by_role["country"] or None,
        id_number=identifiers or None,
        id=example.get("id"),
    )
    return Example(key=key, query=query, echo={"id": example.get("id"), "schema": schema_name, "properties": echo}, named=bool(names))
