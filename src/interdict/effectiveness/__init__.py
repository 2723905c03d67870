"""Screening-effectiveness testing: how well screening catches listed names written differently, and how
often it alerts on names that are not listed, with the configuration in force (NYDFS Part 504, the EBA
guidelines on restrictive-measures procedures and Wolfsberg guidance ask firms to show both).

    from interdict.effectiveness import effectiveness, load_config
    result = effectiveness([Path("review.html"), Path("review.json")], load_config("screening.toml"))

Sits after match/ in the flow (it screens through the Screener like any front-end).
Surface: `effectiveness()`, `Config`/`load_config()`, `Suppressions` (the good-guy
list seam), `Category`/`CATEGORIES` (the variation registry), `controls()`.
"""

from .categories import CATEGORIES, Category, CategorySpec, Kind
from .config import Config, GoodGuyList, Suppressions, load_config
from .controls import Control, controls
from .review import Result, effectiveness

__all__ = [
    "CATEGORIES",
    "Category",
    "CategorySpec",
    "Config",
    "Control",
    "GoodGuyList",
    "Kind",
    "Result",
    "Suppressions",
    "controls",
    "effectiveness",
    "load_config",
]
