"""`effectiveness()`: the whole test, from the configuration in force to the report files.

The CLI command (`interdict effectiveness`) is a thin wrapper over this function.
Outputs are checked before any work and written atomically; an earlier report
given to compare with is read first too, so a wrong path fails in a second, not
after a five-minute run.
"""

from __future__ import annotations

import dataclasses
import datetime
import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

from ..atomic import write_error, write_text
from ..errors import InputError
from ..heap import Settler, settle
from ..match.settings import SETTINGS
from ..screening import code_fingerprint, open_screener
from ..sources import get_source
from ..store import open_store
from .categories import CATEGORIES, Context
from .config import Config, Suppressions
from .controls import controls, exclude_listed, table_sha256
from .html import render
from .report import FORMAT, build, compare, read_report, to_csv, to_json
from .run import Progress, control_probes, make_probes, screen_probes
from .sampling import sample

SUFFIXES = (".html", ".json", ".csv")
Status = Callable[[str], None]


@dataclass
class Result:
    report: dict[str, Any]
    written: list[Path]


def check_outputs(paths: list[Path]) -> list[Path]:
    if not paths:
        raise InputError("Give at least one --out file: report.html, report.json or report.csv.")
    for path in paths:
        if path.suffix.lower() not in SUFFIXES:
            raise InputError(f"--out {path}: the report is written as .html, .json or .csv (by the file's extension).")
        if path.is_dir():
            raise InputError(f"--out {path} is a folder; give a file name.")
        if not path.parent.is_dir():
            raise InputError(f"Cannot write {path}: folder {path.parent} does not exist.")
    return paths


def tool_version() -> str:
    try:
        return metadata.version("interdict")
    except metadata.PackageNotFoundError:  # run from a source tree
        return "unknown (source tree)"


def _code_sha256() -> str:
    """The generators and their tables: a change to how variants are made changes the inputs' hash."""
    digest = hashlib.sha256()
    package = resources.files("interdict.effectiveness")
    for name in ("variants.py", "categories.py", "sampling.py", "run.py"):
        digest.update(package.joinpath(name).read_bytes())
    return digest.hexdigest()


def effectiveness(
    out: list[Path] | Path,
    config: Config | None = None,
    db: str | None = None,
    compare_with: Path | None = None,
    suppressions: Suppressions | None = None,
    workers: int = 2,
    progress: Progress | None = None,
    status: Status | None = None,
    warn: Status | None = None,
    own_heap: bool = False,
) -> Result:
    """Test how well screening catches listed names written differently, and how often it alerts on names
    that are not listed, with the configuration in force; write the report (HTML, JSON, CSV by extension).

    `suppressions` is the good-guy list in force (default: the one in the configuration). `own_heap`: the
    calling process is the run's own (the command line), so screening settles its heap as it goes
    (interdict.heap); a library call into another program's process leaves that heap alone."""
    started = time.perf_counter()
    config = config or Config()
    paths = check_outputs([Path(p) for p in ([out] if isinstance(out, (str, Path)) else out)])
    previous = read_report(compare_with) if compare_with else None
    suppress = suppressions or config.suppress
    screener = open_screener(db, progress=status, warn=warn)
    if own_heap:
        screener.settler = Settler()
    loaded = sorted(screener.datasets)
    if config.datasets:
        missing = [d for d in config.datasets if d not in screener.datasets]
        if missing:
            raise InputError(f"List(s) not loaded: {', '.join(missing)}. Loaded: {', '.join(loaded)}. Run `interdict datasets` or `interdict update`.")
    scope = tuple(config.datasets or loaded)
    if status:
        status(f"sampling {config.sample} entries per list and schema from {len(scope)} list(s)")
    entities = list(screener.entities(scope))
    drawn = sample(entities, config.sample, config.seed, config.schemas)
    probes, skipped = make_probes(drawn, Context.build(entities), config.seed)
    kept, excluded = exclude_listed(controls(config.schemas), entities)
    probes += control_probes(kept)
    if status:
        status(f"screening {len(probes):,} names ({len(kept)} controls)")
    if screener.settler is not None:
        settle()  # what was loaded and sampled: the forked workers' collectors then leave the pages they share alone
    outcomes = screen_probes(screener, config, scope, suppress, probes, workers=workers, progress=progress)

    figures = build(probes, outcomes, skipped, config.threshold, config.sweep, [{"name": c.name, "culture": c.culture} for c in excluded])
    snapshots = {s.dataset: s for s in open_store(db).active_snapshots()}
    sampled: dict[str, dict[str, int]] = {}
    for group, members in drawn.items():
        sampled.setdefault(group.dataset, {})[group.schema.value] = len(members)
    lists = []
    for dataset in scope:
        snapshot = snapshots.get(dataset)
        lists.append(
            {
                "dataset": dataset,
                "title": get_source(dataset).title,
                "snapshot_id": snapshot.id if snapshot else None,
                "published": snapshot.published if snapshot else None,
                "loaded_at": snapshot.loaded_at if snapshot else None,
                "sha256": snapshot.sha256 if snapshot else None,
                "entries": snapshot.entries if snapshot else None,
                "sampled": sampled.get(dataset, {}),
            }
        )
    configuration = config.describe() | {"datasets": list(scope), "suppressions": suppress.describe(), "categories": [c.category.value for c in CATEGORIES]}
    inputs = {
        "configuration": configuration,
        "lists": [{"dataset": row["dataset"], "sha256": row["sha256"]} for row in lists],
        "matcher_code": code_fingerprint(),
        "matcher_settings": dataclasses.asdict(SETTINGS),
        "controls_sha256": table_sha256(),
        "generators_sha256": _code_sha256(),
        "tool_version": tool_version(),
    }
    report: dict[str, Any] = {
        "format": FORMAT,
        "title": "Screening effectiveness test",
        "generated_at": datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
        "tool": {"name": "interdict", "version": tool_version()},
        "input_sha256": hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest(),
        "inputs": inputs,
        "configuration": configuration,
        "lists": lists,
        "missing_lists": list(screener.missing_datasets),
        **figures,
    }
    if previous is not None:
        report["changes"] = compare(previous, report)
    report["seconds"] = round(time.perf_counter() - started, 1)
    report = json.loads(json.dumps(report))  # what the JSON file holds, exactly (tuples become lists)
    for path in paths:
        suffix = path.suffix.lower()
        text = to_json(report) if suffix == ".json" else to_csv(probes, outcomes, skipped) if suffix == ".csv" else render(report)
        try:
            write_text(path, text)
        except OSError as exc:
            raise write_error(path, exc) from None
    return Result(report, paths)
