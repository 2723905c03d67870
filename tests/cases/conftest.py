"""Fixtures of the casework tests: a UN-only store on SQLite or on a real PostgreSQL server, users, a screener."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from interdict.cases import CaseStore, open_cases
from interdict.lists import seed_bundle
from interdict.match.index import build_index
from interdict.match.screener import Screener
from interdict.store import open_store
from interdict.store.users import UserStore

PG = os.environ.get("INTERDICT_TEST_POSTGRES")
BACKENDS = ["sqlite", pytest.param("postgres", marks=[pytest.mark.postgres, pytest.mark.skipif(not PG, reason="INTERDICT_TEST_POSTGRES is not set")])]


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A fresh schema in the PostgreSQL test database."""
    assert PG is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(PG)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    yield f"{PG}?options=-csearch_path%3D{schema}"
    engine = create_engine(PG)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest) -> str:
    """A store holding the bundled UN list: a copy of the SQLite template, or a new PostgreSQL schema."""
    if request.param == "sqlite":
        return str(request.getfixturevalue("un_db"))
    url = str(request.getfixturevalue("pg_schema_url"))
    store = open_store(url)
    seed_bundle(store, ["un_sc_sanctions"])
    store.engine.dispose()
    return url


@pytest.fixture(scope="session")
def un_screener(un_template: Path) -> Screener:
    """A screener over the UN list alone (the template's content; every `db` holds the same entries)."""
    store = open_store(f"sqlite:///{un_template}")
    screener = Screener(build_index(store.active_entities(), build_key="un-only"))
    store.engine.dispose()
    return screener


@pytest.fixture
def cases(db: str) -> Iterator[CaseStore]:
    """The case store with four people: two analysts and two supervisors."""
    store = open_cases(db)
    people = UserStore(store.engine)
    for name, role in (("ann", "analyst"), ("bob", "analyst"), ("sue", "supervisor"), ("sam", "supervisor")):
        people.add(name, role)
    yield store
    store.engine.dispose()
