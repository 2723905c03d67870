"""Web UI sessions, held in the store: a browser's cookie carries a random token, the table its SHA-256.

Server-side so a logout, a disabled user or a changed password ends the
session at once, on every worker process (`serve --workers N`), and a copy of
the database logs nobody in. A session lasts `idle` without use and at most
`lifetime` in all; `last_seen_at` is written at most once a minute, so a busy
page does not write on every request. Each session has its own CSRF token,
checked on every form the UI posts.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from . import migrate
from .schema import ui_sessions, users
from .users import User, by_id

IDLE = timedelta(hours=1)
LIFETIME = timedelta(hours=12)
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Session:
    token_sha256: str
    user: User
    csrf: str
    expires_at: str
    flash: str | None


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def _iso(moment: datetime) -> str:
    return moment.replace(microsecond=0).isoformat()


class SessionStore:
    """The `ui_sessions` table (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine, idle: timedelta = IDLE, lifetime: timedelta = LIFETIME):
        self.engine = engine
        self.idle = idle
        self.lifetime = lifetime
        try:
            migrate.upgrade(engine)
        except SQLAlchemyError as exc:
            raise StoreError(f"Cannot open the sessions table at {engine.url!r}: {exc.__class__.__name__}. Check --db.") from None

    def open(self, user: User) -> tuple[str, Session]:
        """A new session for `user`: (the cookie's token, the session). Expired sessions are swept on the way."""
        token = secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        values: dict[str, Any] = {
            "token_sha256": token_digest(token),
            "user_id": user.id,
            "csrf": secrets.token_urlsafe(32),
            "created_at": _iso(now),
            "last_seen_at": _iso(now),
            "expires_at": _iso(now + self.idle),
        }
        with self.engine.begin() as conn:
            conn.execute(delete(ui_sessions).where(ui_sessions.c.expires_at < _iso(now)))
            conn.execute(insert(ui_sessions).values(**values))
        return token, Session(values["token_sha256"], user, values["csrf"], values["expires_at"], None)

    def find(self, token: str) -> Session | None:
        """The live session of this token with its (active) user, else None; extends its idle expiry."""
        if not token or len(token) > 200:
            return None
        digest = token_digest(token)
        now = datetime.now(UTC)
        with self.engine.connect() as conn:
            row = conn.execute(select(ui_sessions).where(ui_sessions.c.token_sha256 == digest)).first()
            if row is None or row.expires_at < _iso(now):
                return None
            user = by_id(conn, row.user_id)
        if not user.active:
            return None
        created = datetime.fromisoformat(row.created_at)
        if now - datetime.fromisoformat(row.last_seen_at) >= TOUCH_EVERY:
            expires = min(now + self.idle, created + self.lifetime)
            with self.engine.begin() as conn:
                conn.execute(update(ui_sessions).where(ui_sessions.c.token_sha256 == digest).values(last_seen_at=_iso(now), expires_at=_iso(expires)))
            return Session(digest, user, row.csrf, _iso(expires), row.flash)
        return Session(digest, user, row.csrf, row.expires_at, row.flash)

    def close(self, token_sha256: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(ui_sessions).where(ui_sessions.c.token_sha256 == token_sha256))

    def set_flash(self, token_sha256: str, message: str | None) -> None:
        """A message shown once, on the next page this session renders (e.g. "Alert 12 recorded")."""
        with self.engine.begin() as conn:
            conn.execute(update(ui_sessions).where(ui_sessions.c.token_sha256 == token_sha256).values(flash=message[:2000] if message else None))

    def count(self, user_name: str) -> int:
        """Live sessions of one user (for tests and the admin's view)."""
        now = _iso(datetime.now(UTC))
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(ui_sessions.c.token_sha256).join(users, users.c.id == ui_sessions.c.user_id).where(users.c.name == user_name, ui_sessions.c.expires_at >= now)
            ).all()
        return len(rows)
