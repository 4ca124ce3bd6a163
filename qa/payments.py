"""Payments import and promise standing (issue 17): kept, partly kept or broken after the due date.

``read_payments`` reads a CSV export (docs/outcomes.md): a header naming ``account``, ``paid_at``,
``amount`` and ``currency`` (any order, other columns ignored; comma or semicolon separated), then
one payment a line. Every bad row becomes a :class:`PaymentError` naming the file, line and reason;
the good rows are imported. A UTF-8 byte-order mark is skipped, and a line that is not UTF-8 is read
as Windows-1252 / Latin-1 (spreadsheet exports).

``evaluate_promises`` gives each stored promise its standing from the payments of its account made
from the contact until the end of its due day (in the contact's time zone) plus the grace days.
Payments are used once: promises of an account take them in order of their contacts. A promise
without an amount is kept by any payment; one without a due date is due the day it was made.
"""

from __future__ import annotations

import csv
import hashlib
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.storage.batching import chunks
from qa.storage.outcome_models import OutcomeRow, Payment
from qa.storage.repository import bulk_insert
from qa.storage.types import utcnow

REQUIRED = ("account", "paid_at", "amount", "currency")
MAX_AMOUNT = 1e13
_BOM = b"\xef\xbb\xbf"
_CURRENCY = re.compile(r"[A-Z]{3}")
_AMOUNT = re.compile(r"\d[\d.,]*")
_HALF_CENT = 0.005


@dataclass(frozen=True)
class PaymentError:
    file: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}" if self.line else f"{self.file}: {self.reason}"


@dataclass(frozen=True)
class PaymentRecord:
    account: str
    paid_at: datetime
    amount: float
    currency: str
    line: int


@dataclass
class PaymentRead:
    payments: list[PaymentRecord] = field(default_factory=list)
    errors: list[PaymentError] = field(default_factory=list)


def parse_amount(text: str) -> float:
    """An amount as exports write it: ``1250000``, ``1.250.000``, ``1,250,000.50``, ``1.250.000,50``, ``12.5``.

    A single separator followed by exactly three digits groups thousands; decimals have one or two digits.
    """
    raw = text.strip().replace(" ", "").replace("\u00a0", "")
    if not _AMOUNT.fullmatch(raw):
        raise ValueError(f"amount {text.strip()[:40]!r} is not a positive number")
    last_dot, last_comma = raw.rfind("."), raw.rfind(",")
    decimal = None
    if last_dot >= 0 and last_comma >= 0:
        decimal = "." if last_dot > last_comma else ","
    elif last_dot >= 0 or last_comma >= 0:
        sep = "." if last_dot >= 0 else ","
        if raw.count(sep) == 1 and len(raw) - raw.index(sep) - 1 in (1, 2):
            decimal = sep
    whole, _, cents = raw.rpartition(decimal) if decimal else (raw, "", "")
    if decimal and not whole:
        whole, cents = cents, ""
    if decimal and len(cents) not in (1, 2):
        raise ValueError(f"amount {text.strip()[:40]!r}: decimals need one or two digits")
    groups = re.split(r"[.,]", whole)
    if len(groups) > 1 and (not 1 <= len(groups[0]) <= 3 or any(len(g) != 3 for g in groups[1:])):
        raise ValueError(f"amount {text.strip()[:40]!r}: thousands separators must group three digits")
    if len({c for c in whole if c in ".,"}) > 1:
        raise ValueError(f"amount {text.strip()[:40]!r}: mixed thousands separators")
    value = float("".join(groups) + ("." + cents if cents else ""))
    if not 0 < value < MAX_AMOUNT:
        raise ValueError(f"amount {text.strip()[:40]!r} must be above 0 and below {MAX_AMOUNT:.0f}")
    return value


