"""Masked audio end to end (issue 12 item 1), with the bundled Whisper model.

A recording ingested is transcribed, its card and SSN masked in the transcript and, from the
word timestamps, in a masked copy: the copy has the tone at every redacted span and the original
audio elsewhere, and transcribing the copy again hears no number. The player and the evidence
export serve the copy; the kept original needs an explicit grant and each read is audited;
retention deletes both files.
"""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from storage_helpers import SCANNER_V1

from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.storage import models as m
from qa.storage.workflow_models import AuditEntry
from qa.views.interactions import recording
from qa.views.scope import Scope
from qa.workflow.access import Principal, Role
from qa.workflow.cases import open_case
from qa.workflow.errors import PermissionDenied
from qa.workflow.export import export_case
from qa.workflow.recordings import masked_recording, original_recording
from qa.workflow.retention import apply_retention
from qa.workflow.users import add_user, get_principal
from transcription import TranscriptionOptions, decode, transcribe_file
from transcription.audio import SAMPLE_RATE
from transcription.masking import tone

pytestmark = pytest.mark.model

AUDIO = Path(__file__).resolve().parents[1] / "fixtures" / "audio"
HEADER = "file,id,agent,account,started_at,direction,jurisdiction,timezone,language\n"
CALLS = {
    "en_mono_card.wav": ("rec-en", "ACC-EN", "US", "America/New_York", "en"),
    "es_mono_card.ogg": ("rec-es", "ACC-ES", "CO", "America/Bogota", "es"),
}
PASSWORD = "correct horse battery staple 42"


def _ingest(db, tmp_path: Path, monkeypatch, names: list[str]):
    monkeypatch.setenv("QA_MEDIA_ROOT", str(AUDIO))
    monkeypatch.setenv("QA_MEDIA_DIR", str(tmp_path / "media"))
    monkeypatch.setenv("QA_KEEP_ORIGINAL_AUDIO", "1")
    manifest = tmp_path / "calls.csv"
    rows = [f"{AUDIO / name},{iid},A9,{acc},2026-03-02T10:00:00-05:00,outbound,{j},{tz},{lang}"
            for name, (iid, acc, j, tz, lang) in CALLS.items() if name in names]  # fmt: skip
    manifest.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    summary = ingest(db, [manifest], IngestOptions(scanner=SCANNER_V1, progress=False), InlineExecutor())
    assert (summary.stored, summary.failed) == (len(names), 0), summary.errors
    return db


@pytest.fixture
def ingested(db, tmp_path, monkeypatch):
    return _ingest(db, tmp_path, monkeypatch, list(CALLS))


@pytest.fixture
def ingested_en(db, tmp_path, monkeypatch):
    return _ingest(db, tmp_path, monkeypatch, ["en_mono_card.wav"])


def _window(start: float, end: float) -> slice:
    return slice(int(np.floor(start * SAMPLE_RATE)), int(np.ceil(end * SAMPLE_RATE)))


