"""``qa transcribe`` through Typer's test runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from qa.cli_transcribe import register
from qa.domain import Interaction


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command()
    def _other() -> None:  # a second command keeps Typer in multi-command mode, as in `qa`
        pass

    return app


def test_help_is_bilingual() -> None:
    result = CliRunner().invoke(_app(), ["transcribe", "--help"])
    assert result.exit_code == 0
    assert "--channels" in result.output and "--json" in result.output and "--model" in result.output
    assert "grabaciones" in result.output


def test_bad_channels_option_is_refused(fixtures_dir: Path) -> None:
    result = CliRunner().invoke(_app(), ["transcribe", str(fixtures_dir / "en_mono_card.wav"), "--channels", "agent,boss"])
    assert result.exit_code != 0


@pytest.mark.model
def test_json_output_and_bad_files_skipped(tmp_path: Path, fixtures_dir: Path) -> None:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    notes = tmp_path / "notes.txt"
    notes.write_text("not audio", encoding="utf-8")
    args = [
        "transcribe",
        str(fixtures_dir / "es_stereo_threat.wav"),
        str(empty),
        str(notes),
        "--json",
        "--channels",
        "agent,consumer",
    ]
    args += ["--agent-id", "A017", "--started-at", "2026-03-02T20:05:00-05:00", "--jurisdiction", "CO"]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 1  # some files were skipped
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    record = json.loads(lines[0])
    interaction = Interaction.model_validate(record)
    assert interaction.id == "es_stereo_threat" and interaction.agent_id == "A017" and interaction.jurisdiction == "CO"
    assert interaction.audio_channels == {"0": "agent", "1": "consumer"}
    assert record["transcription"]["roles"]["method"] == "mapping"
    assert record["transcription"]["language"] == "es"
    assert f"{empty}: empty file" in result.stderr
    assert f"{notes}: unsupported or corrupt audio" in result.stderr
    assert "2 of 3 recording(s) skipped" in result.stderr
