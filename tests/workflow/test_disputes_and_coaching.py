"""Disputes within the window with the score following the outcome; coaching with a before/after follow-up."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from workflow_helpers import INTERACTIONS, domain_interaction, score_of

from qa.domain import Finding
from qa.scoring import load_scorecard, score_findings
from qa.storage import repository as repo
from qa.workflow.coaching import acknowledge, follow_up, list_coaching, open_coaching
from qa.workflow.disputes import decide_dispute, list_disputes, open_dispute
from qa.workflow.errors import ConflictError, InvalidRequest, NotFound, PermissionDenied
from qa.workflow.reviews import review_finding


def _confirm(seeded, key, who="quique"):
    with seeded.db.session() as s:
        return review_finding(s, seeded.who(who), seeded.findings[key], "confirmed", reason="heard it", expected_version=0)


def test_overturned_dispute_stops_counting_and_upheld_keeps_counting(seeded):
    c1, c4 = seeded.interactions["c1"], seeded.interactions["c4"]
    _confirm(seeded, ("c1", "T-JAIL"))
    _confirm(seeded, ("c4", "T-JAIL"))
    assert score_of(seeded.db, c1) == 0.0  # threat auto-fails
    with seeded.db.session() as s:
        d1 = open_dispute(s, seeded.who("ana"), seeded.findings[("c1", "T-JAIL")], "I was quoting the consumer")
        d4 = open_dispute(s, seeded.who("beto"), seeded.findings[("c4", "T-JAIL")], "Not me")
    assert d1.status == "open" and d1.opened_by == "ana"
    with seeded.db.session() as s:
        decided = decide_dispute(s, seeded.who("sara"), d1.id, "overturned", reason="context shows a quote")
        decide_dispute(s, seeded.who("quela"), d4.id, "upheld", reason="clear threat")
    assert decided.status == "overturned" and decided.decided_by == "sara" and decided.decided_at is not None
    assert score_of(seeded.db, c1) == 100.0
    assert score_of(seeded.db, c4) == 0.0
    with seeded.db.session() as s, pytest.raises(ConflictError):
        decide_dispute(s, seeded.who("sara"), d1.id, "upheld", reason="again")


def test_dispute_rules(seeded):
    jail = seeded.findings[("c1", "T-JAIL")]
    with seeded.db.session() as s, pytest.raises(InvalidRequest, match="confirmed"):
        open_dispute(s, seeded.who("ana"), jail, "not reviewed yet")
    review = _confirm(seeded, ("c1", "T-JAIL"))
    with seeded.db.session() as s:
        with pytest.raises(PermissionDenied):
            open_dispute(s, seeded.who("beto"), jail, "not my call")
        with pytest.raises(PermissionDenied):
            open_dispute(s, seeded.who("sara"), jail, "supervisors do not dispute")
        with pytest.raises(InvalidRequest, match="window"):
            open_dispute(s, seeded.who("ana"), jail, "late", now=review.reviewed_at + timedelta(hours=49))
        with pytest.raises(InvalidRequest, match="window"):
            open_dispute(
                s, seeded.who("ana"), jail, "late", window=timedelta(hours=1), now=review.reviewed_at + timedelta(hours=2)
            )
    with seeded.db.session() as s:
        dispute = open_dispute(s, seeded.who("ana"), jail, "in time", now=review.reviewed_at + timedelta(hours=47))
    with seeded.db.session() as s:
        with pytest.raises(PermissionDenied):  # the reviewer cannot arbitrate their own review
            decide_dispute(s, seeded.who("quique"), dispute.id, "upheld", reason="I was right")
        with pytest.raises(PermissionDenied):  # another team's supervisor does not see it
            decide_dispute(s, seeded.who("samuel"), dispute.id, "upheld", reason="x")
        assert [d.id for d in list_disputes(s, seeded.who("ana"))] == [dispute.id]
        assert list_disputes(s, seeded.who("beto")) == []
        assert list_disputes(s, seeded.who("samuel")) == []


def _store(seeded, iid, started, with_violation):
    card = load_scorecard("default")
    texts = ["Buenos días, llamo por su cuenta.", "Es usted un idiota." if with_violation else "Gracias por atender."]
    interaction = domain_interaction(iid, "A1", "North", "ACC-9", started, "+573000000001", texts)
    findings = (
        [Finding(interaction_id=iid, rule_id="T-IDIOT", family="abusive_language", severity="major", jurisdiction="CO",
                 citation="x", turn=1, span=(13, 19), evidence="idiota")]
        if with_violation else []
    )  # fmt: skip
    doc = interaction.model_dump(mode="json", exclude_none=True)
    item = repo.StoredInteraction(interaction, doc, f"hash-{iid}", findings, score_findings(card, findings))
    with seeded.db.session() as s:
        repo.store_interactions(
            s, [item], dims=repo.Dimensions(), run_id=None, scan_run_id=None, version="test-pack-1", scorecard=card
        )


def test_coaching_acknowledgement_and_follow_up(seeded):
    # A1 before coaching (from the seed): c1 threat, c2 abusive + off-hours, c3 frequency -> abusive in 1 of 3.
    coached_at = datetime(2026, 3, 10, tzinfo=UTC)
    for k, violation in enumerate([True, False, False, False]):
        _store(seeded, f"after-{k}", f"2026-03-{12 + k}T10:00:00-05:00", violation)
    with seeded.db.session() as s:
        item = open_coaching(s, seeded.who("sara"), [seeded.findings[("c2", "T-IDIOT")]], "Lenguaje respetuoso",
                             due_date=date(2026, 3, 20), now=coached_at)  # fmt: skip
        assert item.families == ["abusive_language"] and item.agent == "A1" and item.status == "open"
        with pytest.raises(PermissionDenied):
            acknowledge(s, seeded.who("sara"), item.id)
        with pytest.raises(NotFound):
            acknowledge(s, seeded.who("beto"), item.id)
        acknowledged = acknowledge(s, seeded.who("ana"), item.id, comment="Entendido", now=coached_at + timedelta(days=1))
        assert acknowledged.status == "acknowledged"
        result = follow_up(s, seeded.who("sara"), item.id, window_days=30, as_of=datetime(2026, 4, 30, tzinfo=UTC))
    assert (result.before.interactions, result.before.with_violation) == (3, 1)
    assert (result.after.interactions, result.after.with_violation) == (4, 1)
    assert result.before.rate == pytest.approx(1 / 3) and result.after.rate == 0.25
    assert result.change == pytest.approx(0.25 - 1 / 3)


def test_coaching_scope(seeded):
    with seeded.db.session() as s:
        with pytest.raises(PermissionDenied):  # South's supervisor cannot coach North's agent
            open_coaching(s, seeded.who("samuel"), [seeded.findings[("c2", "T-IDIOT")]], "x")
        with pytest.raises(InvalidRequest):  # one agent per item
            open_coaching(s, seeded.who("sara"), [seeded.findings[("c2", "T-IDIOT")], seeded.findings[("c4", "T-JAIL")]], "x")
        item = open_coaching(s, seeded.who("sara"), [seeded.findings[("c2", "T-IDIOT")]], "x")
        assert [c.id for c in list_coaching(s, seeded.who("ana"))] == [item.id]
        assert list_coaching(s, seeded.who("beto")) == [] and list_coaching(s, seeded.who("samuel")) == []
        with pytest.raises(NotFound):
            follow_up(s, seeded.who("beto"), item.id)
    assert len(INTERACTIONS) == 5
