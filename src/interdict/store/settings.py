"""The tuning values of the list lifecycle, in one place.

Each value has a default, an environment variable and a line on what it
trades off (`HELP`), so an operator can move one knowingly. The store reads
them once when it is opened (`open_store`); tests pass their own.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields

from ..errors import InputError

ENV_PREFIX = "INTERDICT_"


@dataclass(frozen=True)
class StoreSettings:
    max_shrink: float = 0.10
    max_churn: float = 0.25
    keep_snapshots: int = 3

    def __post_init__(self) -> None:
        for name in ("max_shrink", "max_churn"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise InputError(f"{ENV_PREFIX}{name.upper()}={value!r} must be a share between 0 and 1 (e.g. 0.10 for 10%).")
        if self.keep_snapshots < 1:
            raise InputError(f"{ENV_PREFIX}KEEP_SNAPSHOTS={self.keep_snapshots!r} must be at least 1 (the active snapshot).")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> StoreSettings:
        environ = os.environ if environ is None else environ
        values: dict[str, float | int] = {}
        for item in fields(cls):
            name = ENV_PREFIX + item.name.upper()
            raw = environ.get(name)
            if raw is None or not raw.strip():
                continue
            try:
                values[item.name] = int(raw) if item.name == "keep_snapshots" else float(raw)
            except ValueError:
                raise InputError(f"{name}={raw!r} is not a number; fix or unset it ({HELP[item.name]})") from None
        return cls(**values)  # type: ignore[arg-type]  # each value parsed to its field's type above


HELP = {
    "max_shrink": "Largest share of entries a list may lose against its last reviewed baseline (and against the current snapshot) "
    "before an update is refused without --force. Lower catches truncated or partial files sooner; higher lets genuine "
    "mass delistings through without a person looking.",
    "max_churn": "Largest share of the baseline's entries that may disappear or change their names or strong identifiers before "
    "an update is refused without --force. Lower catches a renamed or scrambled file (same count, different people); "
    "higher tolerates the slow drift of many small amendments between reviews.",
    "keep_snapshots": "Snapshots kept per list after an update (the active one included); pinned snapshots and the baseline are "
    "kept besides. More keeps a longer history to compare and roll back to; fewer keeps the store small.",
}
