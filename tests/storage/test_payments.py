"""Payments import (issue 17): promises kept, partly kept or broken after the due date; bad rows reported."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from storage_helpers import SCANNER_V1, chat, write_jsonl
from typer.testing import CliRunner

from qa.cli import _register_all, app
from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.payments import evaluate_promises, import_payments, parse_amount, read_payments
from qa.storage import models as m
from qa.storage.outcome_models import OutcomeRow, Payment
from qa.storage.outcomes import outcome_row

BOGOTA = timezone(timedelta(hours=-5))
HEADER = "account,paid_at,amount,currency\n"


def promise_row(s, source_id: str, amount: float | None, due: date | None, currency: str | None = "COP") -> None:
    """Give a stored interaction an outcome with a promise (extraction itself is tested elsewhere)."""
    i = s.execute(select(m.Interaction).where(m.Interaction.source_id == source_id)).scalar_one()

    class Promise:
        pass

    promise = Promise()
    promise.amount, promise.currency, promise.due_date, promise.turn = amount, currency, due, 1

    class Found:
        contact, refusal, dispute, hardship, callback_at = "right_party", False, False, False, None

    Found.promise_to_pay = promise
    meta = {
        "agent_id": i.agent_id,
        "team_id": i.team_id,
        "account_id": i.account_id,
        "local_date": i.local_date,
        "started_at": i.started_at,
    }
    s.add(OutcomeRow(**outcome_row(i.id, meta, Found, "test", datetime.now(UTC))))
    s.flush()


@pytest.fixture
def promised(db, tmp_path):
    """Three accounts, each with one promise of 300,000 COP due Friday 6 March 2026, made on Wednesday 4 March."""
    records = [chat(f"c-{n}", account=f"ACC-{n}", started_at="2026-03-04T10:00:00-05:00", tz="America/Bogota") for n in (1, 2, 3)]
    ingest(db, [write_jsonl(tmp_path / "in.jsonl", records)], IngestOptions(scanner=SCANNER_V1, progress=False), InlineExecutor())
    with db.session() as s:
        for n in (1, 2, 3):
            promise_row(s, f"c-{n}", 300_000, date(2026, 3, 6))
    return db


def standing(db) -> dict[str, tuple[str, float | None]]:
    with db.session() as s:
        rows = s.execute(select(m.Interaction.source_id, OutcomeRow.promise_status, OutcomeRow.paid_amount).join(OutcomeRow))
        return {sid: (status, paid) for sid, status, paid in rows}


def test_kept_partly_kept_and_broken_after_the_due_date_and_grace_days(promised, tmp_path):
    csv = tmp_path / "payments.csv"
    csv.write_text(
        HEADER
        + "ACC-1,2026-03-06T09:00:00-05:00,300000,COP\n"  # on the due day: kept
        + "ACC-2,2026-03-05T12:00:00-05:00,100.000,COP\n"  # a third of it: partly kept
        + "ACC-3,2026-03-03T12:00:00-05:00,300000,COP\n",  # before the promise was made: does not count
        encoding="utf-8",
    )
    during_grace = datetime(2026, 3, 8, 12, 0, tzinfo=BOGOTA)
    with promised.session() as s:
        summary = import_payments(s, csv, now=during_grace, grace_days=3)
    assert summary.imported == 3 and not summary.errors
    assert standing(promised) == {"c-1": ("kept", 300000.0), "c-2": ("pending", 100000.0), "c-3": ("pending", None)}
    # The due day plus three grace days ends at midnight between 9 and 10 March, Bogotá time.
    with promised.session() as s:
        evaluate_promises(s, now=datetime(2026, 3, 9, 23, 59, tzinfo=BOGOTA), grace_days=3)
    assert standing(promised)["c-3"] == ("pending", None)
    with promised.session() as s:
        counts = evaluate_promises(s, now=datetime(2026, 3, 10, 0, 1, tzinfo=BOGOTA), grace_days=3)
    assert standing(promised) == {"c-1": ("kept", 300000.0), "c-2": ("partly_kept", 100000.0), "c-3": ("broken", None)}
    assert counts == {"kept": 1, "partly_kept": 1, "broken": 1}
    # With no grace days the promise was already broken the day after its due date.
    with promised.session() as s:
        evaluate_promises(s, now=datetime(2026, 3, 7, 0, 1, tzinfo=BOGOTA), grace_days=0)
    assert standing(promised)["c-3"] == ("broken", None)


def test_late_payment_within_grace_keeps_and_a_payment_counts_for_one_promise_only(promised, tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text(HEADER + "ACC-2,2026-03-08T18:00:00-05:00,300000,COP\nACC-3,2026-03-06T10:00:00-05:00,300000,USD\n")
    with promised.session() as s:
        import_payments(s, csv, now=datetime(2026, 3, 12, tzinfo=UTC), grace_days=3)
    got = standing(promised)
    assert got["c-2"] == ("kept", 300000.0)  # two days late, within the grace days
    assert got["c-3"] == ("broken", None)  # paid in another currency than promised


def test_one_payment_is_not_counted_twice_for_two_promises_of_an_account(db, tmp_path):
    records = [
        chat("a", account="ACC-9", started_at="2026-03-02T10:00:00-05:00", tz="America/Bogota"),
        chat("b", account="ACC-9", started_at="2026-03-03T10:00:00-05:00", tz="America/Bogota"),
    ]
    ingest(db, [write_jsonl(tmp_path / "in.jsonl", records)], IngestOptions(scanner=SCANNER_V1, progress=False), InlineExecutor())
    with db.session() as s:
        promise_row(s, "a", 200_000, date(2026, 3, 6))
        promise_row(s, "b", 200_000, date(2026, 3, 6))
    csv = tmp_path / "p.csv"
    csv.write_text(HEADER + "ACC-9,2026-03-05T10:00:00-05:00,300000,COP\n")
    with db.session() as s:
        import_payments(s, csv, now=datetime(2026, 3, 20, tzinfo=UTC), grace_days=3)
    assert standing(db) == {"a": ("kept", 200000.0), "b": ("partly_kept", 100000.0)}


def test_bad_rows_are_reported_with_line_and_reason_and_the_good_ones_imported(promised, db_url, tmp_path):
    csv = tmp_path / "bad.csv"
    lines = [
        "\ufeffAccount;Paid_At;Amount;Currency;Reference",  # BOM, semicolons, header case, an extra column
        "ACC-1;2026-03-06T09:00:00-05:00;300.000;COP;R1",
        "ACC-2;2026-03-06 09:00:00;300000;COP;R2",  # no UTC offset
        "ACC-2;2026-03-06T09:00:00-05:00;-5;COP;R3",  # negative
        "ACC-2;2026-03-06T09:00:00-05:00;12.3456;COP;R4",  # neither decimals nor thousands
        "ACC-2;2026-03-06T09:00:00-05:00;100;pesos;R5",  # not ISO 4217
        ";2026-03-06T09:00:00-05:00;100;COP;R6",  # no account
        "ACC-2;2026-03-06T09:00:00-05:00",  # too few columns
        "ACC-\x1b[31m;2026-03-06T09:00:00-05:00;100;COP;R8",  # control characters
        "",
        "ACC-2;not a date;100;COP;R10",
    ]
    csv.write_bytes("\n".join(lines).encode("utf-8") + "\nACC-3;2026-03-06T09:00:00-05:00;1.000;COP;Se\xf1or\n".encode("cp1252"))
    read = read_payments(csv)
    assert [(p.account, p.amount, p.line) for p in read.payments] == [("ACC-1", 300000.0, 2), ("ACC-3", 1000.0, 12)]
    reasons = {e.line: e.reason for e in read.errors}
    assert set(reasons) == {3, 4, 5, 6, 7, 8, 9, 11}
    assert "UTC offset" in reasons[3] and "positive" in reasons[4] and "ISO 4217" in reasons[6]
    assert "empty" in reasons[7] and "columns" in reasons[8] and "control" in reasons[9] and "ISO 8601" in reasons[11]
    if not any(group.name == "payments" for group in app.registered_groups):
        _register_all()
    result = CliRunner().invoke(
        app, ["payments", "import", str(csv), "--as-of", "2026-03-20T00:00:00+00:00", "--database-url", db_url]
    )
    assert result.exit_code == 1  # some rows were bad; the good ones are in
    assert f"{csv}:3:" in result.output and "2 imported" in result.output


def test_a_file_imported_twice_adds_nothing_and_a_missing_header_is_one_error(promised, tmp_path):
    csv = tmp_path / "p.csv"
    csv.write_text(HEADER + "ACC-1,2026-03-06T09:00:00-05:00,300000,COP\nACC-1,2026-03-06T09:00:00-05:00,300000,COP\n")
    with promised.session() as s:
        first = import_payments(s, csv, now=datetime(2026, 3, 20, tzinfo=UTC), grace_days=3)
    with promised.session() as s:
        second = import_payments(s, csv, now=datetime(2026, 3, 20, tzinfo=UTC), grace_days=3)
        assert len(s.scalars(select(Payment.id)).all()) == 2
    assert (first.imported, second.imported, second.already) == (2, 0, 2)  # two identical rows are two payments
    headless = tmp_path / "headless.csv"
    headless.write_text("ACC-1,2026-03-06T09:00:00-05:00,300000,COP\n")
    read = read_payments(headless)
    assert read.payments == [] and len(read.errors) == 1 and "header lacks" in read.errors[0].reason


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1250000", 1250000.0),
        ("1.250.000", 1250000.0),
        ("1,250,000", 1250000.0),
        ("1.250.000,50", 1250000.5),
        ("1,250,000.50", 1250000.5),
        ("12.5", 12.5),
        ("12,50", 12.5),
        ("1 250 000", 1250000.0),
    ],
)
def test_amounts_with_each_countrys_separators(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["", "abc", "1.2.3", "1,250.000.5", "0", "1.2345", "1e6", "12,5,0"])
def test_bad_amounts_are_refused(text):
    with pytest.raises(ValueError):
        parse_amount(text)
