"""Official list sources: the registry (data) and the parsers (one module per format).

`registry.toml` holds one row per dataset; `parse_files` runs the right parser
over raw bytes. Nothing here touches the store or the network.
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from types import ModuleType

from ..errors import FormatError, SourceError, UnknownDatasetError
from .base import ParseResult

PARSERS = (
    "ofac_csv",
    "ofac_xml",
    "ofac_enhanced",
    "un_xml",
    "uk_tables",
    "uk_fcdo_xml",
    "eu_fsf_xml",
    "eu_flat",
    "ca_sema",
    "au_dfat",
    "us_csl",
)


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    publisher: str
    jurisdiction: str
    licence: str
    homepage: str
    parser: str
    source_id: str
    files: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def registry() -> dict[str, Source]:
    """All known sources by dataset id, validated when first read."""
    text = resources.files(__package__).joinpath("registry.toml").read_text(encoding="utf-8")
    table = tomllib.loads(text)
    sources: dict[str, Source] = {}
    for row in table["source"]:
        source = Source(**row)
        if source.parser not in PARSERS:
            raise SourceError(f"registry.toml: source {source.id} names unknown parser {source.parser!r}")
        if not source.files:
            raise SourceError(f"registry.toml: source {source.id} has no files")
        sources[source.id] = source
    return sources


def get_source(dataset: str) -> Source:
    try:
        return registry()[dataset]
    except KeyError:
        known = ", ".join(registry())
        raise UnknownDatasetError(f"Unknown dataset {dataset!r}. Known datasets: {known}.") from None


def parser_module(name: str) -> ModuleType:
    if name not in PARSERS:
        raise SourceError(f"Unknown parser {name!r}; known: {', '.join(PARSERS)}")
    return importlib.import_module(f"{__package__}.{name}")


def parse_files(dataset: str, files: dict[str, bytes], parser: str | None = None) -> ParseResult:
    """Parse a dataset's raw files with its registered parser (or the one named)."""
    source = get_source(dataset)
    module = parser_module(parser or source.parser)
    roles = getattr(module, "REQUIRED_ROLES", ("main",))
    missing = [role for role in roles if role not in files]
    if missing:
        raise FormatError(f"{dataset}: parser {module.__name__.rsplit('.', 1)[-1]} needs files for roles {missing}.")
    result: ParseResult = module.parse(files, dataset)
    return result
