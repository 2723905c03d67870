"""Screening inputs built from the real bundled lists: listed names, names no list holds, and bad rows.

Shared by the Spark tests and bench/spark.py. Seeded, so every run screens the same rows.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path
from typing import Any

COLUMNS = ["id", "name", "schema", "birth_date", "nationality", "country", "id_number"]

# Made-up parts: recombined they make names no list holds (the screen still lists near misses).
GIVEN = [
    "Jonathan",
    "Marguerite",
    "Ingrid",
    "Tomasz",
    "Aiko",
    "Chiamaka",
    "Rafael",
    "Sigrun",
    "Priya",
    "Mateo",
    "Oluwaseun",
    "Henrike",
]
FAMILY = [
    "Pemberton",
    "Quastenhoff",
    "Vellacott",
    "Nakashima",
    "Okonkwo",
    "Brightwater",
    "Lindqvist",
    "Ramaswamy",
    "Castellanos",
    "Wojciechowski",
]
FIRMS = [
    "Blue Heron Logistics",
    "Northbank Dairy Cooperative",
    "Saltmarsh Ceramics Ltd",
    "Juniper Ridge Software GmbH",
    "Harbourlight Textiles",
]

# Rows every engine must turn into the same named error, and rows on the edge of the contract.
BAD_ROWS: list[dict[str, Any]] = [
    {"id": "bad-no-name", "name": "", "schema": "Person"},
    {"id": "bad-birth-date", "name": "Ali Rezaei", "birth_date": "sometime in the sixties"},
    {"id": "bad-schema", "name": "Ali Rezaei", "schema": "Spaceship"},
    {"id": "bad-too-long", "name": "A" * 10_001},
    {"id": "", "name": "No Id Row Gets Its Line Number"},
    {"id": "bad-whitespace-name", "name": "   "},
    {"id": "id-number-only", "name": "", "id_number": "9187629"},
]


def build_rows(screener: Any, count: int = 1_000, seed: int = 16) -> list[dict[str, Any]]:
    """`count` rows: about 60% listed captions (with their schema, some with birth dates), the rest made up, plus BAD_ROWS."""
    rng = random.Random(seed)
    size = screener.size
    rows: list[dict[str, Any]] = []
    listed = int((count - len(BAD_ROWS)) * 0.6)
    for position in rng.sample(range(size), listed):
        entity = screener.entity_at(position)
        row: dict[str, Any] = {"id": f"listed-{len(rows)}", "name": entity.caption, "schema": entity.schema.value}
        rows.append(row)
    while len(rows) < count - len(BAD_ROWS):
        if rng.random() < 0.2:
            name, schema = rng.choice(FIRMS), "Organization"
        else:
            name, schema = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}", "Person"
        row = {"id": f"made-up-{len(rows)}", "name": name, "schema": schema}
        if rng.random() < 0.3:
            row["birth_date"] = str(rng.randint(1940, 2000))
        rows.append(row)
    for bad in BAD_ROWS:
        rows.insert(rng.randrange(len(rows) + 1), dict(bad))
    return rows


def write_jsonl(path: Path, rows: list[dict[str, Any]], extra_lines: dict[int, str] | None = None) -> Path:
    """JSON lines; `extra_lines` inserts raw lines (not JSON, blank, a list) before the row of that index."""
    lines = []
    for i, row in enumerate(rows):
        if extra_lines and i in extra_lines:
            lines.append(extra_lines[i])
        lines.append(json.dumps(row, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({key: row.get(key, "") for key in COLUMNS})
    return path