def test_masked_copy_hides_every_redacted_span_and_keeps_the_rest(ingested):
    with ingested.session() as s:
        rows = {r.source_id: r for r in s.scalars(select(m.Interaction))}
        redactions = {
            iid: [(r.kind, r.start, r.end) for r in s.scalars(select(m.Redaction).where(m.Redaction.interaction_id == row.id))]
            for iid, row in rows.items()
        }
    for name, (iid, *_) in CALLS.items():
        row = rows[iid]
        # Which kind each value gets is transcription.redaction's business; here: something was masked, with its seconds.
        assert redactions[iid], name
        assert all(start is not None and end is not None for _, start, end in redactions[iid])
        original, masked = decode(AUDIO / name), decode(row.audio_path)
        assert Path(row.original_audio_path).read_bytes() == (AUDIO / name).read_bytes()
        samples, copy = original.channels[0], masked.channels[0]
        assert len(copy) == len(samples)
        keep = np.ones(len(samples), dtype=bool)
        for _, start, end in redactions[iid]:
            outer = _window(max(0.0, start - 0.3), end + 0.3)
            keep[max(0, outer.start - 2) : outer.stop + 2] = False  # spans are stored to the millisecond
            window = slice(outer.start + 2, outer.stop - 2)
            expected = tone(window.stop - window.start, window.start)
            assert np.max(np.abs(copy[window] - expected)) < 2e-4, (name, start, end)
        assert keep.mean() > 0.5
        assert np.max(np.abs(copy[keep] - samples[keep])) < 2e-4  # the original elsewhere
        # Transcribing the masked copy hears no number: nothing left to redact, no digit words.
        heard = transcribe_file(row.audio_path, TranscriptionOptions(language=CALLS[name][4]))
        assert not heard.redactions, [t.text for t in heard.turns]
        text = " ".join(t.text for t in heard.turns).lower()
        for digits in ("4556", "7375", "8689", "9855", "cuatro cinco cinco seis", "four five five six", "six seven eight nine"):
            assert digits not in text, text
        assert heard.turns  # the rest of the call is still there to hear


def test_player_and_export_serve_the_masked_copy_and_the_original_needs_a_grant(ingested_en, tmp_path, monkeypatch):
    ingested = ingested_en
    admin = Principal.system("tests")
    with ingested.session() as s:
        add_user(s, admin, "lucia", PASSWORD, Role.LEGAL)
        add_user(s, admin, "ana", PASSWORD, Role.QA_ANALYST)
    with ingested.session() as s:
        row = s.scalar(select(m.Interaction).where(m.Interaction.source_id == "rec-en"))
        legal, analyst = get_principal(s, "lucia"), get_principal(s, "ana")
        masked, original = Path(row.audio_path).read_bytes(), (AUDIO / "en_mono_card.wav").read_bytes()
        assert masked != original
        assert recording(s, Scope.everything(), row.id).read_bytes() == masked  # the dashboard player's file
        assert masked_recording(s, analyst, row.id).read_bytes() == masked
        case = open_case(s, legal, "Complaint", account="ACC-EN")
        (tmp_path / "out").mkdir()
        result = export_case(s, legal, case.id, tmp_path / "out")
    with zipfile.ZipFile(result.path) as z:
        audio = [n for n in z.namelist() if "/audio/" in n]
        assert len(audio) == 1 and z.read(audio[0]) == masked
        assert all(z.read(n) != original for n in z.namelist())
    # No role holds the right to hear the original, legal included; the grant is explicit, per user.
    with ingested.session() as s:
        for who in (legal, analyst):
            with pytest.raises(PermissionDenied):
                original_recording(s, who, row.id, reason="complaint 77 needs the raw audio")
    monkeypatch.setenv("QA_UNREDACTED_AUDIO_USERS", "lucia")
    with ingested.session() as s:
        assert original_recording(s, legal, row.id, reason="complaint 77 needs the raw audio").read_bytes() == original
        with pytest.raises(PermissionDenied):
            original_recording(s, analyst, row.id, reason="complaint 77 needs the raw audio")
    with ingested.session() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "recording.original_access")).all()
        assert [(e.actor, e.object_id) for e in entries] == [("lucia", str(row.id))]


def test_retention_removes_the_masked_copy_and_the_original(ingested_en):
    ingested = ingested_en
    with ingested.session() as s:
        paths = [p for r in s.scalars(select(m.Interaction)) for p in (r.audio_path, r.original_audio_path)]
    assert len(paths) == 2 and all(Path(p).is_file() for p in paths)
    with ingested.session() as s:
        result = apply_retention(s, Principal.system("tests"), days=30, now=datetime(2026, 12, 1, tzinfo=UTC))
    assert result.deleted == ["rec-en"]
    assert not any(Path(p).exists() for p in paths)
    assert all((AUDIO / name).is_file() for name in CALLS)  # the input recordings are never touched
