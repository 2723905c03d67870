"""Writing a gap report: CSV, XLSX, JSON or HTML, chosen by the file extension.

Output is deterministic (sorted rows, sorted keys, no timestamps) so two runs
over the same lists give identical bytes, and a report can be diffed or
checksummed in a briefing's footnotes. (An XLSX file is a zip that records
when it was saved: its cells are deterministic, its bytes are not.)

Spreadsheet cells hold list names as the lists publish them, so each goes
through `textfiles.spreadsheet_safe` (a cell that could start a formula gets a
leading apostrophe), and every CSV data cell is quoted, so that a spreadsheet
splitting on `;` or tabs (as Excel does in many locales) cannot cut a cell
into a new one that starts with `=`. XLSX keeps names in any script readable
in Excel, which reads a UTF-8 CSV as Windows-1252.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path


from ..atomic import atomic_write, write_error
from ..errors import InputError
from ..textfiles import spreadsheet_safe
from .derived import SECTION
from .html import render_html
from .report import GapReport, GapRow
from .summary import build_matrix

FORMATS = (".csv", ".xlsx", ".json", ".html", ".htm")
# Characters XML 1.0 (and so an XLSX cell) cannot hold: C0 controls but tab, LF and CR; U+FFFE, U+FFFF; lone surrogates.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
CSV_COLUMNS = (
    "section",
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
    "may_be",
    "caveats",
    "namesakes",
)
SECTIONS = ("counted", "to check")  # a row of the headline, or one below the query's confidence (never counted)


def report_format(path: Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"Cannot tell the report format from {str(path)!r}; end the file name in .csv, .xlsx, .json or .html.")
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


def csv_row(row: GapRow, section: str = SECTIONS[0]) -> dict[str, str]:
    return {
        "section": section,
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
        "may_be": row.may_be,
        "caveats": "; ".join(row.caveats),
        "namesakes": " | ".join(f"{item['cluster_id']} {item['name']}: {item['why']}" for item in row.namesakes),
    }


def derived_row(item: dict, section: dict) -> dict[str, str]:
    """A party blocked through ownership or control, in the CSV's columns: the path is its evidence."""
    values = dict.fromkeys(CSV_COLUMNS, "")
    values.update(
        section=SECTION,
        cluster_id=item["id"],
        name=item["caption"],
        listed_by=",".join(item["blocked_in"]),
        not_listed_by=",".join(section["not_in"]),
        listings=f"{item['dataset']}: " + "; ".join(f"{code} {status}" for code, status in item["status"].items()),
        confidence_reason="blocked through ownership or control (ownership rules of relations/data/ownership_rules.toml)",
        evidence=" | ".join(f"{code}: {path}" for code, path in item["paths"].items()),
    )
    return values


def spreadsheet_cells(report: GapReport, clean: Callable[[str], str] = str) -> list[list[str]]:
    """The report's data rows as spreadsheet-safe cells, in CSV_COLUMNS order.

    `clean` runs first: what it removes must not uncover a formula (`\x01=cmd` → `=cmd`).
    """
    rows = [csv_row(row) for row in report.rows] + [csv_row(row, SECTIONS[1]) for row in report.to_check]
    if report.derived is not None:
        rows += [derived_row(item, report.derived) for item in report.derived["rows"]]
    return [[spreadsheet_safe(clean(values[column])) for column in CSV_COLUMNS] for values in rows]


def render_csv(report: GapReport) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(CSV_COLUMNS)  # our own column names: no quoting needed
    csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL).writerows(spreadsheet_cells(report))
    return buffer.getvalue()


def render_xlsx(report: GapReport) -> bytes:
    """One sheet, `gaps`: the CSV's columns and rows, with the header row frozen (characters XML cannot hold are left out)."""
    from openpyxl import Workbook  # here, not at the top: 90 ms of every CLI start, for one export format

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("gaps")
    sheet.freeze_panes = "A2"
    sheet.append(list(CSV_COLUMNS))
    for cells in spreadsheet_cells(report, clean=lambda text: NOT_XML.sub("", text)):
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
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
        "lists": report.lists,
        "rows": [row.to_dict() for row in report.rows],
        "to_check": [row.to_dict() for row in report.to_check],
        "derived_blocks": report.derived,
    }


def render_json(report: GapReport) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def render_report(report: GapReport, kind: str) -> bytes:
    """The report's bytes in one format (csv, xlsx, json or html): what `gaps --out` writes and the UI downloads."""
    if kind == "csv":
        return render_csv(report).encode("utf-8")
    if kind == "xlsx":
        return render_xlsx(report)
    if kind == "json":
        return render_json(report).encode("utf-8")
    if kind == "html":
        return render_html(report).encode("utf-8")
    raise InputError(f"Unknown report format {kind!r}; use csv, xlsx, json or html.")


def write_report(report: GapReport, path: Path) -> str:
    """Write the report in the format its extension names (atomically); returns the format."""
    path = Path(path)
    kind = report_format(path)
    data = render_report(report, kind)
    try:
        with atomic_write(path, mode="wb", encoding=None) as handle:
            handle.write(data)
    except OSError as exc:
        raise write_error(path, exc) from None
    return kind
