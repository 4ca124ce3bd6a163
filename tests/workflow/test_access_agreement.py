"""Services, views and pages make the same access decisions, for every role, over a generated floor.

The floor is drawn from a seeded generator: teams, agents of whom several change teams halfway
(their later contacts are recorded under the new team), contacts without an agent or without a
team, findings, recordings and coaching items. For every principal (an agent user per agent, a
supervisor per team, the analyst, legal, admin, and an agent and a supervisor with nothing
assigned) the rule of ``qa.workflow.access`` is computed here from the generator's own records and
compared with what each layer answers: the services (``require_interaction``, lists, search, the
review queue, disputes, recordings, coaching), the read views (``qa.views``: Overview, Agents, Coaching,
Disputes, Legal timeline, the interaction panel) and the pages' cached data layer
(``dashboards.data`` and ``dashboards.state.scope_of``, what every page calls).
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from qa.domain import Finding, Interaction
from qa.scoring import load_scorecard, score_findings
from qa.storage import models as m
from qa.storage import repository as repo
from qa.storage import rollups
from qa.views import agents as agent_views
from qa.views import overview as ov
from qa.views.coaching import coachable_findings
from qa.views.disputes import calibration_candidates
from qa.views.interactions import consumer_time, recording
from qa.views.legal import contact_timeline
from qa.views.periods import default_period
from qa.views.queue import QueueQuery, queue_page
from qa.views.scope import Filters
from qa.workflow.access import (
    Principal,
    Right,
    Role,
    can_see_agent,
    handled_by,
    manages,
    require_finding,
    require_interaction,
    scope_of,
)
from qa.workflow.cases import SearchQuery, search_interactions
from qa.workflow.coaching import list_coaching, open_coaching
from qa.workflow.disputes import list_disputes, open_dispute
from qa.workflow.errors import PermissionDenied
from qa.workflow.interactions import list_interactions
from qa.workflow.recordings import masked_recording
from qa.workflow.reviews import QueueFilter, review_finding, review_queue
from qa.workflow.users import add_user, get_principal

TEAMS = ("T1", "T2", "T3")
AGENTS = tuple(f"A{k}" for k in range(1, 8))
RULES = (("R-THREAT", "threat", "critical"), ("R-ABUSE", "abusive_language", "major"), ("R-FREQ", "frequency", "minor"))
START = datetime.fromisoformat("2026-03-02T10:00:00-05:00")


@dataclass(frozen=True)
class Contact:
    source_id: str
    agent: str | None
    team: str | None  # the team recorded on the contact (the agent's team at the time when the record names none)
    audio: bool
    findings: int


@dataclass
class Floor:
    contacts: dict[str, Contact]
    final_team: dict[str, str]  # agent -> team today
    ids: dict[str, int]  # source id -> pk
    agent_ids: dict[str, int]
    finding_ids: dict[int, str]  # finding pk -> source id
    coaching: dict[int, str]  # coaching item id -> agent code
    disputed: set[str]  # source ids with a dispute
    reviewed: set[int]  # finding pks confirmed (out of the pending queue)


def _document(source_id: str, agent: str | None, team: str | None, started: datetime, turns: list[str]) -> Interaction:
    record = {
        "id": source_id, "channel": "call" if agent else "sms", "direction": "outbound", "started_at": started.isoformat(),
        "jurisdiction": "CO", "consumer_timezone": "America/Bogota", "language": "es", "account_id": f"ACC-{source_id}",
        "consumer_phone": "+573001234567",
        "turns": [{"speaker": "agent", "text": t, "start": 3.0 * k, "end": 3.0 * k + 2.5} for k, t in enumerate(turns)],
    }  # fmt: skip
    if agent:
        record |= {"agent_id": agent, "agent_name": f"Agent {agent}"}
    if team:
        record["team"] = team
    return Interaction.model_validate(record)


def _generate(db, media) -> Floor:
    rng = random.Random(16)
    card = load_scorecard("default")
    team = {a: rng.choice(TEAMS) for a in AGENTS}
    movers = rng.sample(AGENTS, 3)
    contacts: dict[str, Contact] = {}
    audio = media / "masked"
    audio.mkdir(parents=True, exist_ok=True)
    dims = repo.Dimensions()
    for phase in (0, 1):
        if phase == 1:  # halfway, some agents change teams: their later contacts carry the new team
            for agent in movers:
                team[agent] = rng.choice([t for t in TEAMS if t != team[agent]])
        items = []
        for k in range(18):
            source_id = f"c{phase}{k:02d}"
            agent = None if k % 9 == 8 else rng.choice(AGENTS)
            named_team = rng.choice(TEAMS) if agent is None else (None if k % 7 == 3 else team[agent])
            recorded_team = named_team if agent is None or named_team else team[agent]
            turns = ["Buenos días, le habla la oficina de cobranza.", "Usted irá a la cárcel, idiota."]
            chosen = [r for r in RULES if rng.random() < 0.5]
            findings = [
                Finding(interaction_id=source_id, rule_id=rule, family=family, severity=severity, jurisdiction="CO",
                        citation="Ley 2300 de 2023", turn=1, evidence="cárcel", explanation=f"{rule} fired", span=(10, 16))
                for rule, family, severity in chosen
            ]  # fmt: skip
            interaction = _document(source_id, agent, named_team, START + timedelta(days=phase * 7 + k % 6, hours=k), turns)
            document = interaction.model_dump(mode="json", exclude_none=True)
            has_audio = agent is not None and rng.random() < 0.3
            path = None
            if has_audio:
                path = audio / f"{source_id}.wav"
                path.write_bytes(b"RIFF-test-audio-" + source_id.encode())
            digest = hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()
            items.append(repo.StoredInteraction(interaction, document, digest, findings, score_findings(card, findings),
                                                audio_path=str(path) if path else None))  # fmt: skip
            contacts[source_id] = Contact(source_id, agent, recorded_team, has_audio, len(findings))
        with db.session() as s:
            repo.ensure_rule_pack(s, "agreement-1")
            repo.store_interactions(s, items, dims=dims, run_id=None, scan_run_id=None, version="agreement-1", scorecard=card)
    admin = Principal.system("tests")
    with db.session() as s:
        ids = dict(s.execute(select(m.Interaction.source_id, m.Interaction.id)).all())
        agent_ids = dict(s.execute(select(m.Agent.code, m.Agent.id)).all())
        joined = select(m.Finding.id, m.Interaction.source_id).join(m.Interaction, m.Interaction.id == m.Finding.interaction_id)
        finding_ids = dict(s.execute(joined).all())
        for agent in AGENTS:
            add_user(s, admin, f"agent-{agent}", "password-123", "agent", agent_code=agent)
        for code in TEAMS:
            add_user(s, admin, f"sup-{code}", "password-123", "supervisor", team_code=code)
        for role in ("qa_analyst", "legal", "admin"):
            add_user(s, admin, f"user-{role}", "password-123", role)
    floor = Floor(contacts, dict(team), ids, agent_ids, finding_ids, {}, set(), set())
    with db.session() as s:  # one coaching item per agent, opened by the supervisor of their team today
        for agent in AGENTS:
            mine = [f for f, source in finding_ids.items() if contacts[source].agent == agent]
            supervisor = get_principal(s, f"sup-{team[agent]}")
            if mine:  # the whole history of an agent on the team today is the supervisor's to coach from
                floor.coaching[open_coaching(s, supervisor, mine[:1], "Revisar / Review").id] = agent
    with db.session() as s:  # the analyst confirms each agent's last finding; the agent disputes it
        analyst = get_principal(s, "user-qa_analyst")
        for agent in AGENTS:
            mine = [f for f, source in finding_ids.items() if contacts[source].agent == agent]
            if mine:
                review_finding(s, analyst, mine[-1], "confirmed", reason="oído / heard", expected_version=0)
                open_dispute(s, get_principal(s, f"agent-{agent}"), mine[-1], "No lo dije así / not what I said")
                floor.reviewed.add(mine[-1])
                floor.disputed.add(finding_ids[mine[-1]])
    return floor


def _expected(floor: Floor, who: Principal, codes: dict[int, str]) -> set[str]:
    """The access rule, stated from the generator's records (not from the code under test)."""
    if who.role in (Role.QA_ANALYST, Role.LEGAL, Role.ADMIN):
        return set(floor.contacts)
    if who.role == Role.AGENT:
        mine = codes.get(who.agent_id) if who.agent_id is not None else None
        return {c.source_id for c in floor.contacts.values() if mine is not None and c.agent == mine}
    if who.role == Role.SUPERVISOR and who.team_id is not None:
        team = codes[who.team_id]
        return {
            c.source_id
            for c in floor.contacts.values()
            if c.team == team or (c.agent is not None and floor.final_team[c.agent] == team)
        }
    return set()