def parse_paid_at(text: str) -> datetime:
    raw = text.strip()
    try:
        value = datetime.fromisoformat(raw.replace("z", "Z"))
    except ValueError:
        raise ValueError(f"paid_at {raw[:40]!r} is not an ISO 8601 date and time (2026-11-20T10:15:00-05:00)") from None
    if value.utcoffset() is None:
        raise ValueError(f"paid_at {raw[:40]!r} has no UTC offset (write it as 2026-11-20T10:15:00-05:00)")
    return value


def parse_account(text: str) -> str:
    value = text.strip()
    if not value:
        raise ValueError("account is empty")
    if len(value) > 128:
        raise ValueError("account is longer than 128 characters")
    if any(unicodedata.category(c)[0] in ("C", "Z") and c != " " for c in value):
        raise ValueError("account holds control or invisible characters")
    return value


def parse_currency(text: str) -> str:
    value = text.strip().upper()
    if not _CURRENCY.fullmatch(value):
        raise ValueError(f"currency {text.strip()[:12]!r} is not an ISO 4217 code (COP, USD, MXN…)")
    return value


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            return data.decode("latin-1")


def read_payments(path: Path) -> PaymentRead:
    """Read a payments CSV; never raises on bad content (an unreadable file is one error)."""
    result = PaymentRead()
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        result.errors.append(PaymentError(name, None, f"cannot read the file ({exc.strerror})"))
        return result
    lines = [_decode(line) for line in data.removeprefix(_BOM).splitlines()]
    header_at = next((i for i, text in enumerate(lines) if text.strip()), None)
    if header_at is None:
        result.errors.append(PaymentError(name, None, "the file is empty"))
        return result
    header_text = lines[header_at]
    delimiter = ";" if header_text.count(";") > header_text.count(",") else ","
    header = [h.strip().lower() for h in next(csv.reader([header_text], delimiter=delimiter))]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        reason = f"the header lacks {', '.join(missing)} (needs {', '.join(REQUIRED)})"
        result.errors.append(PaymentError(name, header_at + 1, reason))
        return result
    where = {c: header.index(c) for c in REQUIRED}
    for index in range(header_at + 1, len(lines)):
        text, line = lines[index], index + 1
        if not text.strip():
            continue
        try:
            cells = next(csv.reader([text], delimiter=delimiter))
            if len(cells) < len(header):
                raise ValueError(f"{len(cells)} columns where the header has {len(header)}")
            result.payments.append(
                PaymentRecord(
                    account=parse_account(cells[where["account"]]),
                    paid_at=parse_paid_at(cells[where["paid_at"]]),
                    amount=parse_amount(cells[where["amount"]]),
                    currency=parse_currency(cells[where["currency"]]),
                    line=line,
                )
            )
        except (ValueError, csv.Error) as exc:
            result.errors.append(PaymentError(name, line, str(exc)))
    return result


@dataclass
class ImportSummary:
    read: int = 0
    imported: int = 0
    already: int = 0
    errors: list[PaymentError] = field(default_factory=list)
    standings: dict[str, int] = field(default_factory=dict)


def _fingerprint(p: PaymentRecord, occurrence: int) -> str:
    key = f"{p.account}|{p.paid_at.astimezone(UTC).isoformat()}|{p.amount:.2f}|{p.currency}|{occurrence}"
    return hashlib.sha256(key.encode()).hexdigest()


