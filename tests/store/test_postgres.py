"""The same store code on a real PostgreSQL server (CI starts one with .ci/postgres.sh).

Set INTERDICT_TEST_POSTGRES to a SQLAlchemy URL of an empty database to run these.
"""

from __future__ import annotations

import os
import uuid

import pytest
from sqlalchemy import create_engine, text

from interdict.errors import NotFoundError, UpdateError
from interdict.lists import seed_bundle
from interdict.match.query import Query
from interdict.screening import open_screener
from interdict.store import open_store

URL = os.environ.get("INTERDICT_TEST_POSTGRES")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not URL, reason="INTERDICT_TEST_POSTGRES is not set (CI sets it; see .ci/postgres.sh)"),
]


@pytest.fixture
def pg_url() -> str:
    """A fresh schema in the test database for each test."""
    assert URL is not None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    engine = create_engine(URL)
    with engine.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    yield f"{URL}?options=-csearch_path%3D{schema}"
    engine = create_engine(URL)
    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def test_snapshots_on_postgres(pg_url: str) -> None:
    store = open_store(pg_url)
    (report,) = seed_bundle(store, ["un_sc_sanctions"])
    assert report.snapshot is not None and report.snapshot.entries == 1003
    assert store.active_snapshot("un_sc_sanctions").id == report.snapshot.id
    entity = store.get_entity("un_sc_sanctions-IRi.034")
    assert entity.source_id == "IRi.034"
    with pytest.raises(NotFoundError):
        store.get_entity("un_sc_sanctions-nope")
    store.engine.dispose()


def test_a_shrinking_list_is_refused_on_postgres(pg_url: str) -> None:
    from interdict import bundle
    from interdict.sources import parse_files

    store = open_store(pg_url)
    seed_bundle(store, ["un_sc_sanctions"])
    result = parse_files("un_sc_sanctions", bundle.read_files("un_sc_sanctions"))
    result.entities = result.entities[:500]
    with pytest.raises(UpdateError):
        store.add_snapshot("un_sc_sanctions", "un_xml", result, [], origin="test")
    assert store.active_snapshot("un_sc_sanctions").entries == 1003
    store.engine.dispose()


def test_screening_from_a_postgres_store(pg_url: str) -> None:
    store = open_store(pg_url)
    seed_bundle(store, ["un_sc_sanctions", "us_ofac_cons"])
    store.engine.dispose()
    screener = open_screener(pg_url)
    hits = screener.screen(Query.build("Qasem Soleimani", schema="Person"))
    assert hits and hits[0].entity.id == "un_sc_sanctions-IRi.039" and hits[0].match
