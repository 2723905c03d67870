"""API keys for the HTTP service: hashed secrets, roles, revocation.

A key is shown once, when it is created; the table keeps only its SHA-256, so a
copy of the database does not hand out working keys. Keys are looked up by
hash (the secret has 256 bits of entropy, so a plain hash is enough; no salt or
slow KDF is needed as it would be for passwords). A short prefix of the key is
kept so a person can tell keys apart in `interdict keys list`.

Every key belongs to a user (`store/users.py`). Roles grow in power:
screener < analyst < supervisor < admin, and a key of a role may call
everything a lower role may. A key acts with the lower of its own role and its
user's current role, so demoting or disabling a user takes effect on all the
user's keys at once. Keys made before users existed were each given a user
`key-<id>` by migration 0002; a key created without naming a user still gets
one of its own, the same way.

When a key was last used is recorded on a best-effort basis: `record_use`
notes it in memory and a background thread writes the notes in one
transaction every `usage_flush_seconds`. Writing on every key check made
every keyed request fail on a read-only store (issue 10, item 19), and cost a
write transaction per request; a lost last-used time costs nothing.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, bindparam, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..errors import InputError, NotFoundError, StoreError
from . import audit, make_engine, migrate
from .schema import api_keys, users

log = logging.getLogger("interdict.store")

ROLES = ("screener", "analyst", "supervisor", "admin")
KEY_PREFIX = "idk_"
SHOWN_PREFIX = 8  # characters of the key kept in clear to tell keys apart

@dataclass(frozen=True)
class ApiKey:
    """A stored key, without its secret."""

    id: int
    prefix: str
    role: str
    label: str
    created_at: str
    revoked_at: str | None
    last_used: str | None
    user_id: int | None = None
    user: str | None = None
    user_disabled: bool = False

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.user_disabled

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "prefix": self.prefix,
            "role": self.role,
            "label": self.label,
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
            "last_used": self.last_used,
            "user": self.user,
            "active": self.active,
        }


def role_rank(role: str) -> int:
    """Position of a role in screener < analyst < supervisor < admin."""
    try:
        return ROLES.index(role)
    except ValueError:
        raise InputError(f"Unknown role {role!r}; use one of {', '.join(ROLES)}.") from None


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _row(row: Row[Any]) -> ApiKey:
    role = row.role
    if row.user_role is not None and role_rank(row.user_role) < role_rank(role):
        role = row.user_role  # a demoted user's keys act with the user's role
    return ApiKey(
        id=row.id,
        prefix=row.prefix,
        role=role,
        label=row.label or "",
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        last_used=row.last_used,
        user_id=row.user_id,
        user=row.user_name,
        user_disabled=row.user_disabled_at is not None,
    )


def _keys_query() -> Any:
    joined = api_keys.outerjoin(users, users.c.id == api_keys.c.user_id)
    return select(api_keys, users.c.name.label("user_name"), users.c.role.label("user_role"), users.c.disabled_at.label("user_disabled_at")).select_from(joined)


class KeyStore:
    """The api_keys table in the interdict database (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine, usage_flush_seconds: float = 60.0):
        """`usage_flush_seconds`: how often recorded uses are written (0: at once, still best effort)."""
        self.engine = engine
        self.usage_flush_seconds = usage_flush_seconds
        self._uses: dict[int, str] = {}  # key id → its latest use not yet written
        self._uses_lock = threading.Lock()
        self._flusher: threading.Thread | None = None
        self._stop = threading.Event()
        self._flush_failing = False
        try:
            migrate.upgrade(engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"Cannot open the API key table at {engine.url!r}: {exc.__class__.__name__}. Check --db.") from None

    def create(self, role: str | None = None, label: str = "", user: str | None = None) -> tuple[ApiKey, str]:
        """A new key: (its record, the secret to hand over once).

        With `user`, the key belongs to that user and its role defaults to (and
        may not exceed) the user's. Without, a user `key-<id>` of `role` is made for it.
        """
        if role is None and user is None:
            raise InputError("Say whose key it is (--user NAME) or which role it has (--role ROLE).")
        if role is not None:
            role_rank(role)
        secret = KEY_PREFIX + secrets.token_urlsafe(32)
        now = _now()
        with self._writing() as conn:
            if user is not None:
                owner = conn.execute(select(users).where(users.c.name == user)).first()
                if owner is None:
                    raise NotFoundError(f"No user {user!r}; add one with `interdict users add {user} --role ROLE`.")
                if owner.disabled_at is not None:
                    raise InputError(f"User {user!r} is disabled; enable them before giving them a key.")
                role = role or owner.role
                if role_rank(role) > role_rank(owner.role):
                    raise InputError(f"User {user!r} has the {owner.role} role; their key cannot have the higher {role} role.")
                user_id = owner.id
            else:
                user_id = None
            assert role is not None
            row = {"secret_sha256": hash_secret(secret), "prefix": secret[:SHOWN_PREFIX], "role": role, "label": label.strip(), "created_at": now, "user_id": user_id}
            inserted = conn.execute(insert(api_keys).values(**row)).inserted_primary_key
            assert inserted is not None
            key_id = int(inserted[0])
            if user_id is None:
                made = conn.execute(insert(users).values(name=f"key-{key_id}", role=role, created_at=now)).inserted_primary_key
                assert made is not None
                conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(user_id=int(made[0])))
                audit.append(conn, audit.Action.USER_ADDED, f"key-{key_id}", {"role": role, "for_key": key_id})
            audit.append(conn, audit.Action.KEY_CREATED, f"key {key_id}", {"role": role, "label": label.strip(), "prefix": row["prefix"], "user": user or f"key-{key_id}"})
        return self.get(key_id), secret

    def all(self) -> list[ApiKey]:
        """Every key, revoked ones included, oldest first (no secrets: they are not stored)."""
        with self._reading() as conn:
            return [_row(row) for row in conn.execute(_keys_query().order_by(api_keys.c.id))]

    def get(self, key_id: int) -> ApiKey:
        with self._reading() as conn:
            row = conn.execute(_keys_query().where(api_keys.c.id == key_id)).first()
        if row is None:
            raise NotFoundError(f"No API key with id {key_id}; `interdict keys list` shows the ids.")
        return _row(row)

    def revoke(self, key_id: int) -> ApiKey:
        """Revoke a key (idempotent: revoking twice keeps the first time)."""
        key = self.get(key_id)
        if key.revoked_at is None:
            with self._writing() as conn:
                conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(revoked_at=_now()))
                audit.append(conn, audit.Action.KEY_REVOKED, f"key {key_id}", {"prefix": key.prefix, "user": key.user})
        return self.get(key_id)

    def verify(self, secret: str) -> ApiKey | None:
        """The active key with this secret, or None (unknown or revoked)."""
        if not secret or len(secret) > 200:
            return None
        with self._reading() as conn:
            row = conn.execute(_keys_query().where(api_keys.c.secret_sha256 == hash_secret(secret))).first()
        if row is None:
            return None
        key = _row(row)
        return key if key.active else None

    def touch(self, key_id: int) -> None:
        """Write now that a key was used now (StoreError if the store cannot be written). Servers use `record_use`."""
        with self._writing() as conn:
            conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(last_used=_now()))

    # --- last-used times, in batches ----------------------------------------

    def record_use(self, key_id: int) -> None:
        """Note that a key was used now; written with the next batch. Never raises, never waits for the database."""
        with self._uses_lock:
            self._uses[key_id] = _now()
            if self.usage_flush_seconds > 0 and self._flusher is None:
                self._flusher = threading.Thread(target=self._flush_periodically, name="interdict-key-usage", daemon=True)
                self._flusher.start()
        if self.usage_flush_seconds <= 0:
            self.flush_uses()

    def flush_uses(self) -> int:
        """Write the noted uses in one transaction; how many were written.

        Best effort: a failure (a read-only store, a lost connection) is logged
        once, until a later flush succeeds; the uses are kept for that flush.
        """
        with self._uses_lock:
            pending, self._uses = self._uses, {}
        if not pending:
            return 0
        statement = update(api_keys).where(api_keys.c.id == bindparam("key_id")).values(last_used=bindparam("used"))
        try:
            with self._writing() as conn:
                conn.execute(statement, [{"key_id": key_id, "used": used} for key_id, used in pending.items()])
        except StoreError as exc:
            with self._uses_lock:
                for key_id, used in pending.items():
                    self._uses.setdefault(key_id, used)  # a newer use noted meanwhile wins
            if not self._flush_failing:
                self._flush_failing = True
                log.warning("API keys' last-used times are not being recorded (requests are unaffected): %s", exc)
            return 0
        if self._flush_failing:
            self._flush_failing = False
            log.info("API keys' last-used times are recorded again")
        return len(pending)

    def close(self) -> None:
        """Stop the background writer and write what is pending (best effort)."""
        self._stop.set()
        if self._flusher is not None:
            self._flusher.join(timeout=5)
        self.flush_uses()

    def _flush_periodically(self) -> None:
        while not self._stop.wait(self.usage_flush_seconds):
            try:
                self.flush_uses()
            except Exception:  # the writer must outlive any surprise; requests never see it
                log.exception("recording API key uses failed")

    # --- connections --------------------------------------------------------

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"Reading the API key table at {self.engine.url!r} failed: {exc.__class__.__name__}. Check --db.") from None

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(f"Writing the API key table at {self.engine.url!r} failed: {exc.__class__.__name__}. Check --db.") from None


def open_keys(url: str | None = None) -> KeyStore:
    return KeyStore(make_engine(url))
