"""Review states, optimistic locking, the review queue, rule precision, and scores following reviews."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select
from workflow_helpers import score_of

from qa.storage.workflow_models import ReviewEvent
from qa.workflow.errors import ConflictError, InvalidRequest, PermissionDenied
from qa.workflow.reviews import QueueFilter, ReviewState, get_review, review_finding, review_history, review_queue, rule_precision


def test_review_records_state_reviewer_reason_and_history(seeded):
    fid = seeded.findings[("c2", "T-IDIOT")]
    with seeded.db.session() as s:
        r = review_finding(s, seeded.who("quique"), fid, "downgraded", reason="mild", expected_version=0, severity="minor")
    assert (r.state, r.severity, r.original_severity, r.reviewer, r.version) == (
        ReviewState.DOWNGRADED,
        "minor",
        "major",
        "quique",
        1,
    )
    with seeded.db.session() as s:
        r2 = review_finding(s, seeded.who("quela"), fid, "confirmed", reason="on second listen", expected_version=1)
        history = review_history(s, seeded.who("quela"), fid)
    assert r2.version == 2 and r2.severity == "major"
    assert [(h["state"], h["reviewer"], h["severity_after"]) for h in history] == [
        ("downgraded", "quique", "minor"),
        ("confirmed", "quela", "major"),
    ]


def test_invalid_reviews_are_refused(seeded):
    fid = seeded.findings[("c2", "T-IDIOT")]
    with seeded.db.session() as s:
        with pytest.raises(InvalidRequest):
            review_finding(s, seeded.who("quique"), fid, "downgraded", reason="x", expected_version=0, severity="critical")
        with pytest.raises(InvalidRequest):
            review_finding(s, seeded.who("quique"), fid, "confirmed", reason=" ", expected_version=0)
        with pytest.raises(PermissionDenied):
            review_finding(s, seeded.who("sara"), fid, "dismissed", reason="not a QA analyst", expected_version=0)


def test_second_writer_on_the_same_version_gets_a_conflict(seeded):
    fid = seeded.findings[("c1", "T-JAIL")]
    a, b = seeded.who("quique"), seeded.who("quela")
    # Both analysts open the finding (version 0) ...
    with seeded.db.session() as s:
        seen_a, seen_b = get_review(s, a, fid).version, get_review(s, b, fid).version
    # ... the first saves, then the second saves what she saw.
    with seeded.db.session() as s:
        review_finding(s, a, fid, "confirmed", reason="clear threat", expected_version=seen_a)
    with pytest.raises(ConflictError, match="reload"), seeded.db.session() as s:
        review_finding(s, b, fid, "dismissed", reason="I think not", expected_version=seen_b)
    # The same on an already reviewed finding (version 1 -> 2).
    with seeded.db.session() as s:
        review_finding(s, b, fid, "unclear", reason="need audio", expected_version=1)
    with pytest.raises(ConflictError), seeded.db.session() as s:
        review_finding(s, a, fid, "dismissed", reason="stale", expected_version=1)
    with seeded.db.session() as s:
        review = get_review(s, a, fid)
        assert (review.state, review.reviewer, review.version) == (ReviewState.UNCLEAR, "quela", 2)
        assert len(s.scalars(select(ReviewEvent).where(ReviewEvent.finding_id == fid)).all()) == 2


def test_truly_concurrent_writers_exactly_one_wins(seeded):
    fid = seeded.findings[("c4", "T-JAIL")]
    with seeded.db.session() as s:
        review_finding(s, seeded.who("quique"), fid, "unclear", reason="first pass", expected_version=0)
    people = [seeded.who("quique"), seeded.who("quela")]
    barrier, outcomes = threading.Barrier(2), []

    def write(who):
        barrier.wait()
        try:
            with seeded.db.session() as s:
                review_finding(s, who, fid, "confirmed", reason=f"by {who.username}", expected_version=1)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=write, args=(p,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["conflict", "saved"]


def test_queue_orders_by_severity_then_age_then_rule_and_filters(seeded):
    analyst = seeded.who("quique")
    with seeded.db.session() as s:
        queue = review_queue(s, analyst)
        assert [(q.interaction, q.rule_id) for q in queue] == [
            ("c1", "T-JAIL"),  # critical, older
            ("c4", "T-JAIL"),  # critical, newer
            ("c5", "T-IDIOT"),  # major, 2020
            ("c2", "T-HOURS"),  # major, same interaction: by rule
            ("c2", "T-IDIOT"),
            ("c3", "T-FREQ"),  # minor
        ]
        assert [q.interaction for q in review_queue(s, analyst, QueueFilter(team="South"))] == ["c5"]
        assert {q.interaction for q in review_queue(s, analyst, QueueFilter(agent="A1"))} == {"c1", "c2", "c3"}
        assert [q.rule_id for q in review_queue(s, analyst, QueueFilter(family="off_hours"))] == ["T-HOURS"]
        assert review_queue(s, analyst, QueueFilter(jurisdiction="US")) == []
        from datetime import date

        dated = review_queue(s, analyst, QueueFilter(start=date(2026, 3, 3), end=date(2026, 3, 31)))
        assert [q.interaction for q in dated] == ["c4", "c3"]
        review_finding(s, analyst, seeded.findings[("c1", "T-JAIL")], "confirmed", reason="ok", expected_version=0)
        assert ("c1", "T-JAIL") not in [(q.interaction, q.rule_id) for q in review_queue(s, analyst)]


def test_rule_precision_from_reviews(seeded):
    analyst = seeded.who("quique")
    with seeded.db.session() as s:
        review_finding(s, analyst, seeded.findings[("c1", "T-JAIL")], "confirmed", reason="ok", expected_version=0)
        review_finding(s, analyst, seeded.findings[("c4", "T-JAIL")], "dismissed", reason="quoting", expected_version=0)
        review_finding(
            s, analyst, seeded.findings[("c2", "T-IDIOT")], "downgraded", reason="x", expected_version=0, severity="minor"
        )
        review_finding(s, analyst, seeded.findings[("c5", "T-IDIOT")], "unclear", reason="accent", expected_version=0)
        rows = {p.rule_id: p for p in rule_precision(s, analyst)}
    assert (rows["T-JAIL"].confirmed, rows["T-JAIL"].dismissed, rows["T-JAIL"].reviewed_precision) == (1, 1, 0.5)
    assert (rows["T-IDIOT"].downgraded, rows["T-IDIOT"].unclear, rows["T-IDIOT"].reviewed_precision) == (1, 1, 1.0)


def test_score_follows_dismissal_and_downgrade(seeded):
    c2 = seeded.interactions["c2"]
    before = score_of(seeded.db, c2)
    with seeded.db.session() as s:
        review_finding(s, seeded.who("quique"), seeded.findings[("c2", "T-IDIOT")], "dismissed", reason="fp", expected_version=0)
    dismissed = score_of(seeded.db, c2)
    with seeded.db.session() as s:
        review_finding(s, seeded.who("quique"), seeded.findings[("c2", "T-HOURS")], "downgraded", reason="x", expected_version=0,
                       severity="minor")  # fmt: skip
    downgraded = score_of(seeded.db, c2)
    assert before < dismissed < downgraded
