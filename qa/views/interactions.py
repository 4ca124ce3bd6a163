"""One interaction as a reviewer sees it: metadata, turns, findings with their spans, score."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.views.scope import Scope


@dataclass(frozen=True)
class TurnView:
    idx: int
    speaker: str
    text: str
    start: float | None
    end: float | None


@dataclass(frozen=True)
class FindingView:
    id: int
    rule_id: str
    family: str
    severity: str
    citation: str
    turn: int | None
    span: tuple[int, int] | None
    start: float | None
    end: float | None
    evidence: str
    explanation: str
    active: bool


@dataclass(frozen=True)
class InteractionView:
    id: int
    source_id: str
    channel: str
    direction: str
    started_at: datetime
    local_date: date
    jurisdiction: str | None
    language: str | None
    agent_code: str | None
    agent_name: str | None
    team_code: str | None
    account_code: str | None
    consumer_phone: str | None
    audio_path: str | None
    score: float | None
    passed: bool | None
    auto_failed: bool | None
    turns: list[TurnView] = field(default_factory=list)
    findings: list[FindingView] = field(default_factory=list)

    @property
    def has_audio(self) -> bool:
        return bool(self.audio_path) and Path(self.audio_path).is_file()


def interaction_view(session: Session, scope: Scope, interaction_id: int, scorecard: str = "default") -> InteractionView | None:
    """The interaction with its turns and findings, or None when it does not exist or is out of the viewer's scope."""
    row = session.get(m.Interaction, interaction_id)
    if row is None or not scope.allows(row.agent_id, row.team_id):
        return None
    agent = session.get(m.Agent, row.agent_id) if row.agent_id else None
    team = session.get(m.Team, row.team_id) if row.team_id else None
    account = session.get(m.Account, row.account_id) if row.account_id else None
    score = session.scalars(
        select(m.Score).where(m.Score.interaction_id == row.id, m.Score.scorecard == scorecard)
    ).one_or_none()
    findings = session.scalars(
        select(m.Finding).where(m.Finding.interaction_id == row.id).order_by(m.Finding.turn, m.Finding.span_start)
    )
    return InteractionView(
        id=row.id,
        source_id=row.source_id,
        channel=row.channel,
        direction=row.direction,
        started_at=row.started_at,
        local_date=row.local_date,
        jurisdiction=row.jurisdiction,
        language=row.language,
        agent_code=agent.code if agent else None,
        agent_name=agent.name if agent else None,
        team_code=team.code if team else None,
        account_code=account.code if account else None,
        consumer_phone=row.consumer_phone,
        audio_path=row.audio_path,
        score=score.score if score else None,
        passed=score.passed if score else None,
        auto_failed=score.auto_failed if score else None,
        turns=[TurnView(t.idx, t.speaker, t.text, t.start, t.end) for t in row.turns],
        findings=[
            FindingView(
                f.id,
                f.rule_id,
                f.family,
                f.severity,
                f.citation,
                f.turn,
                (f.span_start, f.span_end) if f.span_start is not None and f.span_end is not None else None,
                f.start,
                f.end,
                f.evidence,
                f.explanation,
                f.active,
            )
            for f in findings
        ],
    )


def highlight_segments(text: str, spans: list[tuple[int, int, Any]]) -> list[tuple[str, Any]]:
    """Split ``text`` into (piece, tag) segments, tag None for plain text and the span's tag inside a span.

    Overlapping spans are merged into the first one that starts; spans outside the text are clipped.
    """
    out: list[tuple[str, Any]] = []
    cursor = 0
    for start, end, tag in sorted(spans, key=lambda s: (s[0], -s[1])):
        start, end = max(start, cursor), min(end, len(text))
        if end <= start:
            continue
        if start > cursor:
            out.append((text[cursor:start], None))
        out.append((text[start:end], tag))
        cursor = end
    if cursor < len(text):
        out.append((text[cursor:], None))
    return out
