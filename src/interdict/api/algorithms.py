"""The scoring algorithms /match accepts: yente's names, all run by interdict's engine.

yente clients pass `algorithm=logic-v2` (or `best`, `name-based`...) and a
`config` of that algorithm's variables. Refusing those would break drop-in use,
so the names and variables are accepted (a table in data/algorithms.toml) and
anything else is refused the way yente refuses it.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from ..errors import InputError

CONFIG_TYPES: dict[str, type | tuple[type, ...]] = {"string": str, "integer": int, "float": (int, float), "boolean": bool}


@dataclass(frozen=True)
class Algorithms:
    names: tuple[str, ...]
    descriptions: dict[str, str]
    default: str
    best: str
    features: dict[str, dict]
    config: dict[str, dict]

    def resolve(self, name: str | None) -> str:
        """The canonical (lower-case) algorithm name; 'best' resolves to the best one."""
        key = (name or self.default).strip().lower()
        if key == "best":
            return self.best
        if key not in self.names:
            raise InputError(f"Invalid algorithm: {name}")
        return key

    def check_config(self, config: Mapping[str, object]) -> None:
        for key, value in config.items():
            spec = self.config.get(key)
            if spec is None:
                raise InputError(f"Invalid config key: {key!r}. Accepted keys: {', '.join(sorted(self.config))} (they have no effect in interdict).")
            if value is not None and not isinstance(value, CONFIG_TYPES[spec["type"]]):
                raise InputError(f"Invalid config value for {key!r}: expected a {spec['type']}.")

    def response(self) -> dict:
        """The body of GET /algorithms (yente's AlgorithmResponse)."""
        features = {name: {"description": doc["description"], "coefficient": doc["coefficient"], "url": doc["url"]} for name, doc in self.features.items()}
        config = {name: {"type": spec["type"], "description": spec["description"], "default": spec.get("default")} for name, spec in self.config.items()}
        return {
            "algorithms": [
                {
                    "name": name,
                    "description": self.descriptions[name],
                    "features": features,
                    "docs": {"name": name, "description": self.descriptions[name], "config": config, "features": features},
                }
                for name in self.names
            ],
            "default": self.default,
            "best": self.best,
        }


@lru_cache(maxsize=1)
def algorithms() -> Algorithms:
    """The algorithm table, validated when first read."""
    text = resources.files("interdict.api").joinpath("data/algorithms.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)
    names = tuple(row["name"].lower() for row in table["algorithm"])
    descriptions = {row["name"].lower(): row["description"] for row in table["algorithm"]}
    if len(set(names)) != len(names) or "best" in names:
        raise ValueError("algorithms.toml: algorithm names must be unique and not 'best'")
    if table["best"] not in names or table["default"] not in (*names, "best"):
        raise ValueError("algorithms.toml: 'best' and 'default' must name a listed algorithm")
    features = {}
    for name, doc in table["features"].items():
        if not isinstance(doc.get("description"), str) or not isinstance(doc.get("coefficient"), (int, float)):
            raise ValueError(f"algorithms.toml: feature {name} needs a description and a coefficient")
        features[name] = {"description": doc["description"], "coefficient": float(doc["coefficient"]), "url": doc.get("url", "")}
    for name, spec in table.get("config", {}).items():
        if spec.get("type") not in CONFIG_TYPES:
            raise ValueError(f"algorithms.toml: config {name} has type {spec.get('type')!r}; use one of {', '.join(CONFIG_TYPES)}")
    return Algorithms(names, descriptions, table["default"], table["best"], features, dict(table.get("config", {})))
