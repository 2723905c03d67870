"""HTTP endpoints of the document workflows (payments, manifests, shipments).

The service app includes `router`; the workflows area fills it.
"""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["workflows"])
