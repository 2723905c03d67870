"""The matcher's tuning is one documented object (match/settings.py)."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, replace

import pytest

from interdict.match import scorer
from interdict.match.settings import SETTINGS, MatchSettings, describe


def test_every_setting_says_what_it_trades_off() -> None:
    rows = describe()
    assert len(rows) == len(MatchSettings.__dataclass_fields__)
    for name, value, help_text in rows:
        assert help_text and help_text.endswith(".") and len(help_text) > 20, name
        assert value is not None, name


def test_settings_are_read_not_written() -> None:
    with pytest.raises(FrozenInstanceError):
        SETTINGS.threshold = 0.5  # type: ignore[misc]
    assert replace(SETTINGS, threshold=0.5).threshold == 0.5 and SETTINGS.threshold == 0.7


def test_the_decision_values_are_ordered() -> None:
    assert 0 < SETTINGS.cutoff < SETTINGS.threshold <= 1
    assert SETTINGS.cutoff < SETTINGS.identifier_review_score < SETTINGS.threshold < SETTINGS.identifier_score <= 1
    assert scorer.PAIR_MIN == SETTINGS.pair_min
