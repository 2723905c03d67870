"""The effectiveness report as one self-contained HTML page for a supervisor or an auditor.

No script, stylesheet, font or image from the network: the sweep chart is
inline SVG and the styles are in the page, so it opens offline and archives as
it is. Every value that comes from a list or a name (and so may be hostile) is
escaped; numbers are formatted here.
"""

from __future__ import annotations

from html import escape
from typing import Any

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222;line-height:1.4}
h1{font-size:1.5rem}h2{margin-top:2.5rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}
th{background:#f3f3f3;text-align:left}td.n{text-align:right;white-space:nowrap}
.note{background:#fff8e1;padding:.5rem 1rem;border-left:4px solid #f0b400}.bad{color:#b00020}.good{color:#2d6a1f}
.wide{max-width:100%;overflow-x:auto}.small{font-size:.85em;color:#555}figure svg{max-width:100%;height:auto}
.big{font-size:1.4rem;font-weight:bold}
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _ci(value: Any) -> str:
    return f"{_pct(value[0])}–{_pct(value[1])}" if isinstance(value, (list, tuple)) and len(value) == 2 else "–"


def _change(value: float | None, higher_is_better: bool = True) -> str:
    if value is None:
        return "–"
    if value == 0:
        return "±0"
    good = (value > 0) == higher_is_better
    return f'<span class="{"good" if good else "bad"}">{value * 100:+.1f} pts</span>'


def _table(head: list[str], rows: list[list[str]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    cells = "".join(f"<th>{_e(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f'<td class="n">{c}</td>' if i in numeric else f"<td>{c}</td>" for i, c in enumerate(row)) + "</tr>" for row in rows)
    return f'<div class="wide"><table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table></div>'


def sweep_svg(points: list[dict[str, Any]]) -> str:
    """Hit rate and false-alert rate against the threshold, the threshold in force marked."""
    width, height, left, right, top, bottom = 640, 340, 56, 20, 40, 44  # the legend sits above the plot, clear of the lines
    plot_w, plot_h = width - left - right, height - top - bottom
    thresholds = [p["threshold"] for p in points] or [0.5, 1.0]
    low, high = min(thresholds), max(thresholds)
    span = (high - low) or 1.0

    def x(t: float) -> float:
        return left + (t - low) / span * plot_w

    def y(rate: float) -> float:
        return top + (1 - rate) * plot_h

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="Hit rate and false-alert rate by threshold">']
    parts.append(f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fafafa" stroke="#999"/>')
    for tick in range(0, 11, 2):
        rate = tick / 10
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y(rate):.1f}" y2="{y(rate):.1f}" stroke="#e3e3e3"/>')
        parts.append(f'<text x="{left - 6}" y="{y(rate) + 4:.1f}" font-size="11" text-anchor="end">{tick * 10}%</text>')
    for t in thresholds:
        parts.append(f'<text x="{x(t):.1f}" y="{top + plot_h + 16}" font-size="10" text-anchor="middle">{t:.2f}</text>')
    parts.append(f'<text x="{left + plot_w / 2}" y="{height - 6}" font-size="12" text-anchor="middle">match threshold</text>')
    for key, colour, label in (("hit_rate", "#1f5fa8", "hit rate (variants caught)"), ("false_alert_rate", "#c0392b", "false-alert rate (controls)")):
        line = [(x(p["threshold"]), y(p[key])) for p in points if p.get(key) is not None]
        if line:
            parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2.5" points="{" ".join(f"{a:.1f},{b:.1f}" for a, b in line)}"/>')
            parts += [f'<circle cx="{a:.1f}" cy="{b:.1f}" r="3" fill="{colour}"/>' for a, b in line]
        offset = left + (0 if key == "hit_rate" else 240)
        parts.append(f'<rect x="{offset}" y="12" width="12" height="4" fill="{colour}"/>')
        parts.append(f'<text x="{offset + 18}" y="17" font-size="11">{_e(label)}</text>')
    for p in points:
        if p.get("operating_point"):
            px = x(p["threshold"])
            anchor = "start" if px < width * 0.3 else "end" if px > width * 0.7 else "middle"  # the label stays on the page
            parts.append(f'<line x1="{px:.1f}" x2="{px:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#333" stroke-dasharray="5,4"/>')
            parts.append(
                f'<text x="{px:.1f}" y="{top - 6}" font-size="11" text-anchor="{anchor}">in force: {p["threshold"]:.2f} '
                f"({_pct(p.get('hit_rate'))} caught, {_pct(p.get('false_alert_rate'))} false alerts)</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def tradeoff_svg(points: list[dict[str, Any]]) -> str:
    """Hit rate against false-alert rate, one point per threshold (labelled), the one in force marked."""
    size, margin = 320, 48
    plot = size - 2 * margin
    shown = [p for p in points if p.get("hit_rate") is not None and p.get("false_alert_rate") is not None]

    def x(rate: float) -> float:
        return margin + rate * plot

    def y(rate: float) -> float:
        return margin / 2 + (1 - rate) * plot

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" aria-label="Hit rate against false-alert rate">']
    parts.append(f'<rect x="{margin}" y="{margin / 2}" width="{plot}" height="{plot}" fill="#fafafa" stroke="#999"/>')
    for tick in range(0, 11, 5):
        rate = tick / 10
        parts.append(f'<text x="{margin - 6}" y="{y(rate) + 4:.1f}" font-size="10" text-anchor="end">{tick * 10}%</text>')
        parts.append(f'<text x="{x(rate):.1f}" y="{margin / 2 + plot + 14}" font-size="10" text-anchor="middle">{tick * 10}%</text>')
    parts.append(f'<text x="{margin + plot / 2}" y="{size - 6}" font-size="11" text-anchor="middle">false-alert rate (controls)</text>')
    parts.append(f'<text x="12" y="{margin / 2 + plot / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 12 {margin / 2 + plot / 2})">hit rate (variants)</text>')
    if shown:
        line = " ".join(f"{x(p['false_alert_rate']):.1f},{y(p['hit_rate']):.1f}" for p in shown)
        parts.append(f'<polyline fill="none" stroke="#1f5fa8" stroke-width="2" points="{line}"/>')
    for p in shown:
        px, py = x(p["false_alert_rate"]), y(p["hit_rate"])
        if p.get("operating_point"):
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="6" fill="none" stroke="#333" stroke-width="2"/>')
        parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="#1f5fa8"/>')
        parts.append(f'<text x="{px + 5:.1f}" y="{py + 12:.1f}" font-size="9" fill="#555">{p["threshold"]:.2f}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _missed_rows(missed: list[dict[str, Any]]) -> str:
    rows = [
        [
            _e(m.get("variant")),
            _e(m.get("source_name")),
            f"{_e(m.get('entity_id'))}<br><span class=small>{_e(m.get('dataset'))} · {_e(m.get('schema'))}</span>",
            _e(m.get("detail")),
            "not among candidates" if m.get("source_score") is None else f"{m['source_score']:.2f}",
            _e(m.get("best_match")) + (f" ({m['best_score']:.2f})" if m.get("best_score") is not None else ""),
            "good-guy list" if m.get("suppressed") else _e(m.get("error") or ""),
        ]
        for m in missed
    ]
    return _table(["screened as", "listed as", "entry", "how", "entry's score", "best candidate", "note"], rows)


def render(report: dict[str, Any]) -> str:
    summary = report["summary"]
    config = report["configuration"]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(report.get('title'))}</title><style>{STYLE}</style></head><body>",
        f"<h1>{_e(report.get('title'))}</h1>",
        (
            f'<p class="small">Generated {_e(report.get("generated_at"))} by interdict {_e(report["tool"]["version"])} · '
            f"inputs sha256 <code>{_e(report.get('input_sha256'))}</code> (the same for a run with the same settings, seed, lists and tool)</p>"
        ),
    ]
    if report.get("missing_lists"):
        out.append(f'<p class="note">Screened WITHOUT list(s) that should be loaded: {_e(", ".join(report["missing_lists"]))}.</p>')
    out.append(
        "<h2>Summary</h2>"
        f'<p><span class="big">{_pct(summary["hit_rate"])}</span> of {summary["variants"]:,} name variants caught '
        f"(95% interval {_ci(summary.get('ci95'))}) at threshold {config['threshold']:.2f}; "
        f'<span class="big">{_pct(summary["false_alert_rate"])}</span> of {summary["controls"]:,} control names raised a false alert '
        f"(95% interval {_ci(summary.get('false_alert_ci95'))}).</p>"
        f"<p>{summary['not_applicable']:,} (entry, category) pairs were not applicable (the category cannot rewrite that entry's names; "
        f"counted below, never dropped); {summary['errors']:,} names could not be screened; "
        f"{summary['controls_excluded']:,} control name(s) were left out because a list names them exactly.</p>"
    )
    changes = report.get("changes")
    if changes:
        out.append("<h2>Changes since the last review</h2>")
        out.append(
            f"<p>Compared with the report of {_e(changes.get('previous_generated_at'))} "
            f"({'same inputs' if changes.get('same_inputs') else 'different inputs'}): hit rate {_pct(changes['hit_rate']['old'])} → "
            f"{_pct(changes['hit_rate']['new'])} ({_change(changes['hit_rate']['change'])}); false-alert rate "
            f"{_pct(changes['false_alert_rate']['old'])} → {_pct(changes['false_alert_rate']['new'])} "
            f"({_change(changes['false_alert_rate']['change'], higher_is_better=False)}).</p>"
        )
        if changes["settings"]:
            out.append(_table(["setting", "before", "now"], [[_e(s["setting"]), _e(s["old"]), _e(s["new"])] for s in changes["settings"]]))
        if changes["lists"]:
            out.append(_table(["list changed", "published before", "published now", "sha256 now"],
                              [[_e(c["dataset"]), _e(c["old_published"]), _e(c["new_published"]), f"<code>{_e(c['new_sha256'])}</code>"] for c in changes["lists"]]))
        rows = [[_e(c["category"]), _pct(c["old"]), _pct(c["new"]), _change(c["change"])] for c in changes["categories"]]
        rows += [[_e(c["dataset"]), _pct(c["old"]), _pct(c["new"]), _change(c["change"])] for c in changes["lists_hit_rate"]]
        rows += [[_e(c["schema"]), _pct(c["old"]), _pct(c["new"]), _change(c["change"])] for c in changes["schemas"]]
        out.append(_table(["category / list / schema", "hit rate before", "now", "change"], rows, {1, 2, 3}))

    out.append("<h2>Hit rate per category</h2>")
    rows = [
        [
            f"<b>{_e(c['label'])}</b><br><span class=small>{_e(c['tests'])}</span>",
            f"{c['variants']:,}",
            f"{c['caught']:,}",
            _pct(c["hit_rate"]),
            _ci(c.get("ci95")),
            f"{c['not_applicable']:,}",
            f"{c['suppressed']:,}",
        ]
        for c in report["categories"]
    ]
    out.append(_table(["category", "variants", "caught", "hit rate", "95% interval", "not applicable", "suppressed"], rows, {1, 2, 3, 4, 5, 6}))
    out.append("<h2>Hit rate per list and per schema</h2>")
    out.append(_table(["list", "variants", "caught", "hit rate", "95% interval"],
                      [[_e(r["dataset"]), f"{r['variants']:,}", f"{r['caught']:,}", _pct(r["hit_rate"]), _ci(r.get("ci95"))] for r in report["by_list"]], {1, 2, 3, 4}))
    out.append(_table(["schema", "variants", "caught", "hit rate", "95% interval"],
                      [[_e(r["schema"]), f"{r['variants']:,}", f"{r['caught']:,}", _pct(r["hit_rate"]), _ci(r.get("ci95"))] for r in report["by_schema"]], {1, 2, 3, 4}))
    datasets = [r["dataset"] for r in report["by_list"]]
    cells = {(r["category"], r["dataset"]): r for r in report["by_category_list"]}
    matrix = [
        [_e(c["category"])] + [(f'{_pct(cells[(c["category"], d)]["hit_rate"])} <span class=small>n={cells[(c["category"], d)]["variants"]}</span>' if (c["category"], d) in cells else "–") for d in datasets]
        for c in report["categories"]
    ]
    out.append("<h3>Category × list</h3>" + _table(["category"] + datasets, matrix, set(range(1, len(datasets) + 1))))

    out.append("<h2>Weakest categories: what was missed</h2>")
    if not report["weakest"]:
        out.append("<p>Every variant was caught.</p>")
    for weak in report["weakest"]:
        out.append(f"<h3>{_e(weak['label'])} — {_pct(weak['hit_rate'])} caught</h3>")
        out.append(_missed_rows(weak["missed"]))

    alerts = report["false_alerts"]
    out.append("<h2>False alerts on control names</h2>")
    out.append(
        f"<p>{alerts['alerts']:,} of {alerts['controls']:,} control names ({_pct(alerts['rate'])}) matched a listed entry. The controls are common "
        "given names and surnames of the cultures the lists' names come from, so they share words with listed names on purpose.</p>"
    )
    out.append(_table(["culture (script, schema)", "controls", "false alerts", "rate"],
                      [[_e(g["group"]), str(g["controls"]), str(g["alerts"]), _pct(g["alerts"] / g["controls"] if g["controls"] else None)] for g in alerts["by_culture"]], {1, 2, 3}))
    if alerts["examples"]:
        out.append("<h3>Examples</h3>" + _table(["control name", "culture", "matched", "score"],
                                                [[_e(a["control"]), _e(a["culture"]), _e(a["matched"]), _e(a["score"])] for a in alerts["examples"]]))
    if alerts["excluded"]:
        out.append("<p>Left out (exactly a listed name): " + ", ".join(f"{_e(c['name'])} ({_e(c['culture'])})" for c in alerts["excluded"]) + ".</p>")

    out.append(
        "<h2>Threshold sweep</h2><p>Each threshold's hit rate and false-alert rate; the dashed line and the ringed point are "
        "the threshold in force.</p><figure>" + sweep_svg(report["sweep"]) + "</figure><figure>" + tradeoff_svg(report["sweep"]) + "</figure>"
    )
    out.append(_table(["threshold", "hit rate", "false-alert rate", ""],
                      [[f"{p['threshold']:.2f}", _pct(p["hit_rate"]), _pct(p["false_alert_rate"]), "in force" if p["operating_point"] else ""] for p in report["sweep"]], {0, 1, 2}))

    out.append("<h2>Configuration in force</h2>")
    out.append(_table(["setting", "value"], [[_e(k), _e(v)] for k, v in config.items()]))
    out.append("<h2>List versions</h2>")
    out.append(_table(["list", "title", "snapshot", "published", "loaded", "entries", "sampled", "sha256"],
                      [[_e(r["dataset"]), _e(r["title"]), _e(r["snapshot_id"]), _e(r["published"]), _e(r["loaded_at"]), _e(r["entries"]),
                        _e(", ".join(f"{k} {v}" for k, v in r["sampled"].items())), f"<code>{_e(r['sha256'])}</code>"] for r in report["lists"]]))
    out.append("<h2>Not applicable, by category</h2>")
    out.append(_table(["category", "reason", "entries"],
                      [[_e(c["category"]), _e(reason), str(count)] for c in report["categories"] for reason, count in c["not_applicable_reasons"].items()], {2}))
    if report.get("errors"):
        out.append("<h2>Names that could not be screened</h2>" + _table(["name", "error"], [[_e(e["name"]), _e(e["error"])] for e in report["errors"]]))
    out.append(
        "<h2>Method</h2><p>For each list and schema, entries are drawn at random with the seed above, stratified by the script the list "
        "gives the name in and by the name's length. Each category rewrites one of the entry's names; the variant is screened with the "
        "threshold, lists and good-guy list in force and counts as caught when its own entry is a match the good-guy list does not "
        "suppress. Control names count as a false alert when any entry matches. In the sweep, a name not flagged at the threshold in "
        "force is screened again at the lowest swept threshold.</p>"
    )
    out.append("</body></html>")
    return "\n".join(out)
