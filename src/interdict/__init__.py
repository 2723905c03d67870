"""interdict: screen names against the official sanctions lists, offline.

    >>> from interdict import screen
    >>> hits = screen("Mohammad Baqer Qalibaf", schema="Person")
    >>> hits[0].entity.caption, hits[0].score, hits[0].match

The public surface is small on purpose; everything else is internal.
"""

from .errors import InputError, InterdictError, NotFoundError, SourceError, StoreError, UnknownDatasetError, UpdateError
from .lists import load_lists
from .match.query import Query
from .match.screener import Hit, Screener
from .model import Entity
from .screening import compare, open_screener, screen

__all__ = [
    "Entity",
    "Hit",
    "InputError",
    "InterdictError",
    "NotFoundError",
    "Query",
    "Screener",
    "SourceError",
    "StoreError",
    "UnknownDatasetError",
    "UpdateError",
    "compare",
    "load_lists",
    "open_screener",
    "screen",
]
