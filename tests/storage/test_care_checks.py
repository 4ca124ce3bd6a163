"""Care checks (issue 17): a hardship mention is a review-queue item "was it handled well?", never a violation.

Real data through the service layer: calls ingested with the bundled scanner, outcomes extracted at ingest.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from storage_helpers import write_jsonl
from test_outcomes_store import call, records

from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.rescan import RescanOptions, rescan
from qa.storage import models as m
from qa.storage.outcome_models import CareReview, OutcomeRow
from qa.storage.workflow_models import AuditEntry, FindingReview
from qa.views.queue import QueueQuery, count_queue
from qa.workflow import care, reviews
from qa.workflow.access import Principal
from qa.workflow.errors import ConflictError, InvalidRequest, PermissionDenied
from qa.workflow.users import add_user, get_principal


def _hardship_south() -> dict:
    doc = call(
        "hardship-2",
        "ACC-9",
        "agent: Hello, is this Lee Park?",
        "consumer: Yes, speaking.",
        "agent: This is an attempt to collect a debt about your balance of $640.",
        "consumer: My husband passed away two weeks ago and I am in the hospital, I cannot deal with this now.",
        started_at="2026-03-05T11:00:00-05:00",
    )
    return {**doc, "agent_id": "B7", "team": "South"}


@pytest.fixture
def floor(db, tmp_path):
    raw = [*records(), _hardship_south()]
    ingest(db, [write_jsonl(tmp_path / "in.jsonl", raw)], IngestOptions(progress=False), InlineExecutor())
    with db.session() as s:
        admin = Principal.system("tests")
        add_user(s, admin, "quique", "password-123", "qa_analyst")
        add_user(s, admin, "quela", "password-123", "qa_analyst")
        add_user(s, admin, "sara", "password-123", "supervisor", team_code="North")
        add_user(s, admin, "ana", "password-123", "agent", agent_code="A1")
    return db


def _who(db, username: str) -> Principal:
    with db.session() as s:
        return get_principal(s, username)


def _pk(db, source_id: str) -> int:
    with db.session() as s:
        return s.scalar(select(m.Interaction.id).where(m.Interaction.source_id == source_id))


def test_hardship_contacts_are_care_checks_in_the_queue_and_nothing_else_is(floor):
    with floor.session() as s:
        flagged = set(s.scalars(select(m.Interaction.source_id).join(OutcomeRow).where(OutcomeRow.hardship.is_(True))))
        page = care.care_queue(s, _who(floor, "quique"))
    # The extraction at ingest found the two hardship mentions (job loss; bereavement and illness), not the others.
    assert flagged == {"hardship-1", "hardship-2"}
    assert [r.interaction for r in page.rows] == ["hardship-1", "hardship-2"]  # oldest contact first
    assert page.total == 2 and all(r.kind == "care_check" and r.state == "new" and r.version == 0 for r in page.rows)
    first = page.rows[0]
    assert (first.agent, first.team, first.channel, first.timezone) == ("A1", "North", "call", "America/New_York")
    assert first.local_time.hour == 10  # 10:00 in the consumer's zone


def test_a_verdict_is_recorded_audited_and_never_touches_scores_or_rule_precision(floor):
    analyst = _who(floor, "quique")
    pk = _pk(floor, "hardship-1")
    with floor.session() as s:
        scores_before = dict(s.execute(select(m.Score.interaction_id, m.Score.score)).all())
        precision_before = reviews.rule_precision(s, analyst)
        findings_queue_before = count_queue(s, analyst, QueueQuery())
        findings_before = s.scalar(select(func.count()).select_from(m.Finding))
    with floor.session() as s:
        item = care.check_care(s, analyst, pk, "not_handled_well", reason="Kept pressing for payment", expected_version=0)
    assert (item.state, item.version, item.reviewer, item.reason) == (
        "not_handled_well",
        1,
        "quique",
        "Kept pressing for payment",
    )
    with floor.session() as s:
        assert dict(s.execute(select(m.Score.interaction_id, m.Score.score)).all()) == scores_before
        assert reviews.rule_precision(s, analyst) == precision_before
        assert count_queue(s, analyst, QueueQuery()) == findings_queue_before
        assert s.scalar(select(func.count()).select_from(m.Finding)) == findings_before
        assert s.scalar(select(func.count()).select_from(FindingReview)) == 0
        # Decided: out of the "to check" list, in the decided one; summary by state.
        assert [r.interaction for r in care.care_queue(s, analyst).rows] == ["hardship-2"]
        decided = care.care_queue(s, analyst, care.CareQuery(states=("handled_well", "not_handled_well"))).rows
        assert [(r.interaction, r.state) for r in decided] == [("hardship-1", "not_handled_well")]
        assert care.care_summary(s, analyst) == {"new": 1, "handled_well": 0, "not_handled_well": 1}
        entry = s.scalars(select(AuditEntry).where(AuditEntry.action == "care_check")).one()
        assert entry.object_id == str(pk) and '"not_handled_well"' in entry.details
    # A second analyst changes the verdict with the version read; a stale version conflicts and writes nothing.
    with floor.session() as s:
        again = care.check_care(s, _who(floor, "quela"), pk, "handled_well", reason="Offered a pause", expected_version=1)
    assert (again.state, again.version, again.reviewer) == ("handled_well", 2, "quela")
    with pytest.raises(ConflictError), floor.session() as s:
        care.check_care(s, analyst, pk, "not_handled_well", reason="late", expected_version=1)
    with pytest.raises(ConflictError), floor.session() as s:
        care.check_care(s, analyst, pk, "not_handled_well", reason="late", expected_version=0)
    with floor.session() as s:
        assert s.get(CareReview, pk).state == "handled_well"


def test_bad_requests_and_rights(floor):
    analyst = _who(floor, "quique")
    with pytest.raises(InvalidRequest), floor.session() as s:
        care.check_care(s, analyst, _pk(floor, "promise-1"), "handled_well", reason="no hardship here", expected_version=0)
    with pytest.raises(InvalidRequest), floor.session() as s:
        care.check_care(s, analyst, _pk(floor, "hardship-1"), "violation", reason="x", expected_version=0)
    with pytest.raises(InvalidRequest), floor.session() as s:
        care.check_care(s, analyst, _pk(floor, "hardship-1"), "handled_well", reason="   ", expected_version=0)
    # Agents and supervisors do not review; nothing was written by any of these.
    for username in ("ana", "sara"):
        with pytest.raises(PermissionDenied), floor.session() as s:
            care.care_queue(s, _who(floor, username))
    with floor.session() as s:
        assert s.scalar(select(func.count()).select_from(CareReview)) == 0


def test_filters_and_a_rescan_keeps_the_verdict(floor):
    analyst = _who(floor, "quique")
    with floor.session() as s:
        assert [r.interaction for r in care.care_queue(s, analyst, care.CareQuery(team="South")).rows] == ["hardship-2"]
        assert [r.interaction for r in care.care_queue(s, analyst, care.CareQuery(interaction="HARDSHIP-1")).rows] == [
            "hardship-1"
        ]
        assert care.care_queue(s, analyst, care.CareQuery(agent="nobody")).total == 0
        care.check_care(s, analyst, _pk(floor, "hardship-2"), "handled_well", reason="Paused the account", expected_version=0)
    # Every outcome row recomputed (as after a model change): the verdict outlives its outcome row.
    with floor.session() as s:
        s.execute(OutcomeRow.__table__.update().values(version="old+consumer-000"))
    assert rescan(floor, RescanOptions(progress=False), InlineExecutor()).outcomes == 4
    with floor.session() as s:
        assert care.care_summary(s, analyst) == {"new": 1, "handled_well": 1, "not_handled_well": 0}
