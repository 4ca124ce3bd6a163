"""The relational schema (SQLAlchemy 2.x typed declarative models).

Design notes for the issues that build on it:

* Every table has an integer surrogate key; the source system's identifiers
  (``Interaction.source_id``, ``Agent.code``, ``Account.code``) are unique columns.
* An interaction is stored once, keyed by ``content_hash`` (idempotent ingest), and keeps
  its full canonical record in ``document`` so it can be rescanned exactly.
* A finding's row is stable across rescans (identified within its interaction by
  ``fingerprint``): reviews, disputes and cases added by later migrations can point at
  ``findings.id`` and survive a rule-pack change. Whether it is raised now is ``active``;
  ``finding_events`` keeps which rule-pack version raised or dropped it and when.
* ``scores`` is denormalised (agent, team, local date) so the ranking queries need no join.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, MetaData, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from qa.storage.types import JSONDoc, UTCDateTime, utcnow

# Stable constraint names so that migrations (and SQLite batch mode) can refer to them.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Team(Base):
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    agents: Mapped[list[Agent]] = relationship(back_populates="team")


class Agent(Base):
    __tablename__ = "agents"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(128), unique=True)
    name: Mapped[str | None] = mapped_column(String(255))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    team: Mapped[Team | None] = relationship(back_populates="agents")


class Account(Base):
    __tablename__ = "accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(128), unique=True)
    # The latest AccountFacts seen for the account (JSON of qa.domain.AccountFacts).
    facts: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RulePackVersion(Base):
    """A rule-pack version the scanner ran with, and its rule catalogue at that version."""

    __tablename__ = "rule_pack_versions"

    version: Mapped[str] = mapped_column(String(128), primary_key=True)
    first_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    rules: Mapped[list[dict[str, Any]] | None] = mapped_column(JSONDoc)


class IngestRun(Base):
    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), default="ingest")  # ingest | retry | demo
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | finished | interrupted
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)
    executor: Mapped[str | None] = mapped_column(String(64))
    paths: Mapped[list[str] | None] = mapped_column(JSONDoc)
    rule_pack_version: Mapped[str | None] = mapped_column(String(128))
    scorecard: Mapped[str | None] = mapped_column(String(128))
    seen: Mapped[int] = mapped_column(Integer, default=0)
    stored: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)


class IngestError(Base):
    """One input item (file, line or recording) that could not be stored, and why."""

    __tablename__ = "ingest_errors"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("ingest_runs.id", ondelete="CASCADE"), index=True)
    source_file: Mapped[str] = mapped_column(Text)
    source_line: Mapped[int | None] = mapped_column(Integer)
    record_id: Mapped[str | None] = mapped_column(String(255))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when a later run (``--retry-failed``) re-read the item.
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_runs.id"))


class ScanRun(Base):
    """One pass of the scanner over stored interactions (at ingest or by ``qa rescan``)."""

    __tablename__ = "scan_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # ingest | rescan
    rule_pack_version: Mapped[str] = mapped_column(ForeignKey("rule_pack_versions.version"))
    ingest_run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_runs.id"))
    status: Mapped[str] = mapped_column(String(16), default="running")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    interactions: Mapped[int] = mapped_column(Integer, default=0)
    raised: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    # Who runs it (set on insert by qa.storage.run_state), so a killed run is marked interrupted on the next start.
    host: Mapped[str | None] = mapped_column(String(255))
    pid: Mapped[int | None] = mapped_column(Integer)


class Interaction(Base):
    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_agent_started", "agent_id", "started_at"),
        Index("ix_interactions_account_started", "account_id", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[str] = mapped_column(String(255), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    channel: Mapped[str] = mapped_column(String(8))
    direction: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # The offset the record was written with (the contact centre's clock) and the date on that clock.
    utc_offset_minutes: Mapped[int] = mapped_column(Integer)
    local_date: Mapped[date] = mapped_column(Date, index=True)
    jurisdiction: Mapped[str | None] = mapped_column(String(16), index=True)
    consumer_timezone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(8))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    consumer_phone: Mapped[str | None] = mapped_column(String(32), index=True)
    # The recording served for playback: the masked copy written at transcription (transcription.media).
    audio_path: Mapped[str | None] = mapped_column(Text)
    # The unmasked original, kept only when QA_KEEP_ORIGINAL_AUDIO is set; read with Right.UNREDACTED_AUDIO.
    original_audio_path: Mapped[str | None] = mapped_column(Text)
    duration_seconds: Mapped[float | None] = mapped_column(Float)
    turn_count: Mapped[int] = mapped_column(Integer, default=0)
    requested_by_consumer: Mapped[bool] = mapped_column(Boolean, default=False)
    # The canonical record (qa.domain.Interaction as JSON, with transcribed turns): rescans rebuild from it.
    document: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    source_file: Mapped[str | None] = mapped_column(Text)
    source_line: Mapped[int | None] = mapped_column(Integer)
    ingest_run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_runs.id"), index=True)
    ingested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    scanned_version: Mapped[str | None] = mapped_column(String(128), index=True)
    scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    turns: Mapped[list[Turn]] = relationship(order_by="Turn.idx", cascade="all, delete-orphan", passive_deletes=True)
    findings: Mapped[list[Finding]] = relationship(cascade="all, delete-orphan", passive_deletes=True)
    agent: Mapped[Agent | None] = relationship()
    account: Mapped[Account | None] = relationship()


class Turn(Base):
    __tablename__ = "turns"
    __table_args__ = (UniqueConstraint("interaction_id", "idx", name="uq_turns_interaction_idx"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    idx: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    start: Mapped[float | None] = mapped_column(Float)
    end: Mapped[float | None] = mapped_column(Float)
    at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Finding(Base):
    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("interaction_id", "fingerprint", name="uq_findings_interaction_fingerprint"),
        Index("ix_findings_active_family", "active", "family"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(40))
    rule_id: Mapped[str] = mapped_column(String(128), index=True)
    family: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    jurisdiction: Mapped[str] = mapped_column(String(16))
    citation: Mapped[str] = mapped_column(Text)
    turn: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[float | None] = mapped_column(Float)
    end: Mapped[float | None] = mapped_column(Float)
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    evidence: Mapped[str] = mapped_column(Text, default="")
    explanation: Mapped[str] = mapped_column(Text, default="")
    # The learned layer's probability for this family and turn; learned: raised by the model alone.
    confidence: Mapped[float | None] = mapped_column(Float)
    learned: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # "violation", or "unclear": a missing disclosure in an opening ASR heard badly (listen; not scored). Migration 0012.
    status: Mapped[str] = mapped_column(String(16), default="violation", server_default="violation")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    raised_version: Mapped[str] = mapped_column(String(128))
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    dropped_version: Mapped[str | None] = mapped_column(String(128))
    dropped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    events: Mapped[list[FindingEvent]] = relationship(order_by="FindingEvent.id", passive_deletes=True)


class FindingEvent(Base):
    """History of a finding: which rule-pack version raised or dropped it, and when."""

    __tablename__ = "finding_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    event: Mapped[str] = mapped_column(String(8))  # raised | dropped
    rule_pack_version: Mapped[str] = mapped_column(String(128))
    scan_run_id: Mapped[int | None] = mapped_column(ForeignKey("scan_runs.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Redaction(Base):
    """A span masked in a transcript or chat (card, national ID, account number)."""

    __tablename__ = "redactions"

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), index=True)
    turn: Mapped[int | None] = mapped_column(Integer)
    span_start: Mapped[int | None] = mapped_column(Integer)
    span_end: Mapped[int | None] = mapped_column(Integer)
    start: Mapped[float | None] = mapped_column(Float)
    end: Mapped[float | None] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(32))
    label: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(16), default="text")  # text | audio
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Score(Base):
    """The QA score of one interaction under one scorecard (the current one; recomputed on rescan)."""

    __tablename__ = "scores"
    __table_args__ = (
        UniqueConstraint("interaction_id", "scorecard", name="uq_scores_interaction_scorecard"),
        # Covering index of the agent-day roll-up (migration 0002).
        Index("ix_scores_rollup", "scorecard", "local_date", "agent_id", "team_id", "score", "passed", "auto_failed"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"))
    scorecard: Mapped[str] = mapped_column(String(128))
    scorecard_version: Mapped[str] = mapped_column(String(64))
    rule_pack_version: Mapped[str] = mapped_column(String(128))
    score: Mapped[float] = mapped_column(Float)
    passed: Mapped[bool] = mapped_column(Boolean)
    auto_failed: Mapped[bool] = mapped_column(Boolean)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    local_date: Mapped[date] = mapped_column(Date)
    details: Mapped[dict[str, Any] | None] = mapped_column(JSONDoc)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# --- Daily roll-ups for the dashboards (migration 0004), maintained by qa.storage.rollups.
#
# Each table holds per local day, agent, team and jurisdiction (and the columns of its own
# breakdown) what the Overview and Rules pages aggregate, so those pages read a few thousand
# rows instead of every interaction. Database triggers append to ``rollup_changes`` the days
# whose interactions, scores or findings change, in the writer's own transaction, whatever
# code path writes; ``rollups.refresh`` recomputes those days from the base tables.


class RollupChange(Base):
    """A local day whose roll-up rows are stale (appended by triggers, removed by ``rollups.refresh``)."""

    __tablename__ = "rollup_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    local_date: Mapped[date] = mapped_column(Date, index=True)


class RollupContacts(Base):
    __tablename__ = "rollup_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    local_date: Mapped[date] = mapped_column(Date, index=True)
    agent_id: Mapped[int | None] = mapped_column(Integer)
    team_id: Mapped[int | None] = mapped_column(Integer)
    jurisdiction: Mapped[str | None] = mapped_column(String(16))
    contacts: Mapped[int] = mapped_column(Integer)


class RollupScores(Base):
    __tablename__ = "rollup_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    local_date: Mapped[date] = mapped_column(Date, index=True)
    agent_id: Mapped[int | None] = mapped_column(Integer)
    team_id: Mapped[int | None] = mapped_column(Integer)
    jurisdiction: Mapped[str | None] = mapped_column(String(16))
    scorecard: Mapped[str] = mapped_column(String(128))
    scored: Mapped[int] = mapped_column(Integer)
    score_sum: Mapped[float] = mapped_column(Float)
    passed: Mapped[int] = mapped_column(Integer)
    auto_failed: Mapped[int] = mapped_column(Integer)


class RollupFindings(Base):
    """Active findings per day, agent, team, jurisdiction, family and severity."""

    __tablename__ = "rollup_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    local_date: Mapped[date] = mapped_column(Date, index=True)
    agent_id: Mapped[int | None] = mapped_column(Integer)
    team_id: Mapped[int | None] = mapped_column(Integer)
    jurisdiction: Mapped[str | None] = mapped_column(String(16))
    family: Mapped[str] = mapped_column(String(32))
    severity: Mapped[str] = mapped_column(String(16))
    findings: Mapped[int] = mapped_column(Integer)


class RollupRuleHits(Base):
    """Per day, agent, team and rule: active findings, interactions they hit, and findings dropped by rescans."""

    __tablename__ = "rollup_rule_hits"

    id: Mapped[int] = mapped_column(primary_key=True)
    local_date: Mapped[date] = mapped_column(Date, index=True)
    agent_id: Mapped[int | None] = mapped_column(Integer)
    team_id: Mapped[int | None] = mapped_column(Integer)
    rule_id: Mapped[str] = mapped_column(String(128))
    hits: Mapped[int] = mapped_column(Integer)
    interactions: Mapped[int] = mapped_column(Integer)
    dropped: Mapped[int] = mapped_column(Integer)


# --- QA workflow tables (issue 5): users, reviews, disputes, calibration, coaching, cases, audit log.
# Kept in their own module; imported here so that Base.metadata (and the migrations check) sees them.
# Account state (issue 14): recent contacts and standing facts a new batch needs; see qa.storage.account_state.
# Call outcomes and payments (issue 17, migration 0011); see qa.storage.outcome_models.
from qa.storage import account_state, outcome_models, workflow_models  # noqa: E402,F401,I001
