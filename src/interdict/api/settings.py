"""The service's settings: one table that drives `interdict serve`, the environment and the docs.

Each setting has a default, an environment variable and a help line. Worker
processes started by uvicorn (`--workers N`) receive their settings through the
environment, so everything a worker needs must round-trip through `to_env`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields

from ..errors import InputError

ENV_PREFIX = "INTERDICT_SERVE_"


@dataclass(frozen=True)
class ServiceSettings:
    db: str | None = None
    auth: bool = True
    max_body_bytes: int = 1_000_000
    max_batch_body_bytes: int = 64_000_000
    max_queries: int = 100
    max_batch_lines: int = 200_000
    max_values: int = 50
    max_value_chars: int = 1_000
    request_timeout: float = 30.0
    screen_threads: int = 2
    inline_queries: int = 1
    key_cache_seconds: float = 5.0
    watch_seconds: float = 60.0
    mirror: str | None = None

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ServiceSettings:
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for item in fields(cls):
            raw = environ.get(ENV_PREFIX + item.name.upper())
            if raw is None:
                continue
            kind = str(item.type)
            try:
                if "bool" in kind:
                    values[item.name] = raw.strip().lower() in ("1", "true", "yes", "on")
                elif "int" in kind:
                    values[item.name] = int(raw)
                elif "float" in kind:
                    values[item.name] = float(raw)
                else:
                    values[item.name] = raw or None
            except ValueError:
                raise InputError(f"{ENV_PREFIX}{item.name.upper()}={raw!r} is not a valid {kind}; fix or unset it.") from None
        return cls(**values)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        env: dict[str, str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None:
                continue
            env[ENV_PREFIX + item.name.upper()] = ("1" if value else "0") if isinstance(value, bool) else str(value)
        return env


HELP = {
    "db": "Database URL holding the lists and the API keys (default: INTERDICT_DB or SQLite in the data home).",
    "auth": "Require an API key on every endpoint but /healthz and /readyz.",
    "max_body_bytes": "Largest request body, except /screen/batch (413 above it).",
    "max_batch_body_bytes": "Largest /screen/batch body.",
    "max_queries": "Most queries in one /match request (400 above it; yente's YENTE_MAX_BATCH).",
    "max_batch_lines": "Most lines in one /screen/batch request.",
    "max_values": "Most values of one property in a /match query.",
    "max_value_chars": "Longest property value other than names (names: 500 characters).",
    "request_timeout": "Seconds a screening request may take before it is answered 503.",
    "screen_threads": "Threads per worker process that run the matcher (more only adds GIL contention).",
    "inline_queries": "Requests of at most this many queries are screened on the event loop, skipping the thread hand-over (0: never).",
    "key_cache_seconds": "How long a verified API key is trusted before it is looked up again (a revocation takes effect within this).",
    "watch_seconds": "How often to look for list updates made by another process (0: never).",
    "mirror": "Fetch list updates (/updatez) from {mirror}/{dataset}/{file} instead of the official URLs.",
}
