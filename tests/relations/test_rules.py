"""The ownership rules are data: every value says what it trades off, and a bad table is refused clearly."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from interdict.errors import InputError
from interdict.relations import JURISDICTIONS, default_rules, parse_rules, rules_for

DATA = resources.files("interdict.relations").joinpath("data")
EXPLAINED = ("lists", "threshold", "inclusive", "aggregate", "control", "minority", "majority_is_control")


def test_every_value_of_every_jurisdiction_has_its_why():
    table = tomllib.loads(DATA.joinpath("ownership_rules.toml").read_text(encoding="utf-8"))
    assert tuple(table) == JURISDICTIONS
    for code, rule in table.items():
        assert rule["rule"] and rule["basis"], code
        for key in EXPLAINED:
            if key in rule or key == "threshold":
                assert str(rule.get(f"{key}_why", "")).strip(), f"[{code}] {key} has no line on what it trades off"


def test_every_remark_wording_says_why():
    table = tomllib.loads(DATA.joinpath("remark_phrases.toml").read_text(encoding="utf-8"))
    assert all(row["why"].strip() for row in table["phrase"]) and table["stop"]["why"].strip()


def test_the_rules_read_as_the_issue_states_them():
    rules = default_rules()
    assert rules["us"].reaches(50) and not rules["us"].reaches(49.99)
    assert rules["eu"].reaches(50.01) and not rules["eu"].reaches(50)
    assert rules["gb"].aggregate is False and rules["gb"].control.value == "block"
    assert rules["us"].control.value == "none" and rules["eu"].control.value == "review"
    assert rules["ca"].threshold is None and rules["au"].threshold is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[us]\nrule = 'x'\nbasis = 'y'\nlists = []\nthreshold = 150\n", "threshold must be in"),
        ("[us]\nrule = 'x'\nbasis = 'y'\nlists = []\nwhatever = 1\n", "unknown key(s) whatever"),
        ("[us]\nrule = 'x'\nlists = []\n", "'basis'"),
        ("[us]\nrule = 'x'\nbasis = 'y'\nlists = []\ncontrol = 'maybe'\n", "'maybe' is not a valid Effect"),
        ("[us\n", "not valid TOML"),
    ],
)
def test_a_bad_rules_table_is_refused_naming_what_is_wrong(text, message):
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_rules(text)


def test_an_unknown_jurisdiction_is_named():
    with pytest.raises(InputError, match="Unknown jurisdiction"):
        rules_for(["xx"])
