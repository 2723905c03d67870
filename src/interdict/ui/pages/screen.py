"""Page 1 — screen a party: /ui/screen (placeholder until the page lands)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from ...store.users import User
from ..web import page_user, render

router = APIRouter(prefix="/ui")


@router.get("/screen")
def screen_page(request: Request, user: User = Depends(page_user("screener"))) -> HTMLResponse:
    return render(request, "screen/page.html", {})
