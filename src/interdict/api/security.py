"""API-key authentication and roles (placeholder until the HTTP service lands).

Contract other routers rely on:

    from interdict.api.security import require_role
    @router.post("/screen/payment", dependencies=[Depends(require_role("screener"))])

Roles, in increasing power: screener < analyst < admin.
"""

from __future__ import annotations

from typing import Callable


def require_role(role: str) -> Callable[[], None]:
    """FastAPI dependency that will enforce an API key of at least `role`."""

    def dependency() -> None:
        return None

    return dependency
