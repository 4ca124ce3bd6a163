"""Call outcomes and imported payments (issue 17, migration 0011).

``outcomes`` holds one row per interaction: what the contact achieved (spec: Outcome), denormalised
with the agent, team, account and local day like ``scores`` so the performance queries need no join,
and the promise's standing once payments are imported (``qa.payments``). ``payments`` holds the rows
of ``qa payments import``; re-importing a file adds nothing twice (``fingerprint`` is unique).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from qa.storage.models import Base
from qa.storage.types import UTCDateTime, utcnow

#: Standing of a promise: not yet due, kept (paid in full by the due date plus grace days), partly kept, broken.
PROMISE_STATUSES = ("pending", "kept", "partly_kept", "broken")


class OutcomeRow(Base):
    __tablename__ = "outcomes"
    __table_args__ = (
        # Covering the performance counts per day, agent and team (qa.performance), and the Today list's lookups.
        Index("ix_outcomes_agent_day", "local_date", "agent_id", "team_id", "contact", "promise", "promise_status", "hardship"),
        Index("ix_outcomes_account", "account_id"),
        Index("ix_outcomes_due", "promise_due", "promise_status"),
        Index("ix_outcomes_callback", "callback_at"),
        # The review queue's care checks: hardship contacts, oldest first (migration 0013).
        Index("ix_outcomes_hardship", "hardship", "started_at", "interaction_id"),
        # A collector's contacts in time order: coaching from outcomes and its follow-up windows (migration 0014).
        Index("ix_outcomes_agent_started", "agent_id", "started_at"),
    )

    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True)
    # Scanner version and consumer-model version that computed the row; ``qa rescan`` recomputes other versions.
    version: Mapped[str] = mapped_column(String(160), index=True)
    agent_id: Mapped[int | None] = mapped_column(Integer)
    team_id: Mapped[int | None] = mapped_column(Integer)
    account_id: Mapped[int | None] = mapped_column(Integer)
    local_date: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    contact: Mapped[str] = mapped_column(String(16))
    promise: Mapped[bool] = mapped_column(Boolean)
    promise_amount: Mapped[float | None] = mapped_column(Float)
    promise_currency: Mapped[str | None] = mapped_column(String(3))
    promise_due: Mapped[date | None] = mapped_column(Date)
    promise_turn: Mapped[int | None] = mapped_column(Integer)
    refusal: Mapped[bool] = mapped_column(Boolean)
    dispute: Mapped[bool] = mapped_column(Boolean)
    hardship: Mapped[bool] = mapped_column(Boolean)
    callback_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set by ``qa.payments.evaluate_promises``: one of PROMISE_STATUSES (None without a promise).
    promise_status: Mapped[str | None] = mapped_column(String(16))
    paid_amount: Mapped[float | None] = mapped_column(Float)
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_code: Mapped[str] = mapped_column(String(128), index=True)
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    amount: Mapped[float] = mapped_column(Float)
    currency: Mapped[str] = mapped_column(String(3))
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    source_file: Mapped[str | None] = mapped_column(Text)
    source_line: Mapped[int | None] = mapped_column(Integer)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


#: Verdicts of a care check (migration 0013); a hardship contact without a row is still to check.
CARE_VERDICTS = ("handled_well", "not_handled_well")


class CareReview(Base):
    """An analyst's verdict on how a hardship mention was handled; never a finding, never scored.

    ``version`` is the optimistic lock, as for findings' reviews: every change bumps it.
    """

    __tablename__ = "care_reviews"

    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True)
    state: Mapped[str] = mapped_column(String(20), index=True)  # one of CARE_VERDICTS
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class CoachingOutcome(Base):
    """A contact a coaching item was opened from, and what it was (migration 0014): see ``qa.workflow.coaching``."""

    __tablename__ = "coaching_outcomes"

    item_id: Mapped[int] = mapped_column(ForeignKey("coaching_items.id", ondelete="CASCADE"), primary_key=True)
    interaction_id: Mapped[int] = mapped_column(ForeignKey("interactions.id", ondelete="CASCADE"), primary_key=True, index=True)
    kind: Mapped[str] = mapped_column(String(24))  # missed_promise | broken_promise
