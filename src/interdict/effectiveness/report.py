"""The report's content: rates per category, list and schema, the weakest categories, false alerts, the sweep,
what changed since the last review, and the JSON and CSV forms of it.

The report is plain data (a dict that is also the JSON file), so a later run can
read an earlier one back (`--compare OLD.json`) and the HTML page renders from
the same data. Everything in it but `generated_at` and `seconds` follows from
the inputs, so the same seed, settings and lists give the same report; the
inputs' hash (`input_sha256`) says whether two reports tested the same thing.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..textfiles import spreadsheet_safe
from .categories import CATEGORIES
from .run import NotApplicable, Outcome, Probe

FORMAT = "interdict-effectiveness/1"
EXAMPLES = 5  # missed variants (and alerting controls) shown per category
WEAKEST = 3  # categories the "weakest" section names


def wilson(caught: int, total: int) -> tuple[float, float] | None:
    """95% Wilson interval of a rate: how far the sample lets the figure be trusted."""
    if not total:
        return None
    z = 1.96
    p = caught / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)


def _rate(caught: int, total: int) -> dict[str, Any]:
    return {"variants": total, "caught": caught, "hit_rate": round(caught / total, 4) if total else None, "ci95": wilson(caught, total)}


def _miss(probe: Probe, outcome: Outcome) -> dict[str, Any]:
    return {
        "variant": probe.name,
        "source_name": probe.source,
        "entity_id": probe.entity_id,
        "dataset": probe.dataset,
        "schema": probe.schema,
        "detail": probe.detail,
        "source_score": outcome.score,
        "best_match": outcome.top,
        "best_score": outcome.top_score,
        "suppressed": outcome.suppressed,
        "error": outcome.error,
    }


def build(
    probes: list[Probe],
    outcomes: list[Outcome],
    skipped: list[NotApplicable],
    threshold: float,
    sweep: tuple[float, ...],
    excluded_controls: list[dict[str, str]],
) -> dict[str, Any]:
    """The figures of a run (the caller adds configuration, list versions and provenance)."""
    pairs = list(zip(probes, outcomes, strict=True))
    variants = [(p, o) for p, o in pairs if p.kind == "variant"]
    controls = [(p, o) for p, o in pairs if p.kind == "control"]
    by: dict[str, dict[str, list[bool]]] = {"category": defaultdict(list), "dataset": defaultdict(list), "schema": defaultdict(list)}
    cells: dict[tuple[str, str], list[bool]] = defaultdict(list)
    for probe, outcome in variants:
        if outcome.error:
            continue
        by["category"][probe.category].append(outcome.flagged)
        by["dataset"][probe.dataset].append(outcome.flagged)
        by["schema"][probe.schema].append(outcome.flagged)
        cells[(probe.category, probe.dataset)].append(outcome.flagged)
    na: dict[str, Counter[str]] = defaultdict(Counter)
    for row in skipped:
        na[row.category][row.reason] += 1
    categories = []
    for spec in CATEGORIES:
        name = spec.category.value
        results = by["category"].get(name, [])
        missed = [(p, o) for p, o in variants if p.category == name and not o.flagged]
        categories.append(
            {
                "category": name,
                "label": spec.label,
                "tests": spec.tests,
                "applies_to": sorted(kind.value for kind in spec.kinds),
                **_rate(sum(results), len(results)),
                "not_applicable": sum(na[name].values()),
                "not_applicable_reasons": dict(sorted(na[name].items(), key=lambda item: (-item[1], item[0]))),
                "suppressed": sum(1 for _, o in missed if o.suppressed),
                "errors": sum(1 for _, o in missed if o.error),
                "missed": [_miss(p, o) for p, o in missed[:EXAMPLES]],
            }
        )
    ranked = sorted((c for c in categories if c["variants"] and c["caught"] < c["variants"]), key=lambda c: (c["hit_rate"], c["category"]))
    all_results = [o.flagged for p, o in variants if not o.error]
    alerts = [(p, o) for p, o in controls if o.flagged]
    cultures: dict[str, list[bool]] = defaultdict(list)
    for probe, outcome in controls:
        if not outcome.error:
            cultures[f"{probe.culture} ({probe.script}, {probe.schema})"].append(outcome.flagged)
    screened_controls = [o for _, o in controls if not o.error]
    return {
        "summary": {
            "variants": len(all_results),
            "caught": sum(all_results),
            "hit_rate": round(sum(all_results) / len(all_results), 4) if all_results else None,
            "ci95": wilson(sum(all_results), len(all_results)),
            "not_applicable": len(skipped),
            "errors": sum(1 for _, o in pairs if o.error),
            "controls": len(screened_controls),
            "false_alerts": len(alerts),
            "false_alert_rate": round(len(alerts) / len(screened_controls), 4) if screened_controls else None,
            "false_alert_ci95": wilson(len(alerts), len(screened_controls)),
            "controls_excluded": len(excluded_controls),
        },
        "categories": categories,
        "by_list": [{"dataset": key, **_rate(sum(v), len(v))} for key, v in sorted(by["dataset"].items())],
        "by_schema": [{"schema": key, **_rate(sum(v), len(v))} for key, v in sorted(by["schema"].items())],
        "by_category_list": [{"category": c, "dataset": d, **_rate(sum(v), len(v))} for (c, d), v in sorted(cells.items())],
        "weakest": [{"category": c["category"], "label": c["label"], "hit_rate": c["hit_rate"], "missed": c["missed"]} for c in ranked[:WEAKEST]],
        "false_alerts": {
            "controls": len(screened_controls),
            "alerts": len(alerts),
            "rate": round(len(alerts) / len(screened_controls), 4) if screened_controls else None,
            "by_culture": [{"group": key, "controls": len(v), "alerts": sum(v)} for key, v in sorted(cultures.items())],
            "examples": [{"control": p.name, "culture": p.culture, "schema": p.schema, "matched": o.top, "score": o.top_score} for p, o in alerts[: EXAMPLES * 4]],
            "excluded": excluded_controls,
        },
        "sweep": sweep_points(variants, controls, threshold, sweep),
        "errors": [{"name": p.name, "kind": p.kind, "category": p.category, "error": o.error} for p, o in pairs if o.error][:50],
    }


def sweep_points(variants: list[tuple[Probe, Outcome]], controls: list[tuple[Probe, Outcome]], threshold: float, sweep: tuple[float, ...]) -> list[dict[str, Any]]:
    """Hit rate and false-alert rate at each threshold; at the threshold in force, the screen's own verdicts."""
    points = []
    variant_outcomes = [o for _, o in variants if not o.error]
    control_outcomes = [o for _, o in controls if not o.error]
    for t in sorted(set(sweep) | {threshold}):
        if t == threshold:
            caught = sum(o.flagged for o in variant_outcomes)
            alerts = sum(o.flagged for o in control_outcomes)
        else:
            caught = sum(1 for o in variant_outcomes if o.sweep_score is not None and o.sweep_score >= t and (t < threshold or o.flagged))
            alerts = sum(1 for o in control_outcomes if o.sweep_score is not None and o.sweep_score >= t and (t < threshold or o.flagged))
        points.append(
            {
                "threshold": t,
                "hit_rate": round(caught / len(variant_outcomes), 4) if variant_outcomes else None,
                "false_alert_rate": round(alerts / len(control_outcomes), 4) if control_outcomes else None,
                "operating_point": t == threshold,
            }
        )
    return points


