"""Tables of the QA workflow (issue 5).

Users, reviews, disputes, calibration, coaching, cases, retention records and the
hash-chained audit log. Imported at the end of :mod:`qa.storage.models`, so ``Base.metadata`` always holds them
(migration 0003 creates them). Everything that points at an interaction or a finding
cascades on delete, because retention deletes whole interactions; the audit log and the
retention records name what they refer to by value, not by foreign key, so they outlive it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from qa.storage.models import Base
from qa.storage.types import JSONDoc, UTCDateTime, utcnow


class User(Base):
    """A person who signs in: role, and for agents and supervisors the agent or team they are."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(128), unique=True)
    display_name: Mapped[str | None] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))  # agent | supervisor | qa_analyst | legal | admin
    password_hash: Mapped[str] = mapped_column(Text)
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FindingReview(Base):
    """The current review of a finding. ``version`` is the optimistic lock: every change bumps it."""

    __tablename__ = "finding_reviews"

    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(16), index=True)  # new | confirmed | dismissed | downgraded | unclear
    severity: Mapped[str | None] = mapped_column(String(16))  # the analyst's severity when changed
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class ReviewEvent(Base):
    """Every review decision, in order (the review history exported with a case)."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    state: Mapped[str] = mapped_column(String(16))
    previous_state: Mapped[str] = mapped_column(String(16))
    severity_before: Mapped[str] = mapped_column(String(16))
    severity_after: Mapped[str] = mapped_column(String(16))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer)


class Dispute(Base):
    """An agent's dispute of a confirmed finding and its outcome (one dispute per finding)."""

    __tablename__ = "disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), unique=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), index=True)
    opened_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(Text)
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)  # open | upheld | overturned
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)


class CalibrationSession(Base):
    __tablename__ = "calibration_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The finding ids under calibration, fixed when the session is created.
    finding_ids: Mapped[list[int]] = mapped_column(JSONDoc)
    interaction_ids: Mapped[list[int]] = mapped_column(JSONDoc)


class CalibrationAssignment(Base):
    __tablename__ = "calibration_assignments"
    __table_args__ = (UniqueConstraint("session_id", "reviewer_id", name="uq_calibration_assignments_session_reviewer"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("calibration_sessions.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class CalibrationDecision(Base):
    __tablename__ = "calibration_decisions"
    __table_args__ = (
        UniqueConstraint("session_id", "reviewer_id", "finding_id", name="uq_calibration_decisions_session_reviewer_finding"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("calibration_sessions.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"))
    decision: Mapped[str] = mapped_column(String(16))  # confirmed | dismissed | downgraded | unclear
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CoachingItem(Base):
    __tablename__ = "coaching_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    agent_id: Mapped[int] = mapped_column(ForeignKey("agents.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(Text)
    due_date: Mapped[date | None] = mapped_column(Date)
    families: Mapped[list[str]] = mapped_column(JSONDoc)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | acknowledged
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    agent_comment: Mapped[str | None] = mapped_column(Text)
    # Optimistic lock, as for reviews: an acknowledgement updates only the version it read.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")


class CoachingFinding(Base):
    __tablename__ = "coaching_findings"

    item_id: Mapped[int] = mapped_column(ForeignKey("coaching_items.id", ondelete="CASCADE"), primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True)


class Case(Base):
    """A complaint case: an account's interactions, optionally under legal hold."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    consumer_phone: Mapped[str | None] = mapped_column(String(32))
    created_by: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    legal_hold: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    hold_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hold_changed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    hold_reason: Mapped[str | None] = mapped_column(Text)


class CaseInteraction(Base):
    __tablename__ = "case_interactions"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RetentionRun(Base):
    __tablename__ = "retention_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(128))
    retention_days: Mapped[int] = mapped_column(Integer)
    cutoff: Mapped[datetime] = mapped_column(UTCDateTime)
    deleted: Mapped[int] = mapped_column(Integer, default=0)
    held: Mapped[int] = mapped_column(Integer, default=0)


class RetentionDeletion(Base):
    """What a retention run deleted, by value (the interaction row itself is gone).

    Each row is also a tombstone: ingest refuses its source id and content hash until an admin
    lifts it (``lifted_at``; see :mod:`qa.workflow.tombstones`).
    """

    __tablename__ = "retention_deletions"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("retention_runs.id"), index=True)
    source_id: Mapped[str] = mapped_column(String(255))
    content_hash: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    agent_code: Mapped[str | None] = mapped_column(String(128))
    account_code: Mapped[str | None] = mapped_column(String(128))
    audio_path: Mapped[str | None] = mapped_column(Text)
    findings: Mapped[int] = mapped_column(Integer, default=0)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by: Mapped[str | None] = mapped_column(String(128))


Index("ix_retention_deletions_source_id", RetentionDeletion.source_id)
Index("ix_retention_deletions_content_hash", RetentionDeletion.content_hash)


class AuditEntry(Base):
    """One audit-log entry. ``hash`` chains it to the previous entry (see :mod:`qa.workflow.audit`)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(32))
    object_id: Mapped[str] = mapped_column(String(255))
    # Canonical JSON text (not JSONB, whose normalisation would change the hashed bytes).
    details: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditHead(Base):
    """The chain's head (one row). Appenders update it first, which serialises them on both databases."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer, default=0)
    hash: Mapped[str] = mapped_column(String(64))


class LoginAttempt(Base):
    """One sign-in attempt (dashboards or CLI): who was named, from which address, and whether it worked."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    username: Mapped[str] = mapped_column(String(128))  # as typed (lower-cased, truncated)
    address: Mapped[str | None] = mapped_column(String(64))
    success: Mapped[bool] = mapped_column(Boolean, default=False)


WORKFLOW_TABLES: tuple[type[Any], ...] = (
    User,
    FindingReview,
    ReviewEvent,
    Dispute,
    CalibrationSession,
    CalibrationAssignment,
    CalibrationDecision,
    CoachingItem,
    CoachingFinding,
    Case,
    CaseInteraction,
    RetentionRun,
    RetentionDeletion,
    AuditEntry,
    AuditHead,
    LoginAttempt,
)


# Registers the scan-run ownership event (issue 13: interrupted runs are marked on the next start).
from qa.storage import run_state  # noqa: E402,F401
