"""The player of every page gets the masked copy, for every role, unmasked transcript view included (issue 12 item 1)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from dash_helpers import open_page
from sqlalchemy import select

from dashboards import interaction_panel
from qa.storage import models as m
from qa.storage import open_database
from transcription.audio import SAMPLE_RATE, decode
from transcription.masking import tone

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "audio"


def _card_call(db_url: str):
    db = open_database(db_url)
    with db.session() as s:
        row = s.scalar(select(m.Interaction).where(m.Interaction.source_id == "demo-rec-004"))
        spans = [(r.start, r.end) for r in s.scalars(select(m.Redaction).where(m.Redaction.interaction_id == row.id))]
        out = row.id, row.audio_path, row.agent_id, spans
    db.dispose()
    return out


def test_every_role_hears_only_the_masked_copy(principals, db_url):
    pk, stored, owner, spans = _card_call(db_url)
    original = (FIXTURES / "en_mono_card.wav").read_bytes()
    assert spans and all(start is not None for start, _ in spans)
    for role, who in principals.items():
        open_page(who, "overview")  # the panel reads the app's database through the page state
        for unredacted in (False, True) if role == "legal" else (False,):
            loaded = interaction_panel.load(who, pk, unredacted=unredacted)
            if loaded is None:  # out of scope for this agent or supervisor
                assert role in ("agente", "supervisor") and who.agent_id != owner
                continue
            audio = loaded[3]
            assert audio is not None and str(audio) == str(Path(stored).resolve()), role
            assert audio.read_bytes() != original
    masked = decode(stored).channels[0]
    for start, end in spans:
        a, b = int(np.ceil(start * SAMPLE_RATE)), int(np.floor(end * SAMPLE_RATE))
        assert np.max(np.abs(masked[a:b] - tone(b - a, a))) < 2e-4  # the card and the SSN are a tone
