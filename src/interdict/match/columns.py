"""Read-only columns over flat buffers: how a saved index is read without unpickling.

A saved index is numpy arrays and flat byte buffers, memory-mapped. Rows that
the matcher needs as Python objects (a list token, an entry's facts, a name's
text) are decoded from their slice of a buffer when first asked for, so opening
an index costs what its few dictionaries cost, processes that open the same
file share its pages, and a query touches only the rows it uses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Generic, TypeVar, overload

import numpy as np

T = TypeVar("T")


def pack(rows: Sequence[bytes]) -> tuple[np.ndarray, np.ndarray]:
    """(data, offsets): rows laid end to end, and where each starts (one more offset than rows)."""
    offsets = np.zeros(len(rows) + 1, dtype=np.int64)
    if rows:
        np.cumsum([len(row) for row in rows], out=offsets[1:])
    data = np.frombuffer(b"".join(rows), dtype=np.uint8) if rows else np.zeros(0, dtype=np.uint8)
    return data, offsets


class Rows(Sequence[T], Generic[T]):
    """Rows decoded from a flat buffer on first access.

    `keep` holds each decoded row for the life of the column: rows that are
    compared by identity (list tokens key the scorer's similarity memo by `id`)
    must be the same object every time.
    """

    def __init__(self, data: np.ndarray, offsets: np.ndarray, decode: Callable[[bytes], T], keep: bool = False):
        self._data = data
        self._offsets = offsets
        self._decode = decode
        self._kept: list[T | None] | None = [None] * (len(offsets) - 1) if keep else None

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, index: int) -> T: ...

    @overload
    def __getitem__(self, index: slice) -> list[T]: ...

    def __getitem__(self, index: int | slice) -> T | list[T]:
        kept = self._kept
        if kept is not None and type(index) is int:
            found = kept[index]  # the hot path: a row decoded before
            if found is not None:
                return found
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        row = self._decode(self._data[self._offsets[index] : self._offsets[index + 1]].tobytes())
        if kept is not None:
            kept[index] = row
        return row

    def __iter__(self) -> Iterator[T]:
        for i in range(len(self)):
            yield self[i]


class IntRuns(Sequence[tuple[int, ...]]):
    """Runs of integers over one flat array (a name's token ids)."""

    def __init__(self, flat: np.ndarray, offsets: np.ndarray):
        self._flat = flat
        self._offsets = offsets.tolist()  # list indexing is faster than numpy scalars here
        self._offset_array = np.asarray(offsets, dtype=np.int64)

    def __len__(self) -> int:
        return len(self._offsets) - 1

    @overload
    def __getitem__(self, index: int) -> tuple[int, ...]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, ...]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, ...] | list[tuple[int, ...]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return tuple(self._flat[self._offsets[index] : self._offsets[index + 1]].tolist())

    def __iter__(self) -> Iterator[tuple[int, ...]]:
        for i in range(len(self)):
            yield self[i]

    def sizes(self) -> np.ndarray:
        return np.diff(self._offset_array)

    def flat(self) -> np.ndarray:
        """Every run's integers, one run after the other."""
        return self._flat

    def offsets(self) -> np.ndarray:
        """Where each run starts in `flat` (one more: where the last ends)."""
        return self._offset_array


class Spans(Mapping[str, np.ndarray]):
    """Keys to slices of one flat array (trigram → vocabulary token ids)."""

    def __init__(self, flat: np.ndarray, spans: dict[str, tuple[int, int]]):
        self._flat = flat
        self._spans = spans

    def __getitem__(self, key: str) -> np.ndarray:
        start, end = self._spans[key]
        return self._flat[start:end]

    def __contains__(self, key: object) -> bool:
        return key in self._spans

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)


class Runs:
    """Per-row runs over parallel flat arrays: row → a slice of each column (a list word's stored typo neighbours).

    The first column holds row ids (neighbours are other rows), which `load` checks are in range.
    """

    def __init__(self, offsets: np.ndarray, columns: tuple[np.ndarray, ...]):
        self.offsets = offsets  # int64, len rows + 1
        self.columns = columns

    def run(self, row: int) -> tuple[np.ndarray, ...]:
        start, end = int(self.offsets[row]), int(self.offsets[row + 1])
        return tuple(column[start:end] for column in self.columns)

    @classmethod
    def pack(cls, runs: Sequence[tuple[np.ndarray, ...]], dtypes: tuple[str, ...]) -> Runs:
        """One run per row, each a tuple of arrays in the order (and of the types) of `dtypes`."""
        offsets = np.zeros(len(runs) + 1, dtype=np.int64)
        if runs:
            np.cumsum([len(run[0]) for run in runs], out=offsets[1:])
        columns = tuple(
            np.concatenate([np.asarray(run[k], dtype=dtype) for run in runs]) if runs else np.zeros(0, dtype=dtype) for k, dtype in enumerate(dtypes)
        )
        return cls(offsets, columns)

    def arrays(self, name: str) -> dict[str, np.ndarray]:
        """The arrays to save, named after `name`."""
        return {f"{name}_offsets": self.offsets, **{f"{name}_{k}": column for k, column in enumerate(self.columns)}}

    @classmethod
    def load(cls, arrays: Mapping[str, np.ndarray], name: str, width: int, rows: int) -> Runs | None:
        """The runs saved under `name` when the arrays are a consistent set for `rows` rows; else None (a damaged or
        older file: the caller does without)."""
        offsets = arrays.get(f"{name}_offsets")
        columns = tuple(arrays.get(f"{name}_{k}") for k in range(width))
        if offsets is None or len(offsets) != rows + 1 or any(column is None for column in columns):
            return None
        present = tuple(column for column in columns if column is not None)
        size = int(offsets[-1]) if len(offsets) else 0
        if any(len(column) != size for column in present) or bool(np.any(np.diff(offsets) < 0)) or (rows and int(offsets[0]) != 0):
            return None
        if size and (int(present[0].max()) >= rows or int(present[0].min()) < 0):
            return None
        return cls(offsets, present)