def _principals(db) -> list[Principal]:
    names = [f"agent-{a}" for a in AGENTS] + [f"sup-{t}" for t in TEAMS] + [f"user-{r}" for r in ("qa_analyst", "legal", "admin")]
    with db.session() as s:
        out = [get_principal(s, name) for name in names]
    return out + [Principal(None, "agent-unassigned", Role.AGENT), Principal(None, "sup-unassigned", Role.SUPERVISOR)]


def _allowed(call) -> bool:
    try:
        call()
    except PermissionDenied:
        return False
    return True


@pytest.fixture
def floor(db, tmp_path, monkeypatch) -> Floor:
    monkeypatch.setenv("QA_MEDIA_DIR", str(tmp_path / "media"))
    return _generate(db, tmp_path / "media")


def test_services_views_and_pages_agree_for_every_role(db, db_url, floor, monkeypatch):
    monkeypatch.setenv("QA_DATABASE_URL", db_url)
    from dashboards import data, state

    with db.session() as s:
        rollups.refresh(s, everything=True)
        team_codes = dict(s.execute(select(m.Team.id, m.Team.code)).all())
        agent_codes = {v: k for k, v in floor.agent_ids.items()}
    by_pk = {pk: source for source, pk in floor.ids.items()}
    movers = {a for a in AGENTS if any(c.agent == a and c.team != floor.final_team[a] for c in floor.contacts.values())}
    assert movers, "the generated floor must hold agents who changed teams"
    assert floor.disputed and floor.coaching and any(c.audio for c in floor.contacts.values())
    checked_moves = 0
    for who in _principals(db):
        lookup = agent_codes if who.role == Role.AGENT else team_codes
        expected = _expected(floor, who, lookup)
        expected_ids = sorted(floor.ids[c] for c in expected)
        with db.session() as s:
            scope = scope_of(who)
            # Services
            services = {
                source for source, pk in floor.ids.items() if _allowed(lambda pk=pk, who=who: require_interaction(s, who, pk))
            }
            assert services == expected, who.username
            assert {i.source_id for i in list_interactions(s, who, limit=1000)} == expected, who.username
            if who.can(Right.SEARCH):
                found = {i.source_id for i in search_interactions(s, who, SearchQuery(phone="+573001234567", limit=1000))}
                assert found == expected, who.username
            for finding, source in floor.finding_ids.items():
                assert _allowed(lambda f=finding, who=who: require_finding(s, who, f)) == (source in expected), (
                    who.username,
                    source,
                )
            recorded = {c.source_id for c in floor.contacts.values() if c.audio}
            heard = {c for c in recorded if _allowed(lambda c=c, who=who: masked_recording(s, who, floor.ids[c]))}
            assert heard == recorded & expected, who.username
            with_findings = {c.source_id for c in floor.contacts.values() if c.findings}
            pending = {source for f, source in floor.finding_ids.items() if f not in floor.reviewed}
            if who.can(Right.REVIEW):
                queued = {i.interaction for i in review_queue(s, who, QueueFilter(), limit=1000)}
                assert queued == pending & expected, who.username
                paged = queue_page(s, who, QueueQuery(), page_size=500)
                assert {by_pk[r.interaction_id] for r in paged.rows} == pending & expected, who.username
            assert {d.interaction for d in list_disputes(s, who)} == floor.disputed & expected, who.username
            seen_agents = {a for a in AGENTS if can_see_agent(s, who, floor.agent_ids[a])}
            coached = {floor.coaching[c.id] for c in list_coaching(s, who)}
            assert coached == seen_agents & set(floor.coaching.values()), who.username
            # Views
            timeline = contact_timeline(s, scope, list(floor.ids.values()))
            assert set(timeline["source_id"]) == expected, who.username
            assert {c for c, pk in floor.ids.items() if consumer_time(s, scope, pk) is not None} == expected, who.username
            assert {c for c in recorded if recording(s, scope, floor.ids[c]) is not None} == recorded & expected
            contacts, findings = ov.contact_rows(s, scope, Filters()), ov.finding_rows(s, scope, Filters())
            assert int(contacts["contacts"].sum()) == len(expected), who.username
            assert int(findings["findings"].sum()) == sum(floor.contacts[c].findings for c in expected), who.username
            daily = agent_views.daily_scores(s, scope)
            assert int(daily["interactions"].sum()) == sum(1 for c in expected if floor.contacts[c].agent), who.username
            directory = set(agent_views.agent_directory(s, scope)["code"])
            assert directory == seen_agents, who.username
            for agent in AGENTS:
                has = any(floor.contacts[c].agent == agent and floor.contacts[c].findings for c in floor.contacts)
                shown = not agent_views.agent_breakdown(s, scope, floor.agent_ids[agent]).empty
                assert shown == (agent in seen_agents and has), (who.username, agent)
                coachable = not coachable_findings(s, scope, floor.agent_ids[agent]).empty
                assert coachable == (agent in seen_agents and has), (who.username, agent)
            candidates = set(calibration_candidates(s, scope, limit=1000)["source_id"])
            assert candidates == with_findings & expected, who.username
            assert (default_period(s, scope, "week") is None) == (not expected), who.username
            if who.role == Role.SUPERVISOR and who.team_id is not None:
                team = team_codes[who.team_id]
                checked_moves += sum(1 for c in expected if floor.contacts[c].agent in movers and floor.contacts[c].team != team)
        # Pages: the cached data layer every page calls, keyed by the same principal
        assert state.scope_of(who) == scope
        page_contacts, _ = data.overview_rows(db_url, who, Filters())
        assert int(page_contacts["contacts"].sum()) == len(expected), who.username
        assert set(data.agent_directory(db_url, who)["code"]) == seen_agents, who.username
        assert set(data.contact_timeline(db_url, who, tuple(expected_ids + list(floor.ids.values())))["source_id"]) == expected
        assert int(data.daily_scores(db_url, who, None, None)["interactions"].sum()) == int(daily["interactions"].sum())
        if who.can(Right.SEARCH):
            page_search = data.search(db_url, who, SearchQuery(phone="+573001234567", limit=1000))
            assert set(page_search["source_id"]) == expected, who.username
        if who.can(Right.REVIEW):
            page = data.queue_page(db_url, who, QueueQuery(), 0, 500)
            assert {by_pk[r.interaction_id] for r in page.rows} == pending & expected, who.username
        assert {d.interaction for d in data.disputes(db_url, who)} == floor.disputed & expected, who.username
    # The new supervisors saw their movers' contacts from before the move, on every layer alike.
    assert checked_moves > 0
    state.data_changed()


