"""Kappa against hand-computed examples, and a blind calibration session end to end.

Hand computation for the session below (three reviewers, four findings; C confirmed,
D dismissed, U unclear):

    finding   quela quique root   P_i = (sum n_ij^2 - 3) / 6
    c1 JAIL     C     C     C     (9 - 3) / 6 = 1
    c2 HOURS    C     C     D     (4 + 1 - 3) / 6 = 1/3
    c2 IDIOT    D     D     D     1
    c3 FREQ     C     D     U     (1 + 1 + 1 - 3) / 6 = 0

    P-bar = (1 + 1/3 + 1 + 0) / 4 = 7/12
    p_C = 6/12, p_D = 5/12, p_U = 1/12 -> Pe = (36 + 25 + 1) / 144 = 31/72
    Fleiss = (7/12 - 31/72) / (1 - 31/72) = (11/72) / (41/72) = 11/41

    Cohen quela-quique: po = 3/4; quela C 3/4 D 1/4, quique C 1/2 D 1/2: pe = 3/8 + 1/8 = 1/2 -> (3/4 - 1/2) / (1/2) = 1/2
    Cohen quela-root:   po = 2/4; root C 1/4 D 2/4 U 1/4: pe = 3/16 + 2/16 = 5/16 -> (3/16) / (11/16) = 3/11
    Cohen quique-root:  po = 2/4; pe = 1/8 + 2/8 = 3/8 -> (1/8) / (5/8) = 1/5
"""

from __future__ import annotations

import pytest

from qa.workflow.calibration import (
    calibration_report,
    close_calibration,
    create_calibration,
    my_calibration_items,
    record_calibration_decision,
)
from qa.workflow.errors import PermissionDenied
from qa.workflow.kappa import cohen_kappa, fleiss_kappa

# Wikipedia's Cohen example: 20 yes-yes, 5 yes-no, 10 no-yes, 15 no-no -> po 0.7, pe 0.5, kappa 0.4.
COHEN_A = ["y"] * 25 + ["n"] * 25
COHEN_B = ["y"] * 20 + ["n"] * 5 + ["y"] * 10 + ["n"] * 15
# Fleiss (1971) as reproduced on Wikipedia: 10 subjects, 14 raters, 5 categories -> 0.210.
FLEISS_TABLE = [
    [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
]  # fmt: skip


def test_cohen_kappa_hand_computed():
    assert cohen_kappa(COHEN_A, COHEN_B) == pytest.approx(0.4)
    assert cohen_kappa(list("CCDC"), list("CCDD")) == pytest.approx(1 / 2)
    assert cohen_kappa(list("CCDC"), list("CDDU")) == pytest.approx(3 / 11)
    assert cohen_kappa(list("ab"), list("ab")) == pytest.approx(1.0)
    assert cohen_kappa(list("aa"), list("aa")) is None  # chance agreement is total


def test_fleiss_kappa_hand_computed():
    items = [[cat for cat, n in enumerate(row) for _ in range(n)] for row in FLEISS_TABLE]
    assert fleiss_kappa(items) == pytest.approx(0.2099, abs=1e-4)
    assert fleiss_kappa([list("CCC"), list("CCD"), list("DDD"), list("CDU")]) == pytest.approx(11 / 41)
    with pytest.raises(ValueError):
        fleiss_kappa([list("CC"), list("C")])


DECIDED = {
    ("c1", "T-JAIL"): ("confirmed", "confirmed", "confirmed"),
    ("c2", "T-HOURS"): ("confirmed", "confirmed", "dismissed"),
    ("c2", "T-IDIOT"): ("dismissed", "dismissed", "dismissed"),
    ("c3", "T-FREQ"): ("confirmed", "dismissed", "unclear"),
}


def test_blind_calibration_session_report(seeded):
    lead = seeded.who("quique")
    ids = [seeded.interactions[k] for k in ("c1", "c2", "c3")]
    with seeded.db.session() as s:
        cal = create_calibration(s, lead, "Marzo", ids, ["quela", "quique", "root"])
    assert cal.reviewers == ["quela", "quique", "root"] and len(cal.finding_ids) == 4
    for k, name in enumerate(["quela", "quique", "root"]):
        who = seeded.who(name)
        with seeded.db.session() as s:
            items = my_calibration_items(s, who, cal.id)
            assert all(i.my_decision is None for i in items)  # blind: nobody else's decisions
            for key, decisions in DECIDED.items():
                record_calibration_decision(s, who, cal.id, seeded.findings[key], decisions[k])
    with seeded.db.session() as s:
        assert {i.my_decision for i in my_calibration_items(s, seeded.who("root"), cal.id)} == {
            "confirmed",
            "dismissed",
            "unclear",
        }
        with pytest.raises(PermissionDenied):  # a reviewer sees the report only once the session is closed
            calibration_report(s, seeded.who("quela"), cal.id)
        with pytest.raises(PermissionDenied):
            my_calibration_items(s, seeded.who("lucia"), cal.id)
        close_calibration(s, lead, cal.id)
    with seeded.db.session() as s:
        report = calibration_report(s, seeded.who("quela"), cal.id)
    assert report.items == 4 and report.fleiss_kappa == pytest.approx(11 / 41)
    pairs = {(p["a"], p["b"]): p["cohen_kappa"] for p in report.pairs}
    assert pairs[("quela", "quique")] == pytest.approx(1 / 2)
    assert pairs[("quela", "root")] == pytest.approx(3 / 11)
    assert pairs[("quique", "root")] == pytest.approx(1 / 5)
    reviewers = {r["reviewer"]: r for r in report.per_reviewer}
    assert reviewers["quela"]["agreement_with_scanner"] == 0.75 and reviewers["root"]["agreement_with_scanner"] == 0.25
    assert reviewers["quela"]["mean_cohen_kappa"] == pytest.approx((1 / 2 + 3 / 11) / 2)
    rules = {r["rule_id"]: r for r in report.per_rule}
    assert rules["T-JAIL"]["divergent"] == 0 and rules["T-FREQ"]["divergent"] == 1
    assert sorted(report.divergent) == sorted([seeded.findings[("c2", "T-HOURS")], seeded.findings[("c3", "T-FREQ")]])
