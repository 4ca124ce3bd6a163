"""Account state: what a new contact of an account needs from the account's stored contacts.

Cross-interaction rules read only two things from earlier contacts (issue 14):

* **the recent contacts**, inside the longest look-back window of the rule packs (frequency:
  7 days, a calendar week, a day; callbacks the consumer asked for reach 8 days further), and
* **standing facts**, which hold until lifted whatever their age: the consumer asked to stop,
  said a lawyer represents them, disputed the debt, refused a channel or place; and the first
  contact in which the consumer was reached (``direct_contact`` rules count from it).

``account_states`` keeps, per account, the contacts inside ``2 x window`` before the latest one
and, for each standing fact, the first and the latest contact that stated it (an evidence
reference: interaction id, source id, time, turn; never the text). A new batch then reads a
bounded number of stored documents per account, however old the account is. Ingest and rescan
update it in the same transaction as the interactions they store.

The facts of a contact come from the scanner's own dialogue analysis (``ContactFacts``), so a
state is tied to the rule-pack version that computed it; a state of another version is rebuilt
from the account's whole history the next time the account is scanned.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from qa.scanner import Scanner
from qa.storage import models as m
from qa.storage.batching import chunks
from qa.storage.types import JSONDoc, UTCDateTime, utcnow

#: Look-back of the frequency rules when a scanner names none (the US 7-in-7).
DEFAULT_RULE_DAYS = 7
#: How long after it was made a callback request still covers a contact (``CallbackRequest.covers``).
CALLBACK_HORIZON_DAYS = 8
#: Local dates against UTC instants, calendar weeks against rolling days.
MARGIN_DAYS = 2
#: Request kinds that are facts of the account until lifted.
STANDING_KINDS = ("stop", "attorney", "dispute", "proceedings", "channel")
FIRST_DIRECT = "first_direct"


class AccountState(m.Base):
    __tablename__ = "account_states"

    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True)
    # The rule-pack version whose dialogue analysis produced the standing facts.
    version: Mapped[str] = mapped_column(String(128))
    window_days: Mapped[int] = mapped_column(Integer)
    latest_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # [[interaction id, started_at ISO, summary or null], ...] oldest first: the contacts within
    # 2 x window_days of latest_at, with the scanner's summary of each (compliance_rules.account_facts).
    recent: Mapped[list[Any]] = mapped_column(JSONDoc)
    # fact key -> {"first": ref, "last": ref}; a ref is {"id", "source_id", "at", "turn", "f": summary or null}.
    standing: Mapped[dict[str, Any]] = mapped_column(JSONDoc)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def window_days(scanner: Scanner) -> int:
    """How many days before a new contact its history must reach, for this scanner's rules.

    A scanner may say so itself (``history_days``); otherwise the longest ``days`` parameter
    of its rules, plus the callback horizon (whether an earlier contact counted depends on the
    callbacks before it) and a margin.
    """
    explicit = getattr(scanner, "history_days", None)
    if isinstance(explicit, int) and explicit > 0:
        return explicit
    longest = DEFAULT_RULE_DAYS
    for spec in getattr(scanner, "rules", None) or ():
        params = getattr(spec, "params", None)
        days = params.get("days") if isinstance(params, dict) else None
        if isinstance(days, int) and not isinstance(days, bool) and days > longest:
            longest = days
    return longest + CALLBACK_HORIZON_DAYS + MARGIN_DAYS


def phone_key(phone: str | None) -> str:
    """A refused place is tied to the number it was refused on; kept as a short digest, not the number."""
    return hashlib.sha256(phone.encode()).hexdigest()[:12] if phone else ""


def fact_keys(facts: dict[str, Any] | None, phone: str | None) -> list[tuple[str, int | None]]:
    """The standing-fact keys a contact states, with the turn that states each."""
    if not facts:
        return []
    keys: list[tuple[str, int | None]] = []
    for kind, turn, channel in facts.get("requests", ()):
        if kind not in STANDING_KINDS:
            continue
        key = f"channel:{channel or ''}:{phone_key(phone)}" if kind == "channel" else kind
        keys.append((key, turn))
    if facts.get("reached"):
        keys.append((FIRST_DIRECT, None))
    return keys


@dataclass(frozen=True)
class Contact:
    """A stored contact as the state sees it."""

    account_id: int
    interaction_id: int
    source_id: str
    started_at: datetime
    phone: str | None
    facts: dict[str, Any] | None


@dataclass(frozen=True)
class HistoryPlan:
    """What a task needs from its accounts' earlier contacts: summaries, stored documents (where no summary
    is kept) and which accounts' states must be rebuilt from their whole history.
    """

    documents: list[dict[str, Any]]
    rebuild: set[str]
    summaries: list[dict[str, Any]] = field(default_factory=list)


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _ref(contact: Contact, turn: int | None) -> dict[str, Any]:
    ref = {"id": contact.interaction_id, "source_id": contact.source_id, "at": _iso(contact.started_at), "turn": turn}
    return ref | {"f": contact.facts}


def _usable(facts: Any) -> bool:
    from compliance_rules.account_facts import usable

    return usable(facts)


def _aware(text: str) -> datetime:
    return datetime.fromisoformat(text)


def load_states(session: Session, account_codes: Sequence[str]) -> dict[str, tuple[int, AccountState | None]]:
    """Account code -> (account id, state or None) for the stored accounts among ``account_codes``."""
    found: dict[str, tuple[int, AccountState | None]] = {}
    codes = list(account_codes)
    for part in chunks(codes):
        stmt = (
            select(m.Account.code, m.Account.id, AccountState)
            .outerjoin(AccountState, AccountState.account_id == m.Account.id)
            .where(m.Account.code.in_(part))
        )
        for code, account_id, state in session.execute(stmt):
            found[code] = (account_id, state)
    return found


def plan_history(session: Session, spans: dict[str, tuple[datetime, datetime]], version: str, days: int) -> HistoryPlan:
    """The stored documents that the new contacts of each account (``code -> (first, last) start``) need.

    With a current state: the recent contacts from ``days`` before the first new one (read from
    the state when it covers that far back, else by time range from the interactions) and the
    contacts holding standing facts. Without one (an account stored before states existed, or
    scanned by another rule-pack version): the whole history, and the state is rebuilt from it.
    """
    if not spans:
        return HistoryPlan([], set())
    states = load_states(session, list(spans))
    window = timedelta(days=days)
    summaries: dict[int, dict[str, Any]] = {}
    wanted: set[int] = set()
    by_range: list[tuple[int, datetime, datetime]] = []
    rebuild: list[int] = []
    rebuild_codes: set[str] = set()
    for code, (first, last) in spans.items():
        account_id, state = states.get(code, (None, None))
        if account_id is None:
            continue  # a new account: no history
        if state is None or state.version != version or state.window_days < days:
            rebuild.append(account_id)
            rebuild_codes.add(code)
            continue
        since = first - window
        covered_from = state.latest_at - timedelta(days=2 * state.window_days)
        needed: list[tuple[int, Any]] = []
        if since >= covered_from:
            needed.extend(
                (entry[0], entry[2] if len(entry) > 2 else None) for entry in state.recent if since <= _aware(entry[1]) <= last
            )
        else:  # an arrival older than the state's window: read its window from the interactions
            by_range.append((account_id, since, last))
        for refs in state.standing.values():
            for ref in (refs["first"], refs["last"]):
                if _aware(ref["at"]) <= last:
                    needed.append((ref["id"], ref.get("f")))
        for pk, facts in needed:
            if _usable(facts):
                summaries[pk] = facts
            else:
                wanted.add(pk)
    i = m.Interaction
    documents: list[dict[str, Any]] = []
    ids = sorted(wanted)
    for part in chunks(ids):
        documents.extend(session.scalars(select(i.document).where(i.id.in_(part))))
    seen = set(ids) | set(summaries)
    for account_id, since, last in by_range:
        rows = session.execute(
            select(i.id, i.document).where(i.account_id == account_id, i.started_at >= since, i.started_at <= last)
        )
        documents.extend(doc for pk, doc in rows if pk not in seen)
    for part in chunks(rebuild):
        documents.extend(session.scalars(select(i.document).where(i.account_id.in_(part))))
    wanted_docs = set(ids)
    summaries = {pk: f for pk, f in summaries.items() if pk not in wanted_docs}
    return HistoryPlan(documents, rebuild_codes, list(summaries.values()))


def _merge(state: AccountState, contacts: Iterable[Contact]) -> None:
    recent: dict[int, tuple[str, Any]] = {e[0]: (e[1], e[2] if len(e) > 2 else None) for e in state.recent}
    standing: dict[str, dict[str, Any]] = {k: dict(v) for k, v in state.standing.items()}
    latest = state.latest_at
    for contact in contacts:
        recent[contact.interaction_id] = (_iso(contact.started_at), contact.facts)
        if latest is None or contact.started_at > latest:
            latest = contact.started_at
        for key, turn in fact_keys(contact.facts, contact.phone):
            ref = _ref(contact, turn)
            held = standing.get(key)
            if held is None:
                standing[key] = {"first": ref, "last": ref}
                continue
            if contact.started_at < _aware(held["first"]["at"]):
                held["first"] = ref
            if contact.started_at > _aware(held["last"]["at"]):
                held["last"] = ref
    keep_from = latest - timedelta(days=2 * state.window_days)
    kept = ([pk, at, facts] for pk, (at, facts) in recent.items() if _aware(at) >= keep_from)
    state.recent = sorted(kept, key=lambda r: (r[1], r[0]))
    state.standing = standing
    state.latest_at = latest
    state.updated_at = utcnow()


def record_contacts(session: Session, contacts: Sequence[Contact], version: str, days: int) -> None:
    """Merge stored contacts (with the facts the scanner found in them) into their accounts' states.

    Merging is a union (recent contacts by id, standing facts by first and latest time), so tasks
    of one account stored in any order, or a contact recorded twice, give the same state. A state
    of another rule-pack version or a shorter window is replaced, not merged into.
    """
    by_account: dict[int, list[Contact]] = defaultdict(list)
    for contact in contacts:
        by_account[contact.account_id].append(contact)
    if not by_account:
        return
    ids = sorted(by_account)
    existing: dict[int, AccountState] = {}
    for part in chunks(ids):
        existing.update((s.account_id, s) for s in session.scalars(select(AccountState).where(AccountState.account_id.in_(part))))
    for account_id, members in by_account.items():
        state = existing.get(account_id)
        if state is None:
            state = AccountState(account_id=account_id, version=version, window_days=days, recent=[], standing={})
            state.latest_at = None  # type: ignore[assignment] - set by _merge
            session.add(state)
        elif state.version != version or state.window_days < days:
            state.version, state.window_days, state.recent, state.standing = version, days, [], {}
            state.latest_at = None  # type: ignore[assignment]
        _merge(state, members)
    session.flush()


def contacts_for(
    session: Session, facts: dict[str, dict[str, Any] | None], source_ids: Iterable[str] | None = None
) -> list[Contact]:
    """Contacts for stored interactions named by source id, with ``facts`` (source id -> facts) attached."""
    wanted = list(source_ids if source_ids is not None else facts)
    out: list[Contact] = []
    i = m.Interaction
    for part in chunks(wanted):
        rows = session.execute(
            select(i.id, i.source_id, i.account_id, i.started_at, i.consumer_phone).where(
                i.source_id.in_(part), i.account_id.is_not(None)
            )
        )
        out.extend(Contact(acc, pk, sid, at, phone, facts.get(sid)) for pk, sid, acc, at, phone in rows)
    return out


def contacts_by_pk(session: Session, pks: Sequence[int], facts: dict[str, dict[str, Any] | None]) -> list[Contact]:
    """Contacts for stored interactions named by primary key, with ``facts`` (source id -> facts) attached."""
    out: list[Contact] = []
    i = m.Interaction
    wanted = list(pks)
    for part in chunks(wanted):
        rows = session.execute(
            select(i.id, i.source_id, i.account_id, i.started_at, i.consumer_phone).where(
                i.id.in_(part), i.account_id.is_not(None)
            )
        )
        out.extend(Contact(acc, pk, sid, at, phone, facts.get(sid)) for pk, sid, acc, at, phone in rows)
    return out