def import_payments(session: Session, path: Path, *, now: datetime | None = None, grace_days: int | None = None) -> ImportSummary:
    """Store the file's good payment rows (a row imported before is not added again), then evaluate the promises."""
    read = read_payments(path)
    summary = ImportSummary(read=len(read.payments), errors=read.errors)
    seen: dict[tuple, int] = defaultdict(int)
    rows = []
    for p in read.payments:
        key = (p.account, p.paid_at.astimezone(UTC), round(p.amount, 2), p.currency)
        seen[key] += 1
        rows.append((p, _fingerprint(p, seen[key])))
    existing: set[str] = set()
    prints = [f for _, f in rows]
    for part in chunks(prints):
        existing.update(session.scalars(select(Payment.fingerprint).where(Payment.fingerprint.in_(part))))
    stamp = utcnow()
    new = [
        {
            "account_code": p.account,
            "paid_at": p.paid_at,
            "amount": p.amount,
            "currency": p.currency,
            "fingerprint": f,
            "source_file": str(path),
            "source_line": p.line,
            "imported_at": stamp,
        }
        for p, f in rows
        if f not in existing
    ]
    bulk_insert(session, Payment.__table__, new)
    summary.imported, summary.already = len(new), len(rows) - len(new)
    accounts = sorted({p.account for p, _ in rows})
    ids: set[int] = set()
    for part in chunks(accounts):
        ids.update(session.scalars(select(m.Account.id).where(m.Account.code.in_(part))))
    # The accounts paid, and every account with a promise still pending (one may have fallen due unpaid).
    ids.update(session.scalars(select(OutcomeRow.account_id).where(OutcomeRow.promise_status == "pending").distinct()))
    ids.discard(None)
    summary.standings = evaluate_promises(session, now=now, grace_days=grace_days, account_ids=sorted(ids))
    return summary


def _grace(grace_days: int | None) -> int:
    if grace_days is not None:
        return grace_days
    from qa.scoring import load_scorecard

    return load_scorecard("default").performance.grace_days


def due_end(row_started: datetime, offset_minutes: int, due, grace_days: int) -> datetime:
    """The moment a promise becomes overdue: midnight after its due day plus the grace days, in the contact's offset."""
    zone = timezone(timedelta(minutes=offset_minutes))
    day = due if due is not None else row_started.astimezone(zone).date()
    return datetime.combine(day + timedelta(days=grace_days + 1), time(0), tzinfo=zone)


def evaluate_promises(
    session: Session, *, now: datetime | None = None, grace_days: int | None = None, account_ids: list[int] | None = None
) -> dict[str, int]:
    """Set ``promise_status`` and ``paid_amount`` of the stored promises (of ``account_ids``, default all); count them."""
    now = now or utcnow()
    grace = _grace(grace_days)
    o, i, a = OutcomeRow, m.Interaction, m.Account
    query = (
        select(o, i.utc_offset_minutes, a.code)
        .join(i, i.id == o.interaction_id)
        .join(a, a.id == o.account_id)
        .where(o.promise.is_(True))
        .order_by(o.account_id, o.started_at)
    )
    promises: list[tuple[OutcomeRow, int, str]] = []
    if account_ids is None:
        promises = [tuple(r) for r in session.execute(query).all()]
    else:
        for part in chunks(account_ids):
            promises.extend(tuple(r) for r in session.execute(query.where(o.account_id.in_(part))).all())
    codes = sorted({code for _, _, code in promises})
    paid: dict[str, list[list]] = defaultdict(list)
    for part in chunks(codes):
        stmt = select(Payment.account_code, Payment.paid_at, Payment.amount, Payment.currency).where(
            Payment.account_code.in_(part)
        )
        for code, at, amount, currency in session.execute(stmt.order_by(Payment.paid_at)):
            paid[code].append([at, amount, currency])  # the amount left is consumed in place
    counts: dict[str, int] = defaultdict(int)
    for row, offset, code in promises:
        end = due_end(row.started_at, offset, row.promise_due, grace)
        wanted = row.promise_amount
        got = 0.0
        for payment in paid.get(code, []):
            at, left, currency = payment
            if left <= 0 or at < row.started_at or at >= end:
                continue
            if row.promise_currency and currency != row.promise_currency:
                continue
            take = left if wanted is None else min(left, wanted - got)
            payment[1] -= take
            got += take
            if wanted is None or got >= wanted - _HALF_CENT:
                break
        if got > 0 and (wanted is None or got >= wanted - _HALF_CENT):
            status = "kept"
        elif now < end:
            status = "pending"
        else:
            status = "partly_kept" if got > 0 else "broken"
        row.promise_status, row.paid_amount, row.status_at = status, round(got, 2) if got else None, now
        counts[status] += 1
    session.flush()
    return dict(counts)
