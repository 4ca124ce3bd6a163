"""Recordings listed in a manifest CSV are transcribed at ingest; manifest problems are per-row failures."""

from __future__ import annotations

import faulthandler
from pathlib import Path

import pytest
from sqlalchemy import select
from storage_helpers import SCANNER_V1

from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.ingest.sources import is_manifest, parse_channel_map, read_manifest
from qa.storage import models as m
from transcription.paths import REFUSED

AUDIO = Path(__file__).resolve().parents[1] / "fixtures" / "audio"


@pytest.fixture(autouse=True)
def _media(tmp_path, monkeypatch):
    # The fixture recordings live outside the manifests' folders: allow them as the media root.
    monkeypatch.setenv("QA_MEDIA_ROOT", str(AUDIO))
    monkeypatch.setenv("QA_MEDIA_DIR", str(tmp_path / "media"))


HEADER = "file,agent,account,started_at,direction,jurisdiction,timezone,channels\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0=agent;1=consumer", {"0": "agent", "1": "consumer"}),
        ("agent,consumer", {"0": "agent", "1": "consumer"}),
        ("1:agent, 0:consumer", {"1": "agent", "0": "consumer"}),
        ('{"0": "consumer", "1": "agent"}', {"0": "consumer", "1": "agent"}),
        ("", None),
    ],
)
def test_channel_mapping_forms(text, expected):
    assert parse_channel_map(text) == expected


def test_manifest_rows_are_validated_one_by_one(tmp_path):
    (tmp_path / "ok.wav").write_bytes(b"RIFF0000WAVE")
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(
        HEADER
        + "ok.wav,A1,ACC-1,2026-03-02T10:00:00-05:00,outbound,CO,America/Bogota,0=agent;1=consumer\n"
        + "gone.wav,A1,ACC-1,2026-03-02T10:00:00-05:00,outbound,CO,America/Bogota,\n"
        + "ok.wav,A1,ACC-1,2026-03-02T10:00:00,outbound,CO,America/Bogota,\n"
        + "ok.wav,A1,ACC-1,2026-03-02T10:00:00-05:00,outbound,XX,America/Bogota,\n",
        encoding="utf-8",
    )
    assert is_manifest(manifest)
    items, errors = read_manifest(manifest)
    assert [(i.interaction.agent_id, i.interaction.audio_channels, i.source_line) for i in items] == [
        ("A1", {"0": "agent", "1": "consumer"}, 2)
    ]
    assert [e.line for e in errors] == [3, 4, 5]
    assert errors[0].reason == REFUSED  # the one message for every refused recording path
    assert "started_at" in errors[1].reason and "jurisdiction" in errors[2].reason


@pytest.mark.model
def test_a_recording_is_transcribed_scanned_and_stored(db, tmp_path):
    manifest = tmp_path / "manifest.csv"
    row = f"{AUDIO / 'es_stereo_threat.wav'},A9,ACC-REC,2026-03-02T10:00:00-05:00,outbound,CO,America/Bogota,0=agent;1=consumer\n"
    manifest.write_text(HEADER + row, encoding="utf-8")
    options = IngestOptions(scanner=SCANNER_V1, progress=False)
    summary = ingest(db, [manifest], options, InlineExecutor())
    assert (summary.stored, summary.failed) == (1, 0)
    assert ingest(db, [manifest], options, InlineExecutor()).duplicates == 1
    with db.session() as s:
        interaction = s.scalars(select(m.Interaction)).one()
        # The stored recording is the masked copy in the media store, never the input file.
        assert interaction.audio_path.startswith(str(tmp_path / "media" / "masked")) and interaction.channel == "call"
        assert interaction.original_audio_path is None  # QA_KEEP_ORIGINAL_AUDIO not set
        assert interaction.turn_count >= 4 and interaction.duration_seconds > 10
        speakers = {t.speaker for t in interaction.turns}
        assert speakers == {"agent", "consumer"}
        assert [f.rule_id for f in interaction.findings] == ["T-JAIL"]  # "cárcel" said on the agent channel


@pytest.mark.model
def test_a_worker_pool_after_in_process_transcription_starts_fresh_workers(db, tmp_path):
    """CTranslate2 does not survive fork(): once this process has run Whisper, the pool must not fork."""
    from qa.ingest import LocalProcessExecutor
    from qa.ingest.executors import start_method

    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(HEADER + f"{AUDIO / 'es_mono_card.ogg'},A9,ACC-1,2026-03-02T10:00:00-05:00,outbound,CO,,\n")
    second.write_text(HEADER + f"{AUDIO / 'en_mono_card.wav'},A9,ACC-2,2026-03-02T11:00:00-05:00,outbound,US,,\n")
    options = IngestOptions(scanner=SCANNER_V1, progress=False)
    assert ingest(db, [first], options, InlineExecutor()).stored == 1  # Whisper now loaded in this process
    assert start_method() != "fork"
    # Should this regress, the worker hangs inside CTranslate2: fail with the stacks instead of hanging CI.
    faulthandler.dump_traceback_later(300, exit=True)
    try:
        summary = ingest(db, [second], options, LocalProcessExecutor(2))
    finally:
        faulthandler.cancel_dump_traceback_later()
    assert (summary.stored, summary.failed) == (1, 0)
