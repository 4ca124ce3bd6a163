"""Issue 13: a hostile record costs that record alone, never the batch, in `qa scan` and `qa ingest`.

Every case of ``hostile_cases`` is written among good records (first, in the middle, last);
the good records must be read (and stored, on SQLite and PostgreSQL), and the bad one
reported with its file, line, id and reason.
"""

from __future__ import annotations

import json

import pytest
from hardening_scanner import SPEC, load_rules
from hostile_cases import ALL_CASES, BOM, CSV_HEADER, POSITIONS, build, csv_rows, good_call, jsonl
from sqlalchemy import func, select
from typer.testing import CliRunner

from qa import cli_scan
from qa.cli import _register_all, app
from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.readers import read_paths
from qa.storage import models as m

_register_all()


def _the_bad_error(errors, case, line):
    found = [e for e in errors if e.line == line and e.record_id == case.bad_id]
    assert len(found) == 1, [str(e) for e in errors]
    return found[0]


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_the_bad_record_is_reported_and_the_good_ones_are_read(case, position, tmp_path):
    built = build(case, tmp_path, position)
    result = read_paths([built.path])
    read = [r.interaction.id for r in result.records]
    error = _the_bad_error(result.errors, case, built.bad_line)
    assert error.file == str(built.path)
    assert case.reason in error.reason
    # Nothing else is reported, except the rows a stray quote swallowed, each by its id.
    others = [e.record_id for e in result.errors if e is not error]
    assert sorted(read + others) == sorted(built.good_ids + built.at_risk_ids)
    assert set(built.good_ids) <= set(read)
    if built.at_risk_ids:
        assert built.at_risk_ids[0] in others  # the row right after the open quote is inside it
    for e in result.errors:  # an error is printable and storable whatever the record held
        assert "\x00" not in str(e)
        str(e).encode("utf-8")


def _write_every_case(folder):
    return [(case, build(case, folder)) for case in ALL_CASES]


def test_ingest_stores_the_good_records_of_every_hostile_file(db, tmp_path):
    built = _write_every_case(tmp_path)
    good = {i for _, b in built for i in b.good_ids}
    at_risk = {i for _, b in built for i in b.at_risk_ids}
    summary = ingest(db, [tmp_path], IngestOptions(scanner=SPEC, progress=False, chunk_size=40), InlineExecutor())
    with db.session() as s:
        stored = set(s.scalars(select(m.Interaction.source_id)))
    swallowed = at_risk - stored
    assert stored == good | (at_risk - swallowed)
    assert summary.stored == len(stored)
    assert summary.failed == len(ALL_CASES) + len(swallowed)
    assert all(any(f"[{i}]: " in e for e in summary.errors) for i in swallowed)
    for case, b in built:
        who = f" [{case.bad_id}]" if case.bad_id else ""
        where = f"{b.path}:{b.bad_line}{who}: "
        assert any(e.startswith(where) and case.reason in e for e in summary.errors), (case.name, summary.errors)
    with db.session() as s:
        stored_errors = s.scalar(select(func.count()).select_from(m.IngestError).where(m.IngestError.run_id == summary.run_id))
        assert stored_errors == summary.failed
        run = s.get(m.IngestRun, summary.run_id)
        assert (run.status, run.stored) == ("finished", len(stored))


def test_qa_scan_reads_past_every_hostile_record(tmp_path, monkeypatch):
    built = _write_every_case(tmp_path)
    threat = good_call("threat-call")
    threat["turns"].append({"speaker": "agent", "start": 4.5, "end": 9.0, "text": "Si no paga hoy, la metemos a la cárcel."})
    (tmp_path / "threat.jsonl").write_text(json.dumps(threat) + "\n", encoding="utf-8")
    monkeypatch.setattr(cli_scan, "_load_scanner", lambda jurisdiction, layers="rules": load_rules())
    result = CliRunner().invoke(app, ["scan", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lowest = sum(len(b.good_ids) for _, b in built) + 1
    scanned = int(result.stderr.rsplit(" scanned", 1)[0].rsplit("\n", 1)[-1])
    assert lowest <= scanned <= lowest + sum(len(b.at_risk_ids) for _, b in built)
    for case, b in built:
        assert f"{b.path}:{b.bad_line}" in result.stderr, case.name
    # The table shows the threat, with a real time to play the recording from.
    row = next(line for line in result.stdout.splitlines() if line.startswith("threat-call") and " threat " in line)
    assert "00:04.5" in row and "nan" not in row.lower() and "inf" not in row.lower()


def test_a_utf8_bom_is_accepted_in_jsonl_json_and_csv(tmp_path):
    (tmp_path / "bom.jsonl").write_bytes(BOM + jsonl(good_call("j1")) + b"\n" + jsonl(good_call("j2")) + b"\n")
    (tmp_path / "bom.json").write_bytes(BOM + jsonl(good_call("a1")))
    # Excel's "CSV UTF-8": a BOM and CRLF line ends.
    csv_text = "\r\n".join([CSV_HEADER, *csv_rows("c1"), *csv_rows("c2")]) + "\r\n"
    (tmp_path / "excel.csv").write_bytes(BOM + csv_text.encode())
    result = read_paths([tmp_path])
    assert not result.errors, [str(e) for e in result.errors]
    assert sorted(r.interaction.id for r in result.records) == ["a1", "c1", "c2", "j1", "j2"]
    assert [t.text for t in next(r for r in result.records if r.interaction.id == "c2").interaction.turns] == [
        "Buenos días, ¿hablo con la señora Ruiz?",
        "Sí con ella",
    ]


def test_a_csv_field_longer_than_the_csv_module_default_is_read(tmp_path):
    long_text = "Señora, " + "x" * 140_000
    path = tmp_path / "long.csv"
    path.write_text("\n".join([CSV_HEADER, *csv_rows("c1", text=long_text), *csv_rows("c2")]) + "\n", encoding="utf-8")
    result = read_paths([path])
    assert not result.errors
    assert [r.interaction.turns[0].text for r in result.records] == [long_text, "Buenos días, ¿hablo con la señora Ruiz?"]


def test_a_quoted_message_over_several_lines_is_one_message(tmp_path):
    message = "Hola señora,\nle escribo por su cuenta, la del banco,\n\ngracias"
    path = tmp_path / "multi.csv"
    path.write_text("\n".join([CSV_HEADER, *csv_rows("c1", text=message), *csv_rows("c2")]) + "\n", encoding="utf-8")
    result = read_paths([path])
    assert not result.errors
    assert result.records[0].interaction.turns[0].text == message
    assert (result.records[0].line, result.records[1].line) == (2, 7)


def test_lines_are_counted_as_an_editor_counts_them(tmp_path):
    # CR LF, LF and a lone CR all end a line; the bad record is reported on its editor line.
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(jsonl(good_call("a")) + b"\r\n" + jsonl(good_call("b")) + b"\r{broken\n\n" + jsonl(good_call("c")))
    result = read_paths([path])
    assert [r.line for r in result.records] == [1, 2, 5]
    assert [e.line for e in result.errors] == [3]
