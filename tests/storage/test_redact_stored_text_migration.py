"""Migration 0009: text stored in clear before issue 12 is redacted in place, findings and masks kept aligned."""

from __future__ import annotations

import hashlib
import json

from sqlalchemy import select

from qa.domain import Finding, Interaction
from qa.scoring import load_scorecard, score_findings
from qa.storage import models as m
from qa.storage import repository as repo
from qa.storage.engine import make_engine, open_database
from qa.storage.migrate import downgrade, upgrade

CARD = "4111 1111 1111 1111"
TEXTS = [
    f"Irá a la cárcel si no paga; tarjeta {CARD}, saldo $3.880.000 del 2013.",
    "mi cvv es 347 y mi cédula 80123456",
    "Gracias.",
]


def _legacy_interaction() -> Interaction:
    return Interaction.model_validate(
        {
            "id": "legacy-1", "channel": "chat", "started_at": "2026-03-02T10:00:00-05:00", "jurisdiction": "CO",
            "consumer_timezone": "America/Bogota", "language": "es", "agent_id": "A1", "account_id": "ACC-1",
            "turns": [{"speaker": "agent" if k % 2 == 0 else "consumer", "text": t} for k, t in enumerate(TEXTS)],
        }
    )  # fmt: skip


def _finding(rule: str, turn: int, evidence: str) -> Finding:
    start = TEXTS[turn].find(evidence)
    return Finding(
        interaction_id="legacy-1", rule_id=rule, family="threat", severity="critical", jurisdiction="CO",
        citation="Ley 2300 de 2023", turn=turn, evidence=evidence, explanation="test", span=(start, start + len(evidence)),
    )  # fmt: skip


def test_migration_redacts_legacy_text_and_keeps_findings_aligned(tmp_path):
    path = tmp_path / "legacy.sqlite3"
    url = f"sqlite:///{path}"
    db = open_database(url)
    interaction = _legacy_interaction()
    document = interaction.model_dump(mode="json", exclude_none=True)
    findings = [_finding("T-JAIL", 0, "cárcel"), _finding("T-CARD", 0, f"tarjeta {CARD}"), _finding("T-DEBT", 0, "saldo")]
    card = load_scorecard("default")
    item = repo.StoredInteraction(
        interaction, document, hashlib.sha256(json.dumps(document).encode()).hexdigest(), findings, score_findings(card, findings)
    )
    with db.session() as s:
        repo.ensure_rule_pack(s, "legacy-pack")
        repo.store_interactions(s, [item], dims=repo.Dimensions(), run_id=None, scan_run_id=None, version="legacy-pack",
                                scorecard=card)  # fmt: skip
    db.dispose()
    engine = make_engine(url)
    downgrade(engine, "0008")  # as a database written before this revision
    upgrade(engine)
    engine.dispose()

    db = open_database(url)
    with db.session() as s:
        texts = list(s.scalars(select(m.Turn.text).order_by(m.Turn.idx)))
        row = s.scalar(select(m.Interaction))
        stored = {f.rule_id: f for f in s.scalars(select(m.Finding))}
        kinds = sorted(s.scalars(select(m.Redaction.kind).where(m.Redaction.source == "text")))
    db.dispose()
    assert texts[0] == "Irá a la cárcel si no paga; tarjeta [CARD], saldo $3.880.000 del 2013."
    assert texts[1] == "mi cvv es [CVV] y mi cédula [CO_CEDULA]"
    assert texts[2] == "Gracias."
    assert [t["text"] for t in row.document["turns"]] == texts
    assert (
        row.content_hash
        == hashlib.sha256(
            json.dumps(row.document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        ).hexdigest()
    )
    for rule, quote in (("T-JAIL", "cárcel"), ("T-CARD", "tarjeta [CARD]"), ("T-DEBT", "saldo")):
        f = stored[rule]
        assert f.evidence == quote and texts[0][f.span_start : f.span_end] == quote
    assert kinds == ["card", "co_cedula", "cvv"]
    raw = path.read_bytes().decode("latin-1")
    assert CARD not in raw and "80123456" not in raw and "cvv es 347" not in raw  # not left in free pages either
    assert "$3.880.000" in path.read_bytes().decode("utf-8", errors="replace")

    # Running it again changes nothing.
    engine = make_engine(url)
    downgrade(engine, "0008")
    upgrade(engine)
    engine.dispose()
    db = open_database(url)
    with db.session() as s:
        assert list(s.scalars(select(m.Turn.text).order_by(m.Turn.idx))) == texts
        assert s.scalar(select(m.Redaction.id).where(m.Redaction.source == "text").offset(3)) is None
    db.dispose()
