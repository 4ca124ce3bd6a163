"""A missing disclosure in an opening ASR heard badly is stored as "unclear — listen", not scored (issue 12 item 5)."""

from __future__ import annotations

from sqlalchemy import select
from storage_helpers import write_jsonl

from qa.ingest import IngestOptions, InlineExecutor, ingest
from qa.storage import models as m

TURNS = [
    ("agent", "Hi, am I speaking with John Miller?"),
    ("consumer", "Yes, speaking."),
    ("agent", "You owe 500 dollars on your credit card and you need to pay today."),
    ("consumer", "I can pay next week."),
]


def call(iid: str, logprob: float | None) -> dict:
    turns = []
    for i, (speaker, text) in enumerate(TURNS):
        turn = {"speaker": speaker, "text": text, "start": i * 4.0, "end": i * 4.0 + 3.0}
        if logprob is not None:
            turn["asr"] = {"avg_logprob": logprob, "no_speech_prob": 0.05, "channel": 0 if speaker == "agent" else 1}
        turns.append(turn)
    return {
        "id": iid,
        "channel": "call",
        "started_at": "2026-03-02T10:00:00-05:00",
        "jurisdiction": "US",
        "language": "en",
        "agent_id": "A1",
        "turns": turns,
    }


def test_unclear_opening_is_stored_unclear_and_not_scored(db, tmp_path):
    source = write_jsonl(tmp_path / "calls.jsonl", [call("text", None), call("clear", -0.2), call("garbled", -0.95)])
    summary = ingest(db, [source], IngestOptions(progress=False), InlineExecutor())
    assert (summary.stored, summary.failed) == (3, 0)
    with db.session() as s:
        rows = s.execute(
            select(m.Interaction.source_id, m.Finding.family, m.Finding.status, m.Finding.explanation).join(m.Finding)
        ).all()
        scores = dict(s.execute(select(m.Interaction.source_id, m.Score.score).join(m.Score)).all())
        documents = dict(s.execute(select(m.Interaction.source_id, m.Interaction.document)).all())
    found = {(sid, fam, status) for sid, fam, status, _ in rows if fam == "missing_disclosure"}
    assert found == {
        ("text", "missing_disclosure", "violation"),
        ("clear", "missing_disclosure", "violation"),
        ("garbled", "missing_disclosure", "unclear"),
    }
    assert any(e.startswith("Unclear — listen") for sid, _, _, e in rows if sid == "garbled")
    assert scores["text"] == scores["clear"] < 100 and scores["garbled"] == 100
    # The confidence is kept in the canonical document, so a rescan decides the same way; text turns have none.
    assert documents["garbled"]["turns"][0]["asr"]["avg_logprob"] == -0.95
    assert "asr" not in documents["text"]["turns"][0]


def _statuses(db) -> dict[str, tuple[str, bool, str]]:
    with db.session() as s:
        rows = s.execute(
            select(m.Interaction.source_id, m.Finding.status, m.Finding.active, m.Finding.explanation)
            .join(m.Finding)
            .where(m.Finding.family == "missing_disclosure")
        ).all()
    return {sid: (status, active, explanation) for sid, status, active, explanation in rows}


def _scores(db) -> dict[str, float]:
    with db.session() as s:
        return dict(s.execute(select(m.Interaction.source_id, m.Score.score).join(m.Score)).all())


def test_a_rescan_sets_and_clears_the_unclear_status_of_stored_findings(db, tmp_path, monkeypatch):
    from compliance_rules import asr
    from qa.rescan import RescanOptions, rescan

    source = write_jsonl(tmp_path / "calls.jsonl", [call("clear", -0.2), call("garbled", -0.95)])
    ingest(db, [source], IngestOptions(progress=False), InlineExecutor())
    before = _statuses(db)
    assert {k: v[0] for k, v in before.items()} == {"clear": "violation", "garbled": "unclear"}
    with db.session() as s:
        ids_before = dict(s.execute(select(m.Interaction.source_id, m.Finding.id).join(m.Finding)).all())

    # A stricter confidence floor: the clear call's opening is now unclear, the garbled one stays unclear.
    monkeypatch.setattr(asr, "UNCLEAR_LOGPROB", -0.1)
    summary = rescan(db, RescanOptions(progress=False, all=True), InlineExecutor())
    assert summary.failed == 0
    after = _statuses(db)
    assert after["clear"][0] == "unclear" and after["clear"][1] and after["clear"][2].startswith("Unclear — listen")
    assert after["garbled"][0] == "unclear"
    assert _scores(db) == {"clear": 100, "garbled": 100}

    # A looser floor: both openings are clear, so both findings are violations again, explained plainly and scored.
    monkeypatch.setattr(asr, "UNCLEAR_LOGPROB", -2.0)
    rescan(db, RescanOptions(progress=False, all=True), InlineExecutor())
    cleared = _statuses(db)
    assert {k: v[0] for k, v in cleared.items()} == {"clear": "violation", "garbled": "violation"}
    assert all(active and not explanation.startswith("Unclear") for _, active, explanation in cleared.values())
    assert all(score < 100 for score in _scores(db).values())
    with db.session() as s:  # the same finding rows were updated, not new ones added
        assert dict(s.execute(select(m.Interaction.source_id, m.Finding.id).join(m.Finding)).all()) == ids_before
