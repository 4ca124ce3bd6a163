"""An agent trying every service on another agent's interaction gets nothing or PermissionDenied; scopes per role."""

from __future__ import annotations

import pytest

from qa.workflow import audit
from qa.workflow.calibration import create_calibration
from qa.workflow.cases import SearchQuery, open_case, search_interactions
from qa.workflow.coaching import list_coaching, open_coaching
from qa.workflow.disputes import list_disputes, open_dispute
from qa.workflow.errors import NotFound, PermissionDenied
from qa.workflow.export import export_case
from qa.workflow.interactions import (
    find_interaction,
    get_interaction,
    interaction_document,
    interaction_findings,
    list_interactions,
    transcript,
)
from qa.workflow.retention import apply_retention
from qa.workflow.reviews import QueueFilter, get_review, review_finding, review_history, review_queue, rule_precision
from qa.workflow.users import list_users

DENIED = (PermissionDenied, NotFound)


def test_agent_cannot_reach_another_agents_interaction_through_any_service(seeded, tmp_path):
    ana = seeded.who("ana")  # agent A1; c4 belongs to A2
    other, finding = seeded.interactions["c4"], seeded.findings[("c4", "T-JAIL")]
    with seeded.db.session() as s:
        review_finding(s, seeded.who("quique"), finding, "confirmed", reason="ok", expected_version=0)
        case = open_case(s, seeded.who("lucia"), "c", account="ACC-2")
    attempts = {
        "get_interaction": lambda s: get_interaction(s, ana, other),
        "find_interaction": lambda s: find_interaction(s, ana, "c4"),
        "interaction_findings": lambda s: interaction_findings(s, ana, other),
        "transcript": lambda s: transcript(s, ana, other),
        "transcript_unredacted": lambda s: transcript(s, ana, other, unredacted=True),
        "interaction_document": lambda s: interaction_document(s, ana, other),
        "get_review": lambda s: get_review(s, ana, finding),
        "review_history": lambda s: review_history(s, ana, finding),
        "review_finding": lambda s: review_finding(s, ana, finding, "dismissed", reason="x", expected_version=1),
        "review_queue": lambda s: review_queue(s, ana),
        "rule_precision": lambda s: rule_precision(s, ana),
        "open_dispute": lambda s: open_dispute(s, ana, finding, "not mine"),
        "open_coaching": lambda s: open_coaching(s, ana, [finding], "x"),
        "search": lambda s: search_interactions(s, ana, SearchQuery(account="ACC-2")),
        "open_case": lambda s: open_case(s, ana, "x", account="ACC-2"),
        "export": lambda s: export_case(s, ana, case.id, tmp_path),
        "calibration": lambda s: create_calibration(s, ana, "x", [other], ["quique", "quela"]),
        "audit_entries": lambda s: audit.entries(s, ana),
        "retention": lambda s: apply_retention(s, ana, days=1),
        "users": lambda s: list_users(s, ana),
    }
    for name, attempt in attempts.items():
        with pytest.raises(DENIED), seeded.db.session() as s:
            attempt(s)
            pytest.fail(f"{name} let agent A1 through")
    with seeded.db.session() as s:
        # Lists answer with the agent's own rows only.
        assert {i.source_id for i in list_interactions(s, ana)} == {"c1", "c2", "c3"}
        assert list_interactions(s, ana, agent="A2") == []
        assert list_disputes(s, ana) == [] and list_coaching(s, ana) == []


@pytest.mark.parametrize(
    ("user", "visible"),
    [
        ("ana", {"c1", "c2", "c3"}),
        ("beto", {"c4"}),
        ("sara", {"c1", "c2", "c3", "c4"}),
        ("samuel", {"c5"}),
        ("quique", {"c1", "c2", "c3", "c4", "c5"}),
        ("lucia", {"c1", "c2", "c3", "c4", "c5"}),
    ],
)
def test_scope_per_role(seeded, user, visible):
    with seeded.db.session() as s:
        assert {i.source_id for i in list_interactions(s, seeded.who(user))} == visible


def test_transcripts_are_masked_except_for_legal_and_unmasked_views_are_audited(seeded):
    c1 = seeded.interactions["c1"]
    with seeded.db.session() as s:
        masked = transcript(s, seeded.who("ana"), c1)
        assert "[CARD]" in masked[1].text and "4111" not in masked[1].text
        with pytest.raises(PermissionDenied):
            transcript(s, seeded.who("quique"), c1, unredacted=True)
        plain = transcript(s, seeded.who("lucia"), c1, unredacted=True)
        assert "4111 1111 1111 1111" in plain[1].text
    with seeded.db.session() as s:
        views = audit.entries(s, seeded.who("root"), action="transcript.view_unredacted")
        assert [(v["actor"], v["object_id"]) for v in views] == [("lucia", str(c1))]


def test_supervisor_queue_filters_stay_in_scope(seeded):
    with seeded.db.session() as s:
        assert review_queue(s, seeded.who("root"), QueueFilter(team="South"))[0].interaction == "c5"
