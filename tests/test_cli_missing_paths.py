"""Every ``qa`` command that reads input paths stops with exit code 2 and a bilingual message when one is missing."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from qa.cli import _register_all, app

_register_all()
runner = CliRunner()

RECORD = {
    "id": "p-1",
    "channel": "sms",
    "direction": "outbound",
    "started_at": "2026-03-03T10:00:00-05:00",
    "jurisdiction": "CO",
    "language": "es",
    "agent_id": "A1",
    "account_id": "ACC-1",
    "turns": [{"speaker": "agent", "start": 0.0, "end": 1.0, "text": "Recuerde su cita de pago."}],
}


@pytest.fixture
def present(tmp_path):
    path = tmp_path / "ok.jsonl"
    path.write_text(json.dumps(RECORD) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "command",
    [
        ["scan"],
        ["eval"],
        ["transcribe"],
        ["ingest", "--no-progress", "--workers", "1"],
        ["export", "verify", "--offline"],
    ],
)
def test_missing_input_path_exits_2_with_a_bilingual_message(command, present, tmp_path, monkeypatch):
    monkeypatch.setenv("QA_DATA_DIR", str(tmp_path / "data"))
    missing = tmp_path / "nope" / "calls.jsonl"
    args = [*command, str(missing)] if command[0] == "export" else [*command, str(present), str(missing)]
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert "not found / no existe la" in result.stderr and str(missing) in result.stderr
    assert "no se hizo nada" in result.stderr
    # Nothing was stored: the database was never created.
    assert not (tmp_path / "data" / "qa.sqlite3").exists()


def test_scan_of_existing_paths_still_exits_0(present):
    result = runner.invoke(app, ["scan", str(present)])
    assert result.exit_code == 0, result.output
    assert "1 scanned / revisadas" in result.stderr