def test_a_moved_agent_is_whole_for_the_new_team_and_partial_for_the_old(db, floor):
    """The example the rule was written for: the same answer on the queue, search, Overview and Agents."""
    mover = next(a for a in AGENTS if any(c.agent == a and c.team != floor.final_team[a] for c in floor.contacts.values()))
    own = {c.source_id for c in floor.contacts.values() if c.agent == mover}
    old_teams = {c.team for c in floor.contacts.values() if c.agent == mover} - {floor.final_team[mover]}
    with db.session() as s:
        rollups.refresh(s, everything=True)
        new = get_principal(s, f"sup-{floor.final_team[mover]}")
        seen = {i.source_id for i in list_interactions(s, new, limit=1000, agent=mover)}
        assert seen == own
        contacts = ov.contact_rows(s, scope_of(new), Filters())
        assert int(contacts["contacts"].sum()) == len(_expected(floor, new, {new.team_id: floor.final_team[mover]}))
        assert mover in set(agent_views.agent_directory(s, scope_of(new))["code"])
        for old_team in old_teams:
            old = get_principal(s, f"sup-{old_team}")
            handled_there = {c.source_id for c in floor.contacts.values() if c.agent == mover and c.team == old_team}
            assert {i.source_id for i in list_interactions(s, old, limit=1000, agent=mover)} == handled_there
            assert not can_see_agent(s, old, floor.agent_ids[mover])
            assert mover not in set(agent_views.agent_directory(s, scope_of(old))["code"])
            assert agent_views.agent_breakdown(s, scope_of(old), floor.agent_ids[mover]).empty


@pytest.mark.parametrize(
    ("who", "agent_id", "created_by", "handles", "manages_it"),
    [
        (Principal(7, "agent", Role.AGENT, agent_id=3), 3, 7, True, True),
        (Principal(7, "agent", Role.AGENT, agent_id=3), 4, 8, False, False),
        (Principal(8, "unassigned", Role.AGENT), None, None, False, False),  # no agent: handles nothing, not even None
        (Principal(9, "sup", Role.SUPERVISOR, team_id=1), 3, 9, False, True),
        (Principal(None, "system:x", Role.ADMIN), 3, 5, False, True),
        (Principal(None, "analyst", Role.QA_ANALYST), 3, None, False, False),  # no user id: creator of nothing
    ],
)
def test_who_acts_on_own_contacts_and_own_sessions(who, agent_id, created_by, handles, manages_it):
    assert handled_by(who, agent_id) is handles
    assert manages(who, created_by) is manages_it
