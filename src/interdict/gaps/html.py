"""The gap report as one self-contained HTML page for a briefing.

Top to bottom: what was asked and the caveats (notes), the jurisdiction x
programme matrix and its chart, one short list per matrix cell, then every row
with its listings, the evidence that links them and the doubts about the
absence. Every number links to its cell's list and every list item to its row,
all by anchors inside the page: no script, no stylesheet or font from the
network, so the file opens offline and archives as it is.
"""

from __future__ import annotations

import re
from html import escape

from .programmes import NOT_STATED
from .report import GapReport, GapRow
from .summary import ALL_TOPICS, TOTAL, Matrix, build_matrix, cell_anchor, chart_svg, column_label

STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#222;line-height:1.4}
.wide{max-width:100%;overflow-x:auto}.matrix{table-layout:fixed;width:100%;font-size:.85em}.matrix th,.matrix td{overflow-wrap:anywhere;hyphens:auto}
figure{margin:1rem 0}figure svg{max-width:100%;height:auto}
h1{font-size:1.5rem}h2{margin-top:2.5rem;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:.25rem .5rem;vertical-align:top}
th{background:#f3f3f3;text-align:left}td.n{text-align:right}
.matrix td.n a{font-weight:bold}.note{background:#fff8e1;padding:.5rem 1rem;border-left:4px solid #f0b400}
.row{border:1px solid #ddd;border-radius:4px;padding:.5rem 1rem;margin:1rem 0}
.row:target,.cell:target{outline:3px solid #2e75b6}
.conf-high{color:#2d6a1f}.conf-medium{color:#9a6700}.conf-low{color:#b00020}
.ev{font-size:.9em;color:#444}.empty{font-style:italic}
"""


def anchor(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)


def row_anchor(cluster_id: str) -> str:
    return "row-" + anchor(cluster_id)


def _matrix_table(matrix: Matrix) -> str:
    """Fits the page: fixed layout, labels that wrap (the full label is the cell's title)."""
    head = "".join(f'<th title="{escape(column_label(column))}">{escape(column_label(column))}</th>' for column in matrix.columns)
    lines = [f'<div class="wide"><table class="matrix"><thead><tr><th>listed by</th>{head}</tr></thead><tbody>']
    for row in matrix.rows:
        cells = []
        for column in matrix.columns:
            count = matrix.count(row, column)
            text = f'<a href="#{anchor(cell_anchor(row, column))}">{count}</a>' if count else "0"
            cells.append(f'<td class="n">{text}</td>')
        label = f"<b>{escape(matrix.row_label(row))}</b>" if row == TOTAL else escape(matrix.row_label(row))
        lines.append(f"<tr><th>{label}</th>{''.join(cells)}</tr>")
    lines.append("</tbody></table></div>")
    return "\n".join(lines)


def _cell_lists(matrix: Matrix, rows: dict[str, GapRow]) -> str:
    parts = []
    for row_key in matrix.rows:
        for column in matrix.columns:
            ids = matrix.cells.get((row_key, column))
            if not ids:
                continue
            items = "".join(
                f'<li><a href="#{row_anchor(cluster_id)}">{escape(rows[cluster_id].name)}</a> '
                f'<span class="conf-{rows[cluster_id].confidence}">({rows[cluster_id].confidence})</span></li>'
                for cluster_id in sorted(ids, key=lambda cid: (rows[cid].name.casefold(), cid))
            )
            title = f"{matrix.row_label(row_key)} — {column_label(column)}: {len(ids)}"
            parts.append(f'<section class="cell" id="{anchor(cell_anchor(row_key, column))}"><h3>{escape(title)}</h3><ol>{items}</ol></section>')
    return "\n".join(parts)


def _evidence_items(items: list[dict]) -> str:
    lines = []
    for item in items:
        other = item.get("other") or item["b"]
        label = item.get("tier") or item["kind"]
        reason = f" — <i>{escape(item['reason'])}</i>" if item.get("reason") else ""
        names = f"{escape(item['a_name'])} ({escape(item['a'])}) ↔ {escape(item.get('other_name') or item['b_name'])} ({escape(other)})"
        details = "".join(f"<li>{escape(text)}</li>" for text in item.get("evidence", []))
        lines.append(f"<li><b>{escape(label)}</b>: {names}{reason}<ul class=\"ev\">{details}</ul></li>")
    return "<ul>" + "".join(lines) + "</ul>" if lines else '<p class="empty">none</p>'


def _row_html(row: GapRow) -> str:
    listings = "".join(
        "<tr>"
        f"<td>{escape(listing.jurisdiction)}</td><td>{escape(listing.dataset)}{' / ' + escape(listing.sublist) if listing.sublist else ''}</td>"
        f"<td>{escape(listing.source_id)}</td><td>{escape(listing.name)}</td>"
        f"<td>{escape(', '.join(listing.programmes)) if listing.programmes else '<i>no programme stated</i>'}</td>"
        f"<td>{escape(', '.join(column_label(topic) for topic in listing.topics if topic != NOT_STATED)) or '—'}</td>"
        f"<td>{escape(', '.join(listing.listed_on)) or '—'}</td>"
        "</tr>"
        for listing in row.listings
    )
    other_names = f"<p>Also: {escape('; '.join(row.names[1:]))}</p>" if len(row.names) > 1 else ""
    caveats = "".join(f'<p class="ev">{escape(text)}.</p>' for text in row.caveats)
    namesakes = "".join(
        f'<li>Not the same subject as <a href="#{row_anchor(item["cluster_id"])}">{escape(item["name"])}</a> ({escape(item["cluster_id"])}): {escape(item["why"])}</li>'
        for item in row.namesakes
    )
    namesakes = f"<ul>{namesakes}</ul>" if namesakes else ""
    may_be = f"<p>To check: may be listed as <b>{escape(row.may_be)}</b>.</p>" if row.may_be else ""
    evidence = _evidence_items(row.evidence) if len(row.listings) > 1 else '<p class="empty">one entry</p>'
    return (
        f'<article class="row" id="{row_anchor(row.cluster_id)}">'
        f"<h3>{escape(row.name)} <small>({escape(row.schema)}, {escape(row.cluster_id)})</small></h3>{other_names}"
        f'<p>Confidence: <b class="conf-{row.confidence}">{row.confidence}</b> — {escape(row.confidence_reason)}</p>'
        f"{may_be}<p>Listed by <b>{escape(', '.join(row.listed_by))}</b>; not listed by <b>{escape(', '.join(row.not_listed_by)) or '—'}</b>.</p>{caveats}{namesakes}"
        "<table><thead><tr><th>jurisdiction</th><th>list</th><th>id</th><th>name on the list</th><th>programmes</th><th>topics</th><th>listed on</th></tr></thead>"
        f"<tbody>{listings}</tbody></table>"
        f"<h4>Why these entries are one subject</h4>{evidence}"
        f"<h4>Doubts about the absence</h4>{_evidence_items(row.doubts)}"
        "</article>"
    )


def _to_check(rows: list[GapRow]) -> str:
    """The rows below the query's confidence: listed, never counted, each with what may cover it."""
    if not rows:
        return ""
    items = "".join(
        f'<li><a href="#{row_anchor(row.cluster_id)}">{escape(row.name)}</a> — may be {escape(row.may_be or "listed: " + row.confidence_reason)}</li>' for row in rows
    )
    return (
        f'<h2 id="to-check">To check ({len(rows)})</h2><p>Subjects of lower confidence: an entry of a list that is not supposed to list them '
        f"may be theirs. They are not counted above.</p><ol>{items}</ol>{''.join(_row_html(row) for row in rows)}"
    )


def _derived(section: dict | None) -> str:
    """Parties blocked through ownership or control in a --listed-by jurisdiction and not in a --not-listed-by one, with their paths."""
    if section is None:
        return ""
    counts = ", ".join(f"{count} in {escape(code)}" for code, count in section["counts"].items()) or "not counted"
    items = []
    for item in section["rows"]:
        status = escape(", ".join(f"{code}: {state}" for code, state in item["status"].items()))
        paths = "".join(f'<p class="ev">{escape(code)}: {escape(path)}</p>' for code, path in item["paths"].items())
        party = f'{escape(item["caption"])}<br><span class="ev">{escape(item["id"])} · {escape(item["dataset"])}</span>'
        items.append(f"<tr><td>{party}</td><td>{status}</td><td>{paths}</td></tr>")
    table = f"<table><thead><tr><th>party</th><th>status per jurisdiction</th><th>path</th></tr></thead><tbody>{''.join(items)}</tbody></table>" if items else ""
    notes = "".join(f"<li>{escape(note)}</li>" for note in section["notes"])
    title = section["title"]
    return (
        f'<h2 id="derived">{escape(title[0].upper() + title[1:])} ({len(section["rows"])})</h2>'
        f"<p>Parties no list names for these jurisdictions, blocked through what designated persons own or control ({counts}).</p>"
        f"<ul>{notes}</ul>{table}"
    )


def _confidence_counts(rows: list[GapRow]) -> str:
    counts = {level: sum(1 for row in rows if row.confidence == level) for level in ("high", "medium", "low")}
    return ", ".join(f'<span class="conf-{level}">{count} {level}</span>' for level, count in counts.items()) + " confidence"


def render_html(report: GapReport) -> str:
    matrix = build_matrix(report.rows, report.query)
    by_id = {row.cluster_id: row for row in report.rows}
    title = f"Gap report: {report.query.describe()}"
    notes = "".join(f"<li>{escape(note)}</li>" for note in report.notes)
    datasets = "; ".join(f"{jurisdiction} = {', '.join(ids)}" for jurisdiction, ids in sorted(report.datasets.items()))
    editions = "".join(
        f"<tr><td>{escape(dataset)}</td><td>{escape(info['as_of'])}</td><td>{escape(info['origin'])}</td></tr>" for dataset, info in sorted(report.lists.items())
    )
    editions = f"<table><thead><tr><th>list</th><th>as of</th><th>file</th></tr></thead><tbody>{editions}</tbody></table>" if editions else ""
    to_check = _to_check(report.to_check)
    if report.rows:
        body = (
            f"<h2>Summary</h2><p>{len(report.rows)} subjects ({_confidence_counts(report.rows)}); "
            f"{len(report.to_check)} more <a href=\"#to-check\">to check</a>, not counted. "
            "Each number links to its subjects; each subject to its evidence.</p>"
            f"{_matrix_table(matrix)}<figure>{chart_svg(matrix)}<figcaption>Subjects per programme topic (largest {min(12, len(matrix.columns) - 1)}).</figcaption></figure>"
            f"<h2>Subjects per cell</h2>{_cell_lists(matrix, by_id)}"
            f"<h2>Subjects</h2>{''.join(_row_html(row) for row in report.rows)}{to_check}"
        )
    else:
        body = f'<h2>Summary</h2><p class="empty">No subject matches: the report is empty (0 rows).</p>{to_check}'
    body += _derived(report.derived)
    resolution = report.resolution
    stats = ", ".join(f"{key.replace('_', ' ')} {value}" for key, value in sorted(resolution.get("stats", {}).items()))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head><body>"
        f"<h1>{escape(title)}</h1>"
        f"<p>Jurisdictions: {escape(datasets)}.</p>{editions}"
        f'<div class="note"><b>Notes</b><ul>{notes}</ul></div>'
        f"{body}"
        f'<h2>Method</h2><p class="ev">Entries of all lists were clustered by cross-references, shared identifiers and names '
        f"(interdict matching engine, with birth dates and nationalities). Resolution {escape(resolution.get('key', ''))}: {escape(stats)}. "
        f"Topics of column “{escape(column_label(ALL_TOPICS))}” count each subject once.</p>"
        "</body></html>\n"
    )
