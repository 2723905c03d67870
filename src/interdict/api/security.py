"""API-key authentication and roles.

Contract other routers rely on:

    from interdict.api.security import require_role
    @router.post("/screen/payment", dependencies=[Depends(require_role("screener"))])

or, to know who called, `principal: Principal = Depends(require_role("analyst"))`.

Roles, in increasing power: screener < analyst < supervisor < admin. A key is sent as
`Authorization: Bearer <key>` or `X-API-Key: <key>`; keys are made with
`interdict keys create --role ROLE` and stored hashed (store/keys.py). With
`interdict serve --no-auth` every request acts as an anonymous admin.

Failures follow yente's error shape: 401 `{"detail": ...}` (with
`WWW-Authenticate: Bearer`) for a missing, unknown or revoked key, 403 for a
key whose role is too low.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache

import anyio
from fastapi import HTTPException, Request, Security
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from fastapi.security.utils import get_authorization_scheme_param

from ..store.keys import ROLES, ApiKey, role_rank
from .state import ServiceState

_bearer = HTTPBearer(auto_error=False, description="An interdict API key: `Authorization: Bearer idk_...`.")
_header = APIKeyHeader(name="X-API-Key", auto_error=False, description="An interdict API key in the X-API-Key header.")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's id, role, label and user (id and user None with --no-auth)."""

    key_id: int | None
    role: str
    label: str
    user: str | None = None

    @property
    def name(self) -> str:
        return f"key {self.key_id} ({self.label})" if self.key_id is not None else "anonymous (--no-auth)"


ANONYMOUS = Principal(key_id=None, role="admin", label="no-auth")


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(status_code=401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


@cache
def require_role(role: str) -> Callable[..., Awaitable[Principal]]:
    """FastAPI dependency: the caller's Principal, if its key has at least `role`."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; use one of {', '.join(ROLES)}")
    needed = role_rank(role)

    async def dependency(
        request: Request,
        bearer: HTTPAuthorizationCredentials | None = Security(_bearer),
        api_key: str | None = Security(_header),
    ) -> Principal:
        state = request.app.state.service
        if not state.settings.auth:
            request.state.principal = ANONYMOUS
            return ANONYMOUS
        secret = bearer.credentials if bearer is not None else api_key
        if not secret:
            raise _unauthorized(
                "Missing API key: send it as 'Authorization: Bearer <key>' or 'X-API-Key: <key>'. "
                "An administrator creates keys with `interdict keys create --role screener`."
            )
        secret = secret.strip()
        key = state.cached_key(secret) or await anyio.to_thread.run_sync(state.authenticate, secret)
        if key is None:
            raise _unauthorized("Invalid or revoked API key; ask an administrator for a new one (`interdict keys create`).")
        if role_rank(key.role) < needed:
            raise HTTPException(
                status_code=403,
                detail=f"This endpoint needs a key with the {role} role; key {key.id} ({key.prefix}…) has the {key.role} role.",
            )
        principal = _principal(key)
        request.state.principal = principal
        return principal

    dependency.__name__ = f"require_{role}"
    return dependency


def _principal(key: ApiKey) -> Principal:
    return Principal(key_id=key.id, role=key.role, label=key.label, user=key.user)


def known_caller(state: ServiceState, authorization: str | None, api_key: str | None, role: str) -> Principal | None:
    """The caller, when it is settled without a database read and has at least `role`: the service runs without
    keys, or the key was verified within key_cache_seconds. None for anything else (no key, an unknown, revoked or
    uncached key, a role too low): `require_role` then answers, with the lookup, 401 or 403.

    `authorization` and `api_key` are the raw Authorization and X-API-Key headers, read as `require_role` reads them.
    """
    if not state.settings.auth:
        return ANONYMOUS
    scheme, credentials = get_authorization_scheme_param(authorization)
    secret = credentials if authorization and scheme.lower() == "bearer" and credentials else api_key
    key = state.cached_key(secret.strip()) if secret and secret.strip() else None
    if key is None or role_rank(key.role) < role_rank(role):
        return None
    return _principal(key)
