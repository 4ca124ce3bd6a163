"""Call outcomes at rest (issue 17): ingest stores one row per interaction, ``qa rescan`` recomputes stale ones."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from storage_helpers import SCANNER_V1, write_jsonl

from qa.domain import Interaction
from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.rescan import RescanOptions, rescan
from qa.storage import models as m
from qa.storage.outcome_models import OutcomeRow


def call(iid: str, account: str, *turns: str, started_at: str = "2026-03-04T10:00:00-05:00") -> dict:
    return {
        "id": iid,
        "channel": "call",
        "direction": "outbound",
        "started_at": started_at,
        "jurisdiction": "US",
        "consumer_timezone": "America/New_York",
        "language": "en",
        "agent_id": "A1",
        "team": "North",
        "account_id": account,
        "turns": [{"speaker": t.split(": ", 1)[0], "text": t.split(": ", 1)[1]} for t in turns],
    }


def records() -> list[dict]:
    return [
        call(
            "promise-1",
            "ACC-1",
            "agent: Hello, may I speak with Dana Lee?",
            "consumer: Speaking, this is Dana.",
            "agent: This is an attempt to collect a debt. Your balance is $900. Can you pay $300 this Friday?",
            "consumer: Yes, I will pay three hundred dollars on Friday.",
            "agent: Great, so $300 on Friday, March 6th.",
        ),
        call(
            "voicemail-1",
            "ACC-2",
            "agent: Hi, this is Apex Recovery, a debt collector. Please call us back at 555 0100.",
        ),
        call(
            "hardship-1",
            "ACC-3",
            "agent: Hello, is this Sam Ortiz?",
            "consumer: Yes, this is Sam.",
            "agent: This is an attempt to collect a debt about your balance of $1,200.",
            "consumer: I lost my job last month and I can't pay anything right now.",
        ),
    ]


def stored(db) -> dict[str, OutcomeRow]:
    with db.session() as s:
        rows = s.execute(select(m.Interaction.source_id, OutcomeRow).join(OutcomeRow)).all()
    return {sid: row for sid, row in rows}


def direct(raw: list[dict]) -> dict:
    """What ``qa outcomes`` finds for the same interactions (the extraction itself is the lead's, tested there)."""
    from compliance_rules import Scanner
    from compliance_rules.context import build_context
    from compliance_rules.learned.consumer import ConsumerReader
    from compliance_rules.outcomes.extract import extract_outcome

    scanner, reader = Scanner.load(), ConsumerReader.load()
    out = {}
    for doc in raw:
        interaction = Interaction.model_validate(doc)
        out[interaction.id] = extract_outcome(
            build_context(interaction, scanner.lexicons, scanner.reader), reader, scanner.lexicons
        )
    return out


def test_ingest_stores_one_outcome_per_interaction_beside_the_findings(db, tmp_path):
    raw = records()
    summary = ingest(db, [write_jsonl(tmp_path / "in.jsonl", raw)], IngestOptions(progress=False), InlineExecutor())
    assert summary.stored == 3 and summary.failed == 0
    rows = stored(db)
    assert set(rows) == {"promise-1", "voicemail-1", "hardship-1"}
    expected = direct(raw)
    for sid, row in rows.items():
        want = expected[sid]
        assert row.contact == want.contact
        assert row.promise == (want.promise_to_pay is not None)
        assert (row.refusal, row.dispute, row.hardship) == (want.refusal, want.dispute, want.hardship)
        if want.promise_to_pay is not None:
            assert row.promise_amount == want.promise_to_pay.amount
            assert row.promise_due == want.promise_to_pay.due_date
            assert row.promise_status == "pending"
    # Denormalised like scores: the performance queries need no join.
    with db.session() as s:
        agent, team = s.execute(
            select(m.Interaction.agent_id, m.Interaction.team_id).where(m.Interaction.source_id == "promise-1")
        ).one()
    assert (rows["promise-1"].agent_id, rows["promise-1"].team_id) == (agent, team)
    assert rows["promise-1"].local_date == date(2026, 3, 4)
    # The obvious cases, as a guard that the rows carry real extraction results.
    assert rows["voicemail-1"].contact != "right_party" and not rows["voicemail-1"].promise
    assert rows["promise-1"].contact == "right_party" and rows["promise-1"].promise


def test_a_scanner_without_dialogue_state_stores_no_outcomes_and_rescan_fills_them(db, tmp_path):
    raw = records()
    ingest(db, [write_jsonl(tmp_path / "in.jsonl", raw)], IngestOptions(scanner=SCANNER_V1, progress=False), InlineExecutor())
    assert stored(db) == {}
    summary = rescan(db, RescanOptions(progress=False), InlineExecutor())
    assert summary.outcomes == 3
    rows = stored(db)
    assert set(rows) == {"promise-1", "voicemail-1", "hardship-1"}
    assert rows["promise-1"].promise
    # A second rescan with the same scanner and model has nothing left to recompute.
    assert rescan(db, RescanOptions(progress=False), InlineExecutor()).outcomes == 0


def test_rescan_recomputes_rows_of_another_scanner_or_model_version(db, tmp_path):
    ingest(db, [write_jsonl(tmp_path / "in.jsonl", records())], IngestOptions(progress=False), InlineExecutor())
    current = stored(db)["promise-1"].version
    assert "+consumer-" in current
    with db.session() as s:
        pk = s.scalar(select(m.Interaction.id).where(m.Interaction.source_id == "promise-1"))
        s.execute(update(OutcomeRow).where(OutcomeRow.interaction_id == pk).values(version="old+consumer-000", promise=False))
    summary = rescan(db, RescanOptions(progress=False), InlineExecutor())
    assert summary.outcomes == 1
    row = stored(db)["promise-1"]
    assert row.version == current and row.promise


def test_outcome_rows_go_with_their_interaction(db, tmp_path):
    ingest(db, [write_jsonl(tmp_path / "in.jsonl", records())], IngestOptions(progress=False), InlineExecutor())
    with db.session() as s:
        s.execute(m.Interaction.__table__.delete().where(m.Interaction.source_id == "voicemail-1"))
    assert set(stored(db)) == {"promise-1", "hardship-1"}


def test_an_extraction_failure_costs_that_outcome_only_never_the_batch(db, tmp_path, monkeypatch):
    import compliance_rules.outcomes.extract as extract

    real = extract.extract_outcome

    def flaky(ctx, reader, lexicons):
        if ctx.interaction.id == "hardship-1":
            raise RuntimeError("boom")
        return real(ctx, reader, lexicons)

    monkeypatch.setattr(extract, "extract_outcome", flaky)
    summary = ingest(db, [write_jsonl(tmp_path / "in.jsonl", records())], IngestOptions(progress=False), InlineExecutor())
    assert summary.stored == 3 and summary.failed == 0
    assert set(stored(db)) == {"promise-1", "voicemail-1"}
    monkeypatch.setattr(extract, "extract_outcome", real)
    assert rescan(db, RescanOptions(progress=False), InlineExecutor()).outcomes == 1  # the missing row is filled
    assert set(stored(db)) == {"promise-1", "voicemail-1", "hardship-1"}
