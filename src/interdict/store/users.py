"""The people who use interdict: a name and a role each; API keys and decisions belong to them.

Four-eyes needs identities, not keys: a decision names the user who proposed
it and the one who checked it, and the decisions table itself refuses a row
where they are the same (`maker_is_not_checker`). Roles are those of
`store.keys` (screener < analyst < supervisor < admin). A user is disabled,
never deleted, so old decisions keep naming them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from ..errors import InputError, NotFoundError, StoreError
from . import audit, migrate
from .keys import role_rank
from .schema import users

MAX_NAME = 100


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
