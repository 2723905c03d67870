"""Relations stated in remarks, on remarks as the real lists write them."""

from __future__ import annotations

import pytest

from interdict.relations.edges import EdgeKind
from interdict.relations.remarks import stated_relations


@pytest.mark.parametrize(
    ("remark", "expected"),
    [
        ("Wife of Boris Rotenberg", [(EdgeKind.FAMILY, "wife", "Boris Rotenberg", None)]),  # DFAT
        ("wife of Slobodan Milosevic", [(EdgeKind.FAMILY, "wife", "Slobodan Milosevic", None)]),  # OFAC SDN
        (
            "Salim Kony is a member of the Lord's Resistance Army (CFe.002), a designated entity and the son of LRA leader Joseph Kony (CFi.009), a designated individual.",
            [(EdgeKind.FAMILY, "son", "LRA", "CFi.009")],
        ),  # UN: the reference in the sentence names the target
        ("Daesong Bank is owned and controlled by Office 39 of the Korea Workers’ Party. SWIFT/BIC: KDBKKPPY", [(EdgeKind.OWNERSHIP, "owned and controlled by", "Office 39 of the Korea Workers’ Party", None)]),
        ("Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions: North Korea Sanctions Regulations section 510.214", []),
        ("He is a cousin of Ghazy Fezza Hishan Al Mazidih (QDi.277). Financial facilitator", [(EdgeKind.FAMILY, "cousin", "Ghazy Fezza Hishan Al Mazidih", "QDi.277")]),
    ],
)
def test_remarks_state_relations(remark, expected):
    assert [(item.kind, item.label, item.target, item.reference) for item in stated_relations(remark)] == expected
