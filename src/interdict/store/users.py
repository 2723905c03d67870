"""The people who use interdict: a name and a role each; API keys and decisions belong to them.

Four-eyes needs identities, not keys: a decision names the user who proposed
it and the one who checked it, and the decisions table itself refuses a row
where they are the same (`maker_is_not_checker`). Roles are those of
`store.keys` (screener < analyst < supervisor < admin). A user is disabled,
never deleted, so old decisions keep naming them.

Passwords (for the web UI's login) are stored as argon2id hashes: memory-hard,
so a stolen table costs an attacker 64 MiB and several passes per guess. A
failed check against an unknown or password-less user still runs one hash, so
the answer's timing does not tell which names exist.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, Row, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..errors import InputError, NotFoundError, StoreError
from . import audit, migrate
from .keys import role_rank
from .schema import ui_sessions, users

MAX_NAME = 100
MIN_PASSWORD = 10
MAX_PASSWORD = 1_000  # hashing a megabyte-long "password" is a cheap way to burn a server's CPU
_hasher = PasswordHasher()  # argon2id, 64 MiB, 3 passes (RFC 9106's second recommended setting)


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify unknown names against, so they take as long as known ones; made on first use (130 ms), not at import."""
    return _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    created_at: str
    disabled_at: str | None

    @property
    def active(self) -> bool:
        return self.disabled_at is None

    def can(self, role: str) -> bool:
        """Whether this user has at least `role` (and is not disabled)."""
        return self.active and role_rank(self.role) >= role_rank(role)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "role": self.role, "created_at": self.created_at, "disabled_at": self.disabled_at, "active": self.active}


def _user(row: Row[Any]) -> User:
    return User(row.id, row.name, row.role, row.created_at, row.disabled_at)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def check_name(name: str) -> str:
    name = name.strip()
    if not name or name == "-" or len(name) > MAX_NAME or any(ch.isspace() or not ch.isprintable() for ch in name):
        # "-" is reserved: it means "nobody" where a user name is asked for (the alert queue's assignee filter)
        raise InputError(f"A user name is 1 to {MAX_NAME} printable characters without spaces (e.g. 'jdoe'); got {name!r}.")
    return name


def find(conn: Connection, name: str) -> User:
    row = conn.execute(select(users).where(users.c.name == name)).first()
    if row is None:
        raise NotFoundError(f"No user {name!r}; `interdict users list` shows them, `interdict users add` makes one.")
    return _user(row)


def by_id(conn: Connection, user_id: int) -> User:
    return _user(conn.execute(select(users).where(users.c.id == user_id)).one())


class UserStore:
    """The users table (SQLite or PostgreSQL); every change is written to the audit log in its transaction."""

    def __init__(self, engine: Engine):
        self.engine = engine
        try:
            migrate.upgrade(engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"Cannot open the users table at {engine.url!r}: {exc.__class__.__name__}. Check --db.") from None

    def add(self, name: str, role: str) -> User:
        name = check_name(name)
        role_rank(role)
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(users).values(name=name, role=role, created_at=_now()))
                audit.append(conn, audit.Action.USER_ADDED, name, {"role": role})
        except IntegrityError:
            raise InputError(f"There is already a user {name!r}; change their role with `interdict users role {name} ROLE`.") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"Adding user {name!r} failed ({exc.__class__.__name__}); nothing was changed.") from None
        return self.get(name)

    def get(self, name: str) -> User:
        with self._reading() as conn:
            return find(conn, name)

    def all(self) -> list[User]:
        with self._reading() as conn:
            return [_user(row) for row in conn.execute(select(users).order_by(users.c.name))]

    def set_role(self, name: str, role: str) -> User:
        role_rank(role)
        return self._change(name, {"role": role}, {"role": role})

    def disable(self, name: str) -> User:
        return self._change(name, {"disabled_at": _now()}, {"disabled": True})

    def enable(self, name: str) -> User:
        return self._change(name, {"disabled_at": None}, {"disabled": False})

    def set_password(self, name: str, password: str) -> User:
        """Set (or replace) a user's web UI password; their UI sessions end (a changed password logs everyone out)."""
        if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
            raise InputError(f"A password is {MIN_PASSWORD} to {MAX_PASSWORD} characters (a few words make a good one).")
        digest = _hasher.hash(password)
        try:
            with self.engine.begin() as conn:
                user = find(conn, name)
                conn.execute(update(users).where(users.c.id == user.id).values(password_hash=digest))
                # The sessions opened with the old password end.
                conn.execute(ui_sessions.delete().where(ui_sessions.c.user_id == user.id))
                audit.append(conn, audit.Action.USER_CHANGED, name, {"password": "set"})
        except SQLAlchemyError as exc:
            raise StoreError(f"Setting the password of {name!r} failed ({exc.__class__.__name__}); nothing was changed.") from None
        return user

    def check_password(self, name: str, password: str) -> User | None:
        """The active user with this name and password, else None (unknown name, no password set, wrong, disabled)."""
        if len(password) > MAX_PASSWORD:
            return None
        with self._reading() as conn:
            row = conn.execute(select(users).where(users.c.name == name.strip())).first()
        stored = row.password_hash if row is not None and row.password_hash else None
        try:
            _hasher.verify(stored or _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or stored is None:
            return None
        user = _user(row)
        if not user.active:
            return None
        if _hasher.check_needs_rehash(stored):  # parameters raised since it was set: upgrade on a good login
            with self.engine.begin() as conn:
                conn.execute(update(users).where(users.c.id == user.id).values(password_hash=_hasher.hash(password)))
        return user

    def _change(self, name: str, values: dict[str, Any], what: dict[str, Any]) -> User:
        try:
            with self.engine.begin() as conn:
                before = find(conn, name)
                conn.execute(update(users).where(users.c.id == before.id).values(**values))
                audit.append(conn, audit.Action.USER_CHANGED, name, {"before": {"role": before.role, "disabled": not before.active}, **what})
        except SQLAlchemyError as exc:
            raise StoreError(f"Changing user {name!r} failed ({exc.__class__.__name__}); nothing was changed.") from None
        return self.get(name)

    def _reading(self) -> Any:
        return self.engine.connect()
