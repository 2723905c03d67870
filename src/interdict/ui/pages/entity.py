"""Page 5, one entry: /ui/entities/{id} — a thin wrapper over `interdict.profile.entity_profile`.

What the lists say (the entry's FtM properties, as /entities/{id} serves
them) with provenance; its cross-list cluster; and its ownership graph, drawn
here as inline SVG in tiers (owners above, holdings below) with the same
parties in a table beside it, since a drawing alone is neither keyboard- nor
screen-reader-friendly. The cluster comes from the full resolution when a gap
report has computed it; otherwise a button resolves around this entry (about
ten seconds, in a thread behind a self-reloading page, kept per list
generation).
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup, escape

from ...errors import NotFoundError
from ...gaps.cluster import Basis, cached_full, resolve_around
from ...gaps.resolution import Resolution
from ...profile import entity_profile
from ...relations.tiers import Tiers
from ..report_jobs import Jobs, Progress
from ..web import page_user, render, service

router = APIRouter(prefix="/ui")
VIEW_ROLE = "screener"
clusters: Jobs[Resolution] = Jobs(keep=64)
_resolving = threading.Lock()  # one resolution around an entry at a time: each is seconds of CPU
_full: dict[str, Resolution] = {}  # build key → the full resolution, once a gap report has cached it

BOX_W, BOX_H, GAP_X, GAP_Y, MARGIN = 210, 58, 24, 70, 16
CAPTION_CHARS = 30


def entity_href(entity_id: str) -> str:
    return "/ui/entities/" + quote(entity_id, safe="")


def _full_resolution(screener: Any) -> Resolution | None:
    key = screener.build_key
    if key not in _full:
        found = cached_full(screener)
        if found is None:
            return None
        _full.clear()
        _full[key] = found
    return _full[key]


def _short(text: str) -> str:
    return text if len(text) <= CAPTION_CHARS else text[: CAPTION_CHARS - 1] + "…"


def graph_svg(tiers: Tiers, href: Any = entity_href) -> Markup:
    """Owners above, holdings below: one row of boxes per tier, an arrow from owner to holding labelled with the share.

    Every text is escaped; listed parties are links to their page; each box says in words whether it is listed,
    so colour is never the only signal.
    """
    levels = sorted(tiers.nodes)
    widest = max(len(nodes) for nodes in tiers.nodes.values())
    width = MARGIN * 2 + widest * BOX_W + (widest - 1) * GAP_X
    height = MARGIN * 2 + len(levels) * BOX_H + (len(levels) - 1) * GAP_Y
    place: dict[str, tuple[float, float]] = {}
    for row, level in enumerate(levels):
        nodes = tiers.nodes[level]
        span = len(nodes) * BOX_W + (len(nodes) - 1) * GAP_X
        left = (width - span) / 2
        for index, node in enumerate(nodes):
            place[node.id] = (left + index * (BOX_W + GAP_X), MARGIN + row * (BOX_H + GAP_Y))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="entity-graph" role="img" aria-labelledby="graph-title" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="12">',
        f'<title id="graph-title">Owners above and holdings below {escape(tiers.nodes[0][0].caption)}; the table below lists the same parties</title>',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M 0 0 L 10 5 L 0 10 z" fill="#333"/></marker></defs>',
    ]
    for edge in tiers.edges:
        if edge.owner not in place or edge.asset not in place:
            continue
        (ox, oy), (ax, ay) = place[edge.owner], place[edge.asset]
        x1, y1, x2, y2 = ox + BOX_W / 2, oy + BOX_H, ax + BOX_W / 2, ay
        if ay <= oy:  # an edge back up a tier (a cycle): from the owner's top to the holding's bottom
            y1, y2 = oy, ay + BOX_H
        label = escape(edge.describe())
        parts.append(f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" stroke="#333" marker-end="url(#arrow)"/>')
        parts.append(
            f'<text x="{(x1 + x2) / 2 + 4:.0f}" y="{(y1 + y2) / 2:.0f}" class="edge-label" paint-order="stroke" stroke="#fff" stroke-width="3">{label}</text>'
        )
    for level in levels:
        for node in tiers.nodes[level]:
            x, y = place[node.id]
            centre = node.id == tiers.centre
            fill = "#fde8c8" if centre else ("#e3ecf7" if node.listed else "#f3f3f3")
            kind = "this entry" if centre else ("listed" if node.listed else "not listed")
            blocked = sorted(code for code, state in node.status.items() if state in ("designated", "blocked"))
            status = f"{kind}; blocked in {', '.join(blocked)}" if blocked else f"{kind}; no block via links"
            box = (
                f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{fill}" stroke="#333" stroke-width="{2 if centre else 1}"/>'
                f'<text x="{x + 8:.0f}" y="{y + 20:.0f}" font-weight="bold">{escape(_short(node.caption))}</text>'
                f'<text x="{x + 8:.0f}" y="{y + 38:.0f}">{escape(_short(status))}</text>'
                f"<title>{escape(node.caption)} ({escape(node.id)}): {escape(status)}</title>"
            )
            if node.listed and not centre:
                parts.append(f'<a href="{escape(href(node.id))}">{box}</a>')
            else:
                parts.append(box)
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through markupsafe.escape


@router.get("/entities/{entity_id}", response_class=HTMLResponse)
def entity_page(request: Request, entity_id: str, resolve: bool = Query(False), user: Any = Depends(page_user(VIEW_ROLE))) -> HTMLResponse:
    """Everything the lists say about one entry, with provenance, its cross-list cluster and its ownership graph."""
    generation = service(request).current()
    screener = generation.screener
    if len(entity_id) > 300 or screener.position(entity_id) is None:
        return render(request, "entity/missing.html", {"entity_id": entity_id[:300]}, status=404)
    resolution = _full_resolution(screener)
    basis = Basis.FULL
    job = None
    if resolution is None:
        basis = Basis.FOCUSED
        key = (generation.key, entity_id)
        job = clusters.peek(key)
        if job is None and resolve:

            def work(progress: Progress) -> Resolution:
                progress("waiting for another entry's resolution", 0, 0)
                with _resolving:
                    progress("resolving", 0, 0)
                    return resolve_around(screener, entity_id)

            job = clusters.start(key, work)
        if job is not None and job.result is not None:
            resolution = job.result
    try:
        profile = entity_profile(screener, generation.snapshots, entity_id, resolution, basis)
    except NotFoundError:
        return render(request, "entity/missing.html", {"entity_id": entity_id[:300]}, status=404)
    tiers = profile.tiers if profile.tiers is not None and not profile.tiers.empty else None
    return render(
        request,
        "entity/page.html",
        {
            "profile": profile,
            "entity": profile.entity,
            "job": job,
            "refresh": 2,
            "graph": graph_svg(tiers) if tiers is not None and tiers.edges else None,
            "tiers": tiers,
            "captions": {node.id: node.caption for nodes in tiers.nodes.values() for node in nodes} if tiers is not None else {},
            "entity_href": entity_href,
            "resolve_href": entity_href(entity_id) + "?resolve=1",
        },
    )
