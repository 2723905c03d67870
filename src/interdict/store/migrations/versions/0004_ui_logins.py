"""Web UI logins: a password hash on each user, and server-side sessions.

Revision ID: 0004
Revises: 0003

`users.password_hash` holds an argon2id hash (NULL: the user cannot log in to
the web UI until `interdict users passwd NAME` sets one). `ui_sessions` holds
one row per logged-in browser: the SHA-256 of the cookie's random token (never
the token), the user, the session's CSRF token and its times.

Re-runnable like 0002 and 0003: each step adds only what is missing, so a run
cut short on SQLite (whose DDL commits as it goes) is finished by the next.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if "password_hash" not in {column["name"] for column in sa.inspect(bind).get_columns("users")}:
        op.add_column("users", sa.Column("password_hash", sa.String(200)))  # a plain ADD COLUMN: no table copy on SQLite
    if "ui_sessions" not in sa.inspect(bind).get_table_names():
        op.create_table(
            "ui_sessions",
            sa.Column("token_sha256", sa.String(64), primary_key=True),
            sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", name="ui_sessions_user"), nullable=False),
            sa.Column("csrf", sa.String(64), nullable=False),
            sa.Column("created_at", sa.String(32), nullable=False),
            sa.Column("last_seen_at", sa.String(32), nullable=False),
            sa.Column("expires_at", sa.String(32), nullable=False),
            sa.Column("flash", sa.Text),
        )
    if "ui_sessions_by_expiry" not in {index["name"] for index in sa.inspect(bind).get_indexes("ui_sessions")}:
        op.create_index("ui_sessions_by_expiry", "ui_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_table("ui_sessions")
    op.drop_column("users", "password_hash")
