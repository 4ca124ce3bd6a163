"""The examples of docs/input-format.md are read as documented and the call finds what the text says it finds."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from qa.cli import _register_all, app
from qa.ingest.sources import MANIFEST_COLUMNS, is_manifest
from qa.readers import read_paths

_register_all()
DOC = Path(__file__).resolve().parents[1] / "docs" / "input-format.md"


def _blocks(kind: str) -> list[str]:
    return re.findall(rf"```{kind}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_every_json_example_is_a_valid_interaction(tmp_path):
    examples = [json.loads(block) for block in _blocks("json")]
    assert [e["channel"] for e in examples] == ["call", "sms", "call"]
    with_turns = [e for e in examples if "turns" in e]
    path = tmp_path / "examples.jsonl"
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in with_turns), encoding="utf-8")
    result = read_paths([path])
    assert result.errors == [] and len(result.records) == 2
    assert "audio" in examples[2] and "turns" not in examples[2]


def test_the_documented_call_finds_the_documented_breaches(tmp_path):
    call = json.loads(_blocks("json")[0])
    path = tmp_path / "call.jsonl"
    path.write_text(json.dumps(call, ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["scan", str(path), "--json"])
    assert result.exit_code == 0, result.output
    findings = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    families = {(f["family"], f["turn"]) for f in findings}
    assert ("third_party_disclosure", 2) in families
    assert any(family == "off_hours" for family, _ in families)


def test_the_csv_examples_are_a_chat_export_and_a_manifest(tmp_path):
    chat, manifest = _blocks("csv")
    chat_path = tmp_path / "chat.csv"
    chat_path.write_text(chat, encoding="utf-8")
    result = read_paths([chat_path])
    assert result.errors == [] and len(result.records) == 1
    interaction = result.records[0].interaction
    assert interaction.id == "chat-9" and len(interaction.turns) == 2 and interaction.jurisdiction == "CO"
    manifest_path = tmp_path / "manifest.csv"
    manifest_path.write_text(manifest, encoding="utf-8")
    assert is_manifest(manifest_path) and not is_manifest(chat_path)
    header = manifest.splitlines()[0].split(",")
    known = {alias for aliases in MANIFEST_COLUMNS.values() for alias in aliases}
    assert set(header) <= known
