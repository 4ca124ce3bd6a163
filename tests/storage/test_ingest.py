"""Ingest: idempotent by content hash, per-item failures, retry, account history, parallel workers."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select
from storage_helpers import SCANNER_V1, chat, write_jsonl

from qa.ingest import IngestOptions, InlineExecutor, LocalProcessExecutor, ingest
from qa.storage import models as m
from qa.storage.queries import table_counts


def options(**kw) -> IngestOptions:
    return IngestOptions(scanner=SCANNER_V1, progress=False, **{"chunk_size": 7, **kw})


def records(n: int, prefix: str = "c") -> list[dict]:
    out = []
    for i in range(n):
        text = "You will go to jail if you do not pay." if i % 4 == 0 else "Hello, this is Ana; this call is about your account."
        out.append(
            chat(
                f"{prefix}{i}",
                agent=f"A{i % 3}",
                account=f"ACC-{i % 5}",
                text=text,
                started_at=f"2026-03-{1 + i % 9:02d}T10:00:00-05:00",
            )
        )
    return out


def test_ingesting_the_same_file_twice_stores_it_once(db, tmp_path):
    source = write_jsonl(tmp_path / "batch.jsonl", records(30))
    first = ingest(db, [source], options(), InlineExecutor())
    assert (first.stored, first.duplicates, first.failed) == (30, 0, 0)
    with db.session() as s:
        before = table_counts(s)
    second = ingest(db, [source], options(), InlineExecutor())
    assert (second.stored, second.duplicates, second.failed) == (0, 30, 0)
    with db.session() as s:
        assert table_counts(s) | {"ingest_runs": 0} == before | {"ingest_runs": 0}
        assert before["interactions"] == 30 and before["turns"] == 60 and before["scores"] == 30
        assert before["findings"] == 8  # every 4th record says "jail"
        assert s.scalar(select(func.count()).select_from(m.IngestRun).where(m.IngestRun.status == "finished")) == 2


def test_same_content_in_two_files_and_twice_on_the_command_line(db, tmp_path):
    batch = records(5)
    a = write_jsonl(tmp_path / "a.jsonl", batch)
    b = write_jsonl(tmp_path / "b.jsonl", batch)
    summary = ingest(db, [a, b, a], options(), InlineExecutor())
    assert (summary.stored, summary.duplicates, summary.failed) == (5, 5, 0)


def test_each_bad_item_is_reported_and_the_rest_stored(db, tmp_path):
    good = records(6)
    bad_scanner = chat("boom", account="ACC-BOOM", text="explode-scanner now")
    lines = [*good, "{not json", json.dumps({"id": "no-start", "channel": "chat", "agent_id": "A1", "turns": []}), bad_scanner]
    source = write_jsonl(tmp_path / "mixed.jsonl", lines)
    summary = ingest(db, [source, tmp_path / "missing.jsonl"], options(), InlineExecutor())
    assert summary.stored == 6
    assert summary.failed == 4
    reasons = "\n".join(summary.errors)
    assert "mixed.jsonl:7: malformed JSON" in reasons
    assert "mixed.jsonl:8 [no-start]: started_at: missing required field" in reasons
    assert "mixed.jsonl:9 [boom]: scanner failed: RuntimeError" in reasons
    assert "missing.jsonl: file not found" in reasons
    with db.session() as s:
        rows = s.execute(
            select(m.IngestError.source_line, m.IngestError.record_id).where(m.IngestError.run_id == summary.run_id)
        ).all()
        assert sorted((line or 0, rid or "") for line, rid in rows) == [(0, ""), (7, ""), (8, "no-start"), (9, "boom")]
        run = s.get(m.IngestRun, summary.run_id)
        assert (run.stored, run.failed, run.status) == (6, 4, "finished")


def test_an_id_stored_with_other_content_is_a_failure_not_an_overwrite(db, tmp_path):
    ingest(db, [write_jsonl(tmp_path / "v1.jsonl", [chat("same-id", text="first version")])], options(), InlineExecutor())
    summary = ingest(
        db, [write_jsonl(tmp_path / "v2.jsonl", [chat("same-id", text="second version")])], options(), InlineExecutor()
    )
    assert (summary.stored, summary.failed) == (0, 1)
    assert "already stored with different content" in summary.errors[0]
    with db.session() as s:
        assert (
            s.scalar(select(m.Interaction.document).where(m.Interaction.source_id == "same-id"))["turns"][0]["text"]
            == "first version"
        )


def test_retry_failed_rereads_the_failed_inputs(db, tmp_path):
    source = tmp_path / "later.jsonl"
    first = ingest(db, [source], options(), InlineExecutor())
    assert first.failed == 1 and first.stored == 0
    write_jsonl(source, records(4))
    retry = ingest(db, [], options(retry_failed=True), InlineExecutor())
    assert (retry.stored, retry.failed) == (4, 0)
    with db.session() as s:
        error = s.scalars(select(m.IngestError)).one()
        assert error.resolved_by_run_id == retry.run_id and error.resolved_at is not None
    again = ingest(db, [], options(retry_failed=True), InlineExecutor())
    assert (again.stored, again.duplicates, again.failed) == (0, 0, 0)


def test_new_interactions_are_scanned_with_their_accounts_stored_history(db, tmp_path):
    day = [chat(f"h{i}", account="ACC-H", started_at=f"2026-03-02T1{i}:00:00-05:00") for i in range(3)]
    ingest(db, [write_jsonl(tmp_path / "first.jsonl", day)], options(), InlineExecutor())
    later = [chat("h3", account="ACC-H", started_at="2026-03-02T15:00:00-05:00"), chat("other", account="ACC-X")]
    summary = ingest(db, [write_jsonl(tmp_path / "second.jsonl", later)], options(), InlineExecutor())
    assert summary.stored == 2
    with db.session() as s:
        found = s.execute(select(m.Interaction.source_id, m.Finding.rule_id).join(m.Finding)).all()
    # The fourth contact of the day is only a frequency breach counting the three stored ones.
    assert found == [("h3", "T-FREQ")]


def test_process_pool_stores_what_inline_stores(db, tmp_path):
    batch = records(40)
    summary = ingest(db, [write_jsonl(tmp_path / "p.jsonl", batch)], options(chunk_size=5), LocalProcessExecutor(2))
    assert (summary.stored, summary.failed) == (40, 0)
    with db.session() as s:
        counts = table_counts(s)
        agents = dict(s.execute(select(m.Agent.code, m.Team.code).join(m.Team)).all())
    assert counts["findings"] == 10 and counts["scores"] == 40 and counts["turns"] == 80
    assert agents == {"A0": "North", "A1": "North", "A2": "North"}


@pytest.mark.parametrize("started_at", ["2026-03-02T23:30:00-05:00"])
def test_stored_rows_keep_time_offset_and_local_date(db, tmp_path, started_at):
    ingest(db, [write_jsonl(tmp_path / "t.jsonl", [chat("late", started_at=started_at)])], options(), InlineExecutor())
    with db.session() as s:
        row = s.scalars(select(m.Interaction)).one()
        assert row.started_at.isoformat() == "2026-03-03T04:30:00+00:00"
        assert (row.utc_offset_minutes, row.local_date.isoformat()) == (-300, "2026-03-02")
        finding = s.scalars(select(m.Finding)).one()
        assert (finding.rule_id, finding.raised_version, finding.active) == ("T-HOURS", "test-v1", True)
        score = s.scalars(select(m.Score)).one()
        assert (score.score, score.passed) == (85.0, True)


def test_cli_reports_a_scanner_that_cannot_load(db_url, tmp_path, monkeypatch):
    import typer
    from typer.testing import CliRunner

    from qa import cli_ingest

    app = typer.Typer()
    cli_ingest.register(app)
    monkeypatch.setenv("QA_SCANNER", "no_such_module_for_qa:load")
    source = write_jsonl(tmp_path / "x.jsonl", records(1))
    result = CliRunner().invoke(app, ["ingest", str(source), "--database-url", db_url, "--no-progress"])
    assert result.exit_code == 2
    assert "cannot load the scanner no_such_module_for_qa:load" in result.output


def test_cli_ingest_prints_the_closing_summary(db_url, tmp_path, monkeypatch):
    import typer
    from typer.testing import CliRunner

    from qa import cli_ingest

    app = typer.Typer()
    cli_ingest.register(app)
    monkeypatch.setenv("QA_SCANNER", SCANNER_V1)
    source = write_jsonl(tmp_path / "x.jsonl", [*records(3), "{broken"])
    args = ["ingest", str(source), "--database-url", db_url, "--no-progress", "-j", "1"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "3 stored / guardadas, 0 skipped as duplicate / omitidas por duplicadas, 1 failed / fallidas" in result.output
    assert "x.jsonl:4: malformed JSON" in result.output
    again = CliRunner().invoke(app, args)
    assert "0 stored / guardadas, 3 skipped as duplicate" in again.output
