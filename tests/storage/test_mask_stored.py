"""Calls stored before masked audio existed get a masked copy from their stored redaction seconds (no model needed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from qa.domain import Interaction
from qa.scoring import load_scorecard, score_findings
from qa.storage import models as m
from qa.storage import repository as repo
from qa.storage.workflow_models import AuditEntry
from qa.views.interactions import recording
from qa.views.scope import Scope
from qa.workflow.access import Principal, Role
from qa.workflow.errors import PermissionDenied
from qa.workflow.recordings import mask_stored
from transcription.audio import SAMPLE_RATE, decode
from transcription.masking import tone

AUDIO = Path(__file__).resolve().parents[1] / "fixtures" / "audio"
# The en_mono_card.wav transcript as the bundled model gives it, with the seconds of the card and the SSN.
TURNS = [(0.41, 6.03, "agent", "Good morning, this is Mike from Acme Recovery."),
         (7.08, 16.42, "consumer", "I want to pay with my card. The number is [CARD]."),
         (17.84, 21.82, "agent", "Thank you. I also need your social security number."),
         (22.91, 26.93, "consumer", "This is [US_SSN].")]  # fmt: skip
REDACTIONS = [("card", 1, 10.18, 16.42), ("us_ssn", 3, None, None)]  # the second without seconds: its whole turn


def _item(iid: str, audio_path: str, *, document_audio: str | None = None) -> repo.StoredInteraction:
    record = {"id": iid, "channel": "call", "started_at": "2026-03-02T10:00:00-05:00", "jurisdiction": "US",
              "language": "en", "agent_id": "A1", "account_id": f"ACC-{iid}",
              "turns": [{"speaker": sp, "text": text, "start": a, "end": b} for a, b, sp, text in TURNS]}  # fmt: skip
    if document_audio:
        record["audio"] = document_audio
    interaction = Interaction.model_validate(record)
    redactions = [{"kind": k, "turn": t, "span_start": 0, "span_end": 1, "start": a, "end": b, "source": "audio"}
                  for k, t, a, b in REDACTIONS]  # fmt: skip
    document = interaction.model_dump(mode="json", exclude_none=True)
    card = load_scorecard("default")
    return repo.StoredInteraction(interaction, document, f"hash-{iid}", [], score_findings(card, []),
                                  audio_path=audio_path, redactions=redactions)  # fmt: skip


def test_old_rows_get_masked_copies_and_hostile_paths_are_refused(db, tmp_path, monkeypatch):
    monkeypatch.setenv("QA_MEDIA_DIR", str(tmp_path / "media"))
    legacy = tmp_path / "recordings"
    legacy.mkdir()
    shutil.copy(AUDIO / "en_mono_card.wav", legacy / "call.wav")
    (legacy / "escape.wav").symlink_to(AUDIO / "en_mono_card.wav")  # a link out of the allowed root
    items = [_item("old-1", str(legacy / "call.wav")), _item("old-2", "/etc/passwd"), _item("old-3", str(legacy / "escape.wav")),
             _item("old-4", str(legacy / "call.wav"), document_audio="call.wav")]  # fmt: skip
    with db.session() as s:
        repo.ensure_rule_pack(s, "v-test")
        repo.store_interactions(s, items, dims=repo.Dimensions(), run_id=None, scan_run_id=None, version="v-test",
                                scorecard=load_scorecard("default"))  # fmt: skip
    with db.session() as s:
        pk = s.scalar(select(m.Interaction.id).where(m.Interaction.source_id == "old-1"))
        assert recording(s, Scope.everything(), pk) is None  # an old path is never served
        with pytest.raises(PermissionDenied):
            mask_stored(s, Principal(7, "ana", Role.QA_ANALYST), [legacy])
    with db.session() as s:
        result = mask_stored(s, Principal.system("tests"), [legacy])
    assert (result.masked, result.refused, result.unmaskable) == (["old-1"], ["old-2", "old-3"], ["old-4"])
    with db.session() as s:
        path = recording(s, Scope.everything(), pk)
        assert s.scalar(select(AuditEntry.action).order_by(AuditEntry.seq.desc()).limit(1)) == "recording.mask_stored"
    assert path is not None and path.parent == (tmp_path / "media" / "masked").resolve()
    original, masked = decode(AUDIO / "en_mono_card.wav").channels[0], decode(path).channels[0]
    keep = np.ones(len(original), dtype=bool)
    for start, end in [(10.18 - 0.3, 16.42 + 0.3), (22.91 - 0.3, 26.93 + 0.3)]:
        a, b = int(np.ceil(start * SAMPLE_RATE)) + 1, int(np.floor(end * SAMPLE_RATE)) - 1
        keep[a - 3 : b + 3] = False
        assert np.max(np.abs(masked[a:b] - tone(b - a, a))) < 2e-4
    assert np.max(np.abs(masked[keep] - original[keep])) < 2e-4
    with db.session() as s:  # a second run has nothing left to do
        again = mask_stored(s, Principal.system("tests"), [legacy])
    assert again.masked == [] and again.refused == ["old-2", "old-3"]
