"""The hash chain detects an edited, a deleted and a reordered record; export; the head as an anchor."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import Engine, text

from interdict.store import audit, open_store
from interdict.store.users import UserStore


def chain(engine: Engine, n: int = 6) -> None:
    people = UserStore(engine)
    for i in range(n):
        people.add(f"user{i}", "analyst")


def tamper(engine: Engine, *statements: str) -> audit.Verification:
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_no_delete"))
        for statement in statements:
            conn.execute(text(statement))
    with engine.connect() as conn:
        return audit.verify(conn)


@pytest.fixture
def engine(un_db: str) -> Engine:
    store = open_store(un_db)
    chain(store.engine)
    return store.engine


def test_an_intact_chain_verifies_and_exports(engine: Engine) -> None:
    with engine.connect() as conn:
        result = audit.verify(conn)
        exported = [r.to_dict() for r in audit.records(conn, since="2000-01-01")]
    assert result.ok and result.records == 7 and result.head_seq == 7
    assert [r["subject"] for r in exported] == ["un_sc_sanctions"] + [f"user{i}" for i in range(6)]  # the list's load, then the users
    json.dumps(exported)


def test_sqlite_refuses_edits_until_its_trigger_is_dropped(engine: Engine) -> None:
    with pytest.raises(Exception, match="append-only"):
        with engine.begin() as conn:
            conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"))


@pytest.mark.parametrize(
    ("statements", "says"),
    [
        (["UPDATE audit_log SET data = '{\"role\":\"admin\"}' WHERE seq = 3"], "record 3: its content does not hash"),
        (["DELETE FROM audit_log WHERE seq = 4"], "records 4–4 are missing"),
        (  # swap two records' content, with their hashes: each hash is right, the links are not
            [
                "UPDATE audit_log SET seq = -2 WHERE seq = 2",
                "UPDATE audit_log SET seq = 2, prev_hash = (SELECT prev_hash FROM audit_log WHERE seq = -2) WHERE seq = 3",
                "UPDATE audit_log SET seq = 3 WHERE seq = -2",
            ],
            "link to the record before does not match",
        ),
        (["DELETE FROM audit_log WHERE seq = 7"], "the head says record 7"),
    ],
    ids=["edit", "delete", "reorder", "cut-the-tail"],
)
def test_tampering_is_detected(engine: Engine, statements: list[str], says: str) -> None:
    result = tamper(engine, *statements)
    assert not result.ok
    assert any(says in problem for problem in result.problems), result.problems


def test_an_anchor_catches_a_rewritten_tail(engine: Engine) -> None:
    with engine.connect() as conn:
        anchor = audit.head(conn)
    result = tamper(engine, "DELETE FROM audit_log WHERE seq = 7", "UPDATE audit_head SET seq = 6, hash = (SELECT hash FROM audit_log WHERE seq = 6)")
    assert result.ok  # the database alone cannot tell: the tail and the head were rewritten together
    with engine.connect() as conn:
        anchored = audit.verify(conn, anchor=anchor)
    assert not anchored.ok and "cut short" in anchored.problems[0]
