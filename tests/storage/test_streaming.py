"""Streaming ingest and scan (issue 14): bounded slices and windows, same findings, per-record errors, progress bar."""

from __future__ import annotations

import io
import json

from storage_helpers import SCANNER_V1, chat, write_jsonl
from test_account_state import contacts, findings, run
from typer.testing import CliRunner

from qa.cli import _register_all, app
from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.ingest.batches import Batcher
from qa.ingest.scanning import StreamingScan
from qa.ingest.stream import Progress, count_lines, iter_records
from qa.ingest.worker import _STATE, WorkerConfig, init_worker
from qa.storage.account_state import window_days


def test_jsonl_is_read_in_slices_with_every_bad_line_reported(tmp_path):
    lines = [chat(f"s{i}") for i in range(25)]
    lines[7] = "{broken"
    path = write_jsonl(tmp_path / "big.jsonl", lines)
    slices = list(iter_records(path, slice_lines=10))
    assert [len(s.records) + len(s.errors) for s in slices] == [10, 10, 5]
    errors = [e for s in slices for e in s.errors]
    assert [(e.line, "malformed JSON" in e.reason) for e in errors] == [(8, True)]
    assert count_lines([path]) == 25


def test_ingest_holds_one_window_and_the_tasks_in_flight(db, tmp_path, monkeypatch):
    records = [chat(f"w{i}", account=f"ACC-{i % 7}", started_at=f"2026-03-{1 + i % 20:02d}T10:00:00-05:00") for i in range(60)]
    records.insert(30, "{broken")
    held: list[int] = []
    settle = Batcher.settle

    def watching(self, task_id, keys):
        held.append(len(self.items))
        settle(self, task_id, keys)

    monkeypatch.setattr(Batcher, "settle", watching)
    source = write_jsonl(tmp_path / "w.jsonl", records)
    summary = ingest(db, [source], IngestOptions(scanner=SCANNER_V1, progress=False, chunk_size=4, window=8), InlineExecutor())
    assert (summary.seen, summary.stored, summary.failed) == (61, 60, 1)
    assert "w.jsonl:31: malformed JSON" in summary.errors[0]
    assert held and max(held) <= 8 + 4  # one window, plus what is in flight (inline: one task)


def test_duplicates_across_windows_and_in_flight_are_still_found(db, tmp_path):
    batch = [chat(f"d{i}", account=f"ACC-{i}") for i in range(6)]
    clash = chat("d0", account="ACC-0", text="Other content, same id.")
    source = write_jsonl(tmp_path / "d.jsonl", [*batch, *batch, clash])
    summary = ingest(db, [source], IngestOptions(scanner=SCANNER_V1, progress=False, chunk_size=2, window=3), InlineExecutor())
    assert (summary.stored, summary.duplicates, summary.failed) == (6, 6, 1)
    assert "d.jsonl:13 [d0]" in summary.errors[0]


def test_streaming_scan_in_small_windows_finds_what_one_pass_finds(db, tmp_path):
    init_worker(WorkerConfig())
    scanner = _STATE.scanner
    path = write_jsonl(tmp_path / "all.jsonl", contacts())

    def scan(window: int) -> set:
        found: list = []
        runner = StreamingScan(scanner, window_days(scanner), window=window)
        prepare = lambda records: ([r.interaction for r in records], [])  # noqa: E731 - no recordings here
        with Progress("scan", None, enabled=False) as bar:
            runner.run([path], prepare, found.extend, lambda errors: None, bar)
        return {(f.interaction_id, f.rule_id, f.turn) for f in found}

    one_pass = set(scanner.scan([r.interaction for s in iter_records(path) for r in s.records]))
    one = {(f.interaction_id, f.rule_id, f.turn) for f in one_pass}
    assert scan(2) == scan(1000) == one
    # And the ingest of the same file stores those findings.
    run(db, [path], chunk_size=3, window=5)
    assert findings(db) == one


def test_qa_scan_cli_streams_and_stays_quiet_off_a_terminal(tmp_path):
    _register_all()
    path = write_jsonl(tmp_path / "all.jsonl", [*contacts(), "{broken"])
    result = CliRunner().invoke(app, ["scan", str(path), "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert {(f["interaction_id"], f["rule_id"]) for f in lines} >= {
        ("law-2", "US-FDCPA-1692c-a2-attorney-represented"),
        ("freq-9", "US-REGF-1006.14-b2i-seven-in-seven"),
    }
    assert "malformed JSON" in result.stderr and "items/s" not in result.stderr


def test_the_progress_bar_shows_rate_and_time_left_on_a_terminal():
    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Terminal()
    with Progress("ingest", 100, enabled=True, stream=stream) as bar:
        bar.update(40)
        bar.bar.refresh()
    text = stream.getvalue()
    assert "40/100" in text and "items/s" in text and "<" in text  # elapsed<remaining
    quiet = Terminal()
    with Progress("ingest", 100, enabled=False, stream=quiet) as bar:
        bar.update(40)
    assert quiet.getvalue() == ""
