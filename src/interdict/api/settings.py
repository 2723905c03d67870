"""The service's settings: one table that drives `interdict serve`, the environment and the docs.

Each setting has a default, an environment variable (`INTERDICT_SERVE_` + its
name in capitals) and a help line saying what it trades off. Worker processes
started by uvicorn (`--workers N`) receive their settings through the
environment, so everything a worker needs must round-trip through `to_env`.
docs/deployment.md lists them all (a test keeps it complete).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from typing import Any

from ..errors import InputError

ENV_PREFIX = "INTERDICT_SERVE_"


def _setting(default: Any, help: str) -> Any:
    """A dataclass field carrying its help line (`HELP[name]`)."""
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class ServiceSettings:
    # --- store and access ---------------------------------------------------
    db: str | None = _setting(None, "Database URL holding the lists and the API keys (default: INTERDICT_DB or SQLite in the data home).")
    auth: bool = _setting(
        True,
        "Require an API key on every endpoint but /healthz, /readyz and the docs. Off (`serve --no-auth`) only on loopback: "
        "anyone who can connect may then screen and update the lists.",
    )
    cors_origins: tuple[str, ...] = _setting(
        (),
        "Web origins (scheme://host[:port], comma-separated) whose pages may call the API from a browser and read the answers; "
        "none by default. Each one listed can act with the key its page holds.",
    )
    allowed_hosts: tuple[str, ...] = _setting(
        (),
        "Host names a --no-auth service answers to besides localhost and loopback addresses (comma-separated). "
        "Stops DNS rebinding, where a web page renames its own host to 127.0.0.1; add a name only if a proxy forwards it.",
    )
    key_cache_seconds: float = _setting(
        5.0, "How long a verified API key is trusted before it is looked up again: longer saves database reads, a revocation takes effect within this. "
        "A /match call with a cached key takes the fast path (api/match_fast_path.py); 0 sends every call through the database."
    )
    key_usage_seconds: float = _setting(
        60.0,
        "How often the keys' last-used times are written, in one batch (best effort: a read-only store still serves). "
        "Shorter keeps `keys list` fresher and writes more often.",
    )
    # --- request limits -----------------------------------------------------
    max_body_bytes: int = _setting(1_000_000, "Largest request body, except /screen/batch (413 above it): larger lets clients send more per request, and hold more memory.")
    max_batch_body_bytes: int = _setting(64_000_000, "Largest /screen/batch body: the memory one batch request may hold.")
    max_queries: int = _setting(100, "Most queries in one /match request (400 above it; yente's YENTE_MAX_BATCH): more per request is fewer round trips, and longer waits behind it.")
    max_batch_lines: int = _setting(200_000, "Most lines in one /screen/batch request: a bigger batch saves requests and holds a connection and a thread longer.")
    max_values: int = _setting(50, "Most values of one property in a /match query: each name value is screened, so this bounds a query's cost.")
    max_value_chars: int = _setting(1_000, "Longest property value other than names (names: 500 characters): longer values cost more to clean and compare.")
    request_timeout: float = _setting(
        30.0, "Seconds a screening request may wait and run before it is answered 503: longer lets large requests finish, shorter frees threads from stuck ones."
    )
    screen_threads: int = _setting(2, "Threads per worker process that run the matcher: about one per core; more only adds GIL contention and latency.")
    inline_name_chars: int = _setting(
        100,
        "A request of one query whose names total at most this many characters is screened on the event loop, not handed to a thread "
        "(0: never): saves about a fifth of such a request's CPU; larger lets costlier work hold the loop (0.11 s at most measured at 100).",
    )
    # --- connections (uvicorn) ------------------------------------------------
    header_timeout: float = _setting(
        10.0,
        "Seconds a client has to send a request's head (request line and headers), from connecting or from its first byte on a kept-alive connection; "
        "slower connections are closed (slowloris). Lower frees sockets sooner, higher tolerates very slow links.",
    )
    keep_alive_timeout: int = _setting(
        15, "Seconds an idle kept-alive connection stays open: longer saves reconnects, shorter frees sockets. Keep it above a proxy's upstream keepalive timeout."
    )
    max_connections: int = _setting(
        4_096,
        "Open connections (or requests in flight) per worker above which new requests are answered 503 at once: caps memory under a flood; "
        "lower refuses work sooner (a flood of slow connections then blocks others until the head timeout closes them).",
    )
    max_head_bytes: int = _setting(
        100_000, "Largest request head (request line and headers) in bytes; a larger one is answered 431 and closed. Above the 60,000-byte URL limit."
    )
    backlog: int = _setting(2_048, "Connections the kernel queues before the server accepts them (listen backlog): higher absorbs bursts, each costs kernel memory.")
    forwarded_allow_ips: str = _setting(
        "127.0.0.1,::1",
        "Addresses (comma-separated, or *) of reverse proxies whose X-Forwarded-For/-Proto headers are believed (client address in logs, https URLs). "
        "Trusting more lets any such host claim any client address.",
    )
    # --- lists ----------------------------------------------------------------
    warm_caches: bool = _setting(
        True,
        "Build the relation graph and the reach-through table in the background as soon as an index is in use: the first "
        "screen and the first entity page are then as fast as the rest, at the cost of a few seconds of one core after each load.",
    )
    watch_seconds: float = _setting(60.0, "How often to look for list updates made by another process (0: never): shorter picks them up sooner, each look is a database read.")
    mirror: str | None = _setting(
        None, "Fetch list updates (/updatez) from {mirror}/{dataset}/{file} instead of the official URLs (air-gapped sites; the mirror is then trusted as the source)."
    )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ServiceSettings:
        environ = dict(os.environ if environ is None else environ)
        values: dict[str, object] = {}
        for item in fields(cls):
            raw = environ.get(env_name(item.name))
            if raw is None:
                continue
            kind = str(item.type)
            try:
                if kind.startswith("tuple"):
                    values[item.name] = tuple(part for part in re.split(r"[,\s]+", raw) if part)
                elif "bool" in kind:
                    values[item.name] = raw.strip().lower() in ("1", "true", "yes", "on")
                elif "int" in kind:
                    values[item.name] = int(raw)
                elif "float" in kind:
                    values[item.name] = float(raw)
                elif "None" in kind:
                    values[item.name] = raw or None
                else:
                    values[item.name] = raw
            except ValueError:
                raise InputError(f"{env_name(item.name)}={raw!r} is not a valid {kind}; fix or unset it.") from None
        return cls(**values)  # type: ignore[arg-type]

    def to_env(self) -> dict[str, str]:
        env: dict[str, str] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None:
                continue
            if isinstance(value, bool):
                text = "1" if value else "0"
            elif isinstance(value, tuple):
                text = ",".join(value)
            else:
                text = str(value)
            env[env_name(item.name)] = text
        return env


def env_name(setting: str) -> str:
    """The environment variable of a setting: INTERDICT_SERVE_ + its name in capitals."""
    return ENV_PREFIX + setting.upper()


HELP: dict[str, str] = {item.name: item.metadata["help"] for item in fields(ServiceSettings)}
