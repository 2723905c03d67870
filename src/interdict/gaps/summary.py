"""The briefing table: rows of the gap report counted per jurisdiction pair and programme.

Each matrix row is one --listed-by jurisdiction A against the --not-listed-by
set (listed by A, not by any of them), plus a total row (listed by any of the
--listed-by jurisdictions). Each column is a shared programme topic of A's own
listings. Every cell keeps the cluster ids it counts, so the HTML can link each
number to its rows. The chart is plain SVG generated here: a briefing file must
open offline and print as it shows.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from .programmes import NOT_STATED, UNMAPPED
from .report import GapQuery, GapRow, topic_label

TOTAL = "total"  # the row of any --listed-by jurisdiction
ALL_TOPICS = "all"  # the column of every programme
CHART_TOPICS = 12
PALETTE = ("#1f4e79", "#c55a11", "#548235", "#7030a0", "#bf9000", "#2e75b6", "#a5a5a5")


@dataclass
class Matrix:
    rows: list[str]  # listed-by jurisdictions, then TOTAL
    columns: list[str]  # topics by descending total, NOT_STATED and UNMAPPED last, then ALL_TOPICS
    cells: dict[tuple[str, str], list[str]]  # (row, column) -> cluster ids, sorted
    not_listed_by: list[str]

    def count(self, row: str, column: str) -> int:
        return len(self.cells.get((row, column), []))

    def row_label(self, row: str) -> str:
        excluded = ", ".join(self.not_listed_by)
        if row == TOTAL:
            return f"any of them, not {excluded}"
        return f"{row}, not {excluded}"

    def to_dict(self) -> dict:
        return {
            "rows": self.rows,
            "columns": self.columns,
            "not_listed_by": self.not_listed_by,
            "counts": {row: {column: self.count(row, column) for column in self.columns} for row in self.rows},
            "clusters": {f"{row}|{column}": ids for (row, column), ids in sorted(self.cells.items())},
        }


def cell_anchor(row: str, column: str) -> str:
    return f"cell-{row}-{column}"


def build_matrix(rows: list[GapRow], query: GapQuery) -> Matrix:
    cells: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        for listing in row.listings:
            if listing.jurisdiction not in query.listed_by:
                continue
            for topic in listing.topics:
                for key in ((listing.jurisdiction, topic), (TOTAL, topic)):
                    cells.setdefault(key, set()).add(row.cluster_id)
            for key in ((listing.jurisdiction, ALL_TOPICS), (TOTAL, ALL_TOPICS)):
                cells.setdefault(key, set()).add(row.cluster_id)
    totals: dict[str, int] = {}
    for (row_key, column), ids in cells.items():
        if row_key == TOTAL and column != ALL_TOPICS:
            totals[column] = len(ids)
    special = [topic for topic in (NOT_STATED, UNMAPPED) if topic in totals]
    topics = sorted((topic for topic in totals if topic not in special), key=lambda topic: (-totals[topic], topic))
    return Matrix(
        rows=[*query.listed_by, TOTAL],
        columns=[*topics, *special, ALL_TOPICS],
        cells={key: sorted(ids) for key, ids in cells.items()},
        not_listed_by=list(query.not_listed_by),
    )


def column_label(column: str) -> str:
    return "all programmes" if column == ALL_TOPICS else topic_label(column)


def cell_rows(rows: list[GapRow], matrix: Matrix, row: str, column: str) -> list[GapRow]:
    """The report rows one matrix cell counts, by name (what a number in the matrix opens)."""
    wanted = set(matrix.cells.get((row, column), []))
    return sorted((item for item in rows if item.cluster_id in wanted), key=lambda item: (item.name.casefold(), item.cluster_id))


def chart_svg(matrix: Matrix, href: Callable[[str, str], str] | None = None) -> str:
    """Horizontal grouped bars: the largest topics, one bar per listed-by jurisdiction, each a link to its cell.

    `href(row, column)` gives each bar's link (escaped here); by default an anchor in the same page.
    """
    href = href or (lambda row, column: "#" + cell_anchor(row, column))
    topics = [column for column in matrix.columns if column != ALL_TOPICS][:CHART_TOPICS]
    series = [row for row in matrix.rows if row != TOTAL]
    if not topics or not series:
        return '<p class="empty">Nothing to chart: the report has no rows.</p>'
    labels = [column_label(topic) for topic in topics]
    # Labels are never cut: the label column is as wide as the longest one (about 7 px a character at 12 px).
    bar, gap, label_width, plot_width, legend_height = 14, 10, max(120, 7 * max(map(len, labels)) + 16), 460, 24
    group = bar * len(series) + gap
    legend_width = sum(16 + 7 * len(f"{row}, not {', '.join(matrix.not_listed_by)}") + 14 for row in series)
    canvas_width, canvas_height = max(label_width + plot_width + 80, label_width + legend_width), legend_height + group * len(topics) + 30
    peak = max(matrix.count(row, topic) for row in series for topic in topics) or 1
    excluded = ", ".join(matrix.not_listed_by)
    parts = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{canvas_width}" height="{canvas_height}" '
            f'viewBox="0 0 {canvas_width} {canvas_height}" font-family="sans-serif" font-size="12">'
        ),
        f"<title>Subjects listed by {escape(', '.join(series))} but not by {escape(excluded)}, per programme</title>",
    ]
    x = label_width
    for index, row in enumerate(series):
        legend = f"{row}, not {excluded}"
        parts.append(f'<rect x="{x}" y="4" width="12" height="12" fill="{PALETTE[index % len(PALETTE)]}"/>')
        parts.append(f'<text x="{x + 16}" y="14">{escape(legend)}</text>')
        x += 16 + 7 * len(legend) + 14  # about 7 px a character at 12 px
    for position, topic in enumerate(topics):
        top = legend_height + position * group
        label = escape(column_label(topic))
        parts.append(f'<text x="{label_width - 8}" y="{top + group / 2}" text-anchor="end" dominant-baseline="middle">{label}</text>')
        for index, row in enumerate(series):
            count = matrix.count(row, topic)
            length = max(1.0, plot_width * count / peak) if count else 0.0
            y = top + index * bar
            tip = f"{row} not {excluded}, {column_label(topic)}: {count}"
            shape = (
                f'<rect x="{label_width}" y="{y}" width="{length:.1f}" height="{bar - 2}" fill="{PALETTE[index % len(PALETTE)]}">'
                f"<title>{escape(tip)}</title></rect>"
                f'<text x="{label_width + length + 4:.1f}" y="{y + bar / 2}" dominant-baseline="middle">{count}</text>'
            )
            parts.append(f'<a href="{escape(href(row, topic))}" aria-label="{escape(tip)}">{shape}</a>' if count else shape)
    axis = legend_height + group * len(topics) + 4
    parts.append(f'<line x1="{label_width}" y1="{legend_height - 2}" x2="{label_width}" y2="{axis}" stroke="#333"/>')
    parts.append("</svg>")
    return "\n".join(parts)
