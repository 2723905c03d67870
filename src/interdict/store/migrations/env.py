"""Alembic's entry point for interdict: always run from `store.migrate.upgrade` on a connection it holds.

There is no alembic.ini: the store is migrated when interdict opens it, on the
connection that holds the migration lock, so the revision applied and the lock
are one.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
context.configure(connection=connection, render_as_batch=True, transaction_per_migration=True)
with context.begin_transaction():
    context.run_migrations()