# --- comparing with the last review ------------------------------------------------


def read_report(path: Path | str) -> dict[str, Any]:
    """An earlier report's JSON, or an InputError saying why it cannot be compared with."""
    path = Path(path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise InputError(f"--compare: {path} does not exist.") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise InputError(f"--compare: {path} is not a JSON report of `interdict effectiveness` (give the .json it wrote).") from None
    except OSError as exc:
        raise InputError(f"--compare: cannot read {path}: {exc.strerror or exc}.") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise InputError(f"--compare: {path} is not a JSON report of `interdict effectiveness` (format {FORMAT}).")
    return data


def _delta(old: float | None, new: float | None) -> float | None:
    return None if old is None or new is None else round(new - old, 4)


def _rates(rows: list[dict[str, Any]], key: str) -> dict[str, float | None]:
    return {row[key]: row.get("hit_rate") for row in rows if isinstance(row, dict) and key in row}


def compare(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """What changed since the earlier report: settings, list versions, rates (new − old)."""
    old_config, new_config = old.get("configuration", {}), new.get("configuration", {})
    settings = [
        {"setting": key, "old": old_config.get(key), "new": new_config.get(key)}
        for key in sorted(set(old_config) | set(new_config))
        if old_config.get(key) != new_config.get(key)
    ]
    old_lists = {row.get("dataset"): row for row in old.get("lists", []) if isinstance(row, dict)}
    new_lists = {row.get("dataset"): row for row in new.get("lists", []) if isinstance(row, dict)}
    lists = []
    for dataset in sorted(set(old_lists) | set(new_lists), key=str):
        before, after = old_lists.get(dataset, {}), new_lists.get(dataset, {})
        if before.get("sha256") != after.get("sha256"):
            lists.append({"dataset": dataset, "old_published": before.get("published"), "new_published": after.get("published"),
                          "old_sha256": before.get("sha256"), "new_sha256": after.get("sha256")})

    def table(key: str, section: str) -> list[dict[str, Any]]:
        before, after = _rates(old.get(section, []), key), _rates(new.get(section, []), key)
        return [{key: name, "old": before.get(name), "new": after.get(name), "change": _delta(before.get(name), after.get(name))}
                for name in sorted(set(before) | set(after), key=str)]

    old_summary, new_summary = old.get("summary", {}), new.get("summary", {})
    return {
        "previous_generated_at": old.get("generated_at"),
        "previous_input_sha256": old.get("input_sha256"),
        "same_inputs": old.get("input_sha256") == new.get("input_sha256"),
        "settings": settings,
        "lists": lists,
        "hit_rate": {"old": old_summary.get("hit_rate"), "new": new_summary.get("hit_rate"), "change": _delta(old_summary.get("hit_rate"), new_summary.get("hit_rate"))},
        "false_alert_rate": {"old": old_summary.get("false_alert_rate"), "new": new_summary.get("false_alert_rate"),
                             "change": _delta(old_summary.get("false_alert_rate"), new_summary.get("false_alert_rate"))},
        "categories": table("category", "categories"),
        "lists_hit_rate": table("dataset", "by_list"),
        "schemas": table("schema", "by_schema"),
    }


# --- files -----------------------------------------------------------------------------

CSV_COLUMNS = ["kind", "category", "dataset", "schema", "entity_id", "source_name", "screened_name", "detail", "culture",
               "flagged", "score", "sweep_score", "suppressed", "best_match", "best_score", "reason_or_error"]


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def to_csv(probes: list[Probe], outcomes: list[Outcome], skipped: list[NotApplicable]) -> str:
    """One row per name screened (variants and controls) and per entry a category could not apply to.

    `flagged` is "caught" for a variant (its entry matched) and "alerted" for a
    control; every cell is spreadsheet-safe (list data may start like a formula)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for probe, outcome in zip(probes, outcomes, strict=True):
        row = [probe.kind, probe.category, probe.dataset, probe.schema, probe.entity_id, probe.source, probe.name, probe.detail,
               probe.culture, str(outcome.flagged).lower(), outcome.score, outcome.sweep_score, str(outcome.suppressed).lower(),
               outcome.top, outcome.top_score, outcome.error or ""]
        writer.writerow([spreadsheet_safe(value) for value in row])
    for na in skipped:
        writer.writerow([spreadsheet_safe(value) for value in ["not_applicable", na.category, na.dataset, na.schema, na.entity_id, "", "", "", "", "", "", "", "", "", "", na.reason]])
    return buffer.getvalue()
