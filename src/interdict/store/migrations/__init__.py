"""The store's alembic migrations (package data: `env.py` and `versions/`), run by `store.migrate`."""
