"""Writing a gap report: CSV, JSON or HTML, chosen by the file extension.

Output is deterministic (sorted rows, sorted keys, no timestamps) so two runs
over the same lists give identical bytes, and a report can be diffed or
checksummed in a briefing's footnotes.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from ..atomic import write_error, write_text
from ..errors import InputError
from .report import GapReport, GapRow
from .summary import build_matrix

FORMATS = (".csv", ".json", ".html", ".htm")
CSV_COLUMNS = (
    "cluster_id",
    "name",
    "other_names",
    "schema",
    "listed_by",
    "not_listed_by",
    "programmes",
    "listings",
    "confidence",
    "confidence_reason",
    "cluster_confidence",
    "evidence",
    "doubts",
)


def report_format(path: Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"Cannot tell the report format from {str(path)!r}; end the file name in .csv, .json or .html.")
    return "html" if suffix in (".html", ".htm") else suffix[1:]


def _evidence_text(items: list[dict]) -> str:
    parts = []
    for item in items:
        head = f"{item['a']} <-> {item.get('other') or item['b']}"
        label = item.get("tier") or item["kind"]
        why = "; ".join(item.get("evidence", []))
        reason = f" [{item['reason']}]" if item.get("reason") else ""
        parts.append(f"{head} ({label}){reason}: {why}")
    return " | ".join(parts)


def csv_row(row: GapRow) -> dict[str, str]:
    return {
        "cluster_id": row.cluster_id,
        "name": row.name,
        "other_names": "; ".join(row.names[1:]),
        "schema": row.schema,
        "listed_by": ",".join(row.listed_by),
        "not_listed_by": ",".join(row.not_listed_by),
        "programmes": ",".join(row.topics),
        "listings": "; ".join(f"{listing.jurisdiction}: {listing.describe()}" for listing in row.listings),
        "confidence": row.confidence,
        "confidence_reason": row.confidence_reason,
        "cluster_confidence": row.cluster_confidence,
        "evidence": _evidence_text(row.evidence),
        "doubts": _evidence_text(row.doubts),
    }


def render_csv(report: GapReport) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in report.rows:
        writer.writerow(csv_row(row))
    return buffer.getvalue()


def report_dict(report: GapReport) -> dict:
    return {
        "query": report.query.__dict__,
        "description": report.query.describe(),
        "count": len(report.rows),
        "notes": report.notes,
        "datasets": report.datasets,
        "vocabulary": report.vocabulary,
        "summary": build_matrix(report.rows, report.query).to_dict(),
        "resolution": report.resolution,
        "rows": [row.to_dict() for row in report.rows],
    }


def render_json(report: GapReport) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_report(report: GapReport, path: Path) -> str:
    """Write the report in the format its extension names (atomically); returns the format."""
    path = Path(path)
    kind = report_format(path)
    if kind == "csv":
        text = render_csv(report)
    elif kind == "json":
        text = render_json(report)
    else:
        from .html import render_html

        text = render_html(report)
    try:
        write_text(path, text)
    except OSError as exc:
        raise write_error(path, exc) from None
    return kind
