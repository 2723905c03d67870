"""HTTP service: yente-compatible /match, native screening endpoints, API keys.

    interdict serve --port 8000          # then: curl -H "Authorization: Bearer $KEY" ...
    from interdict.api import create_app # an ASGI app, e.g. to mount in another service

Modules: app (assembly, errors), routes_* (endpoints), examples (FtM queries →
interdict Queries), yente (response shapes), state (the index, swapped
atomically on updates), security (API keys and roles), limits (body size,
timeouts, threads), params (fast query-parameter parsing), settings, server
(running uvicorn).
"""

from .app import create_app
from .settings import ServiceSettings

__all__ = ["ServiceSettings", "create_app"]
