"""The configuration in force for a test: threshold, lists, schemas, sample, and the good-guy list.

Read from a TOML file (`--config`) and overridden by command-line flags, so the
run tests the settings production uses, written down where an auditor can read
them:

    threshold = 0.70                 # the match threshold in force
    sweep = [0.5, 0.6, 0.7, 0.8, 0.9] # thresholds the trade-off chart shows (default 0.50…0.95)
    datasets = ["us_ofac_sdn", "un_sc_sanctions"]   # the lists screened against (default: all loaded)
    schemas = ["Person", "Organization"]            # the parties sampled (default: all)
    sample = 50                      # entries per list and schema
    seed = 17

    [suppress]                       # the good-guy list in force
    entries = ["us_ofac_sdn-12345"]  # list entries never alerted on
    pairs = [{ name = "Sergei Ivanov", entry = "gb_fcdo_sanctions-RUS0001" }]  # one party cleared against one entry

The good-guy list of the case store (issue 14) plugs in through `Suppressions`:
anything with a `suppressed(name, entity_id)` method and a `describe()` works.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from ..errors import InputError
from ..match.settings import SETTINGS
from ..model import SCHEMA_WORDS, Schema
from ..sources import get_source
from ..text.normalize import fold_evasion

DEFAULT_SAMPLE = 50
DEFAULT_SEED = 17
DEFAULT_SWEEP = tuple(round(0.50 + 0.05 * step, 2) for step in range(10))
KEYS = {"threshold", "sweep", "datasets", "schemas", "sample", "seed", "suppress"}
SUPPRESS_KEYS = {"entries", "pairs"}


def normal_name(text: str) -> str:
    """A name as written, compared without case, punctuation, spacing or evasion characters."""
    folded = fold_evasion(text).text.casefold()
    return " ".join(re.findall(r"[^\W_]+", folded))


class Suppressions(Protocol):
    """A good-guy list: hits it covers are not alerts."""

    def suppressed(self, name: str, entity_id: str) -> bool: ...

    def describe(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class GoodGuyList:
    """Suppressions written in the configuration: whole entries, or (party name, entry) pairs."""

    entries: frozenset[str] = frozenset()
    pairs: frozenset[tuple[str, str]] = frozenset()  # (normal_name(party), entity id)
    source: str = "configuration"  # or "case store": the approved false positives (`--good-guys`)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]], source: str) -> GoodGuyList:
        """A good-guy list of (party name, entry id) pairs as written (e.g. the case store's approved false positives)."""
        return cls(pairs=frozenset((normal_name(name), entity_id) for name, entity_id in pairs), source=source)

    def suppressed(self, name: str, entity_id: str) -> bool:
        return entity_id in self.entries or (normal_name(name), entity_id) in self.pairs

    def describe(self) -> dict[str, Any]:
        return {"source": self.source, "entries": sorted(self.entries), "pairs": [list(p) for p in sorted(self.pairs)]}


@dataclass(frozen=True)
class Config:
    threshold: float = SETTINGS.threshold
    sweep: tuple[float, ...] = DEFAULT_SWEEP
    datasets: tuple[str, ...] | None = None  # None: every loaded list
    schemas: frozenset[Schema] | None = None  # None: every schema
    sample: int = DEFAULT_SAMPLE
    seed: int = DEFAULT_SEED
    suppress: GoodGuyList = field(default_factory=GoodGuyList)
    source: str | None = None  # the file it was read from

    def describe(self) -> dict[str, Any]:
        return {
            "threshold": self.threshold,
            "sweep": list(self.sweep),
            "datasets": list(self.datasets) if self.datasets else "all loaded",
            "schemas": sorted(s.value for s in self.schemas) if self.schemas else "all",
            "sample": self.sample,
            "seed": self.seed,
            "suppressions": self.suppress.describe(),
            "config_file": self.source,
        }

    def with_overrides(
        self,
        threshold: float | None = None,
        datasets: list[str] | None = None,
        sample: int | None = None,
        seed: int | None = None,
        schemas: list[str] | None = None,
    ) -> Config:
        """The command line wins over the file."""
        config = self
        if threshold is not None:
            config = replace(config, threshold=check_threshold(threshold, "--threshold"))
        if datasets:
            config = replace(config, datasets=check_datasets(datasets, "--dataset"))
        if sample is not None:
            config = replace(config, sample=check_sample(sample, "--sample"))
        if seed is not None:
            config = replace(config, seed=seed)
        if schemas:
            config = replace(config, schemas=check_schemas(schemas, "--schema"))
        return config


def check_threshold(value: object, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < float(value) <= 1:
        raise InputError(f"{what} must be a number above 0 and at most 1 (e.g. 0.7), not {value!r}.")
    return float(value)


def check_sample(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100_000:
        raise InputError(f"{what} must be a whole number of entries per list and schema, 1 to 100000, not {value!r}.")
    return value


def check_datasets(value: object, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
        raise InputError(f"{what} must be a list of dataset ids, e.g. [\"us_ofac_sdn\", \"un_sc_sanctions\"].")
    for dataset in value:
        get_source(dataset)  # UnknownDatasetError names the known ones
    return tuple(dict.fromkeys(value))


def check_schemas(value: object, what: str) -> frozenset[Schema]:
    if not isinstance(value, list) or not value or not all(isinstance(item, str) for item in value):
        raise InputError(f"{what} must be a list of schemas, e.g. [\"Person\", \"Organization\"].")
    schemas: set[Schema] = set()
    for item in value:
        schema = SCHEMA_WORDS.get(item.casefold())
        if schema is None:
            raise InputError(f"{what}: unknown schema {item!r}; use Person, Organization, Company, LegalEntity, Vessel or Airplane.")
        schemas.add(schema)
    if schemas & {Schema.ORGANIZATION, Schema.COMPANY}:
        schemas |= {Schema.ORGANIZATION, Schema.COMPANY}  # they include each other, as everywhere else
    return frozenset(schemas)


def _suppress(value: object, path: Path) -> GoodGuyList:
    if not isinstance(value, dict):
        raise InputError(f"{path}: [suppress] must be a table with `entries` and/or `pairs`.")
    unknown = set(value) - SUPPRESS_KEYS
    if unknown:
        raise InputError(f"{path}: unknown key(s) in [suppress]: {', '.join(sorted(unknown))}; known: entries, pairs.")
    entries = value.get("entries", [])
    if not isinstance(entries, list) or not all(isinstance(e, str) and e.strip() for e in entries):
        raise InputError(f"{path}: suppress.entries must be a list of entry ids, e.g. [\"us_ofac_sdn-12345\"].")
    pairs: set[tuple[str, str]] = set()
    for n, pair in enumerate(value.get("pairs", []) if isinstance(value.get("pairs", []), list) else [None], 1):
        if not isinstance(pair, dict) or set(pair) != {"name", "entry"} or not all(isinstance(pair[k], str) and pair[k].strip() for k in pair):
            raise InputError(f"{path}: suppress.pairs item {n} must be {{ name = \"party name\", entry = \"entry id\" }}.")
        pairs.add((normal_name(pair["name"]), pair["entry"].strip()))
    return GoodGuyList(frozenset(e.strip() for e in entries), frozenset(pairs))


def load_config(path: Path | str | None) -> Config:
    """The configuration in a TOML file (defaults without one); a clear InputError for anything wrong in it."""
    if path is None:
        return Config()
    path = Path(path)
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except FileNotFoundError:
        raise InputError(f"Config file {path} does not exist.") from None
    except IsADirectoryError:
        raise InputError(f"Config file {path} is a folder; give a TOML file.") from None
    except UnicodeDecodeError:
        raise InputError(f"Config file {path} is not UTF-8 text.") from None
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"Config file {path} is not valid TOML: {exc}.") from None
    except OSError as exc:
        raise InputError(f"Cannot read config file {path}: {exc.strerror or exc}.") from None
    unknown = set(data) - KEYS
    if unknown:
        raise InputError(f"{path}: unknown setting(s) {', '.join(sorted(unknown))}; known: {', '.join(sorted(KEYS))}.")
    config = Config(source=str(path))
    if "threshold" in data:
        config = replace(config, threshold=check_threshold(data["threshold"], f"{path}: threshold"))
    if "sweep" in data:
        sweep = data["sweep"]
        if not isinstance(sweep, list) or not sweep:
            raise InputError(f"{path}: sweep must be a list of thresholds, e.g. [0.5, 0.6, 0.7, 0.8, 0.9].")
        config = replace(config, sweep=tuple(sorted({check_threshold(t, f'{path}: sweep') for t in sweep})))
    if "datasets" in data:
        config = replace(config, datasets=check_datasets(data["datasets"], f"{path}: datasets"))
    if "schemas" in data:
        config = replace(config, schemas=check_schemas(data["schemas"], f"{path}: schemas"))
    if "sample" in data:
        config = replace(config, sample=check_sample(data["sample"], f"{path}: sample"))
    if "seed" in data:
        seed = data["seed"]
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise InputError(f"{path}: seed must be a whole number, not {seed!r}.")
        config = replace(config, seed=seed)
    if "suppress" in data:
        config = replace(config, suppress=_suppress(data["suppress"], path))
    return config
