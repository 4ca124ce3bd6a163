"""A small, fixed contact-centre floor for the workflow tests, stored through the storage layer.

Teams ``North`` (agents ``A1``, ``A2``) and ``South`` (``B1``); accounts ``ACC-1`` (A1's three
contacts with one consumer, one after hours), ``ACC-2`` (A2), ``ACC-3`` (B1, old: 2020).
Users, one per role, all with password ``password-123``: ``ana`` (agent A1), ``beto`` (agent A2),
``carla`` (agent B1), ``sara`` (supervisor North), ``samuel`` (supervisor South),
``quique`` and ``quela`` (QA analysts), ``lucia`` (legal), ``root`` (admin).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select

from qa.domain import Finding, Interaction
from qa.scoring import load_scorecard, score_findings
from qa.storage import models as m
from qa.storage import repository as repo
from qa.storage.engine import Database
from qa.workflow.access import Principal
from qa.workflow.users import add_user, get_principal

PASSWORD = "password-123"
VERSION = "test-pack-1"

#: (id, agent, team, account, started_at, phone, turns, findings as (rule, family, severity, turn, evidence))
INTERACTIONS = [
    ("c1", "A1", "North", "ACC-1", "2026-03-02T10:00:00-05:00", "+573001234567",
     ["Buenos días, habla Ana de la oficina de cobranza.", "Irá a la cárcel si no paga; tarjeta 4111 1111 1111 1111."],
     [("T-JAIL", "threat", "critical", 1, "cárcel")]),
    ("c2", "A1", "North", "ACC-1", "2026-03-02T22:30:00-05:00", "+573001234567",
     ["Buenas noches, llamo por la deuda del banco.", "Es usted un idiota."],
     [("T-HOURS", "off_hours", "major", None, "22:30"), ("T-IDIOT", "abusive_language", "major", 1, "idiota")]),
    ("c3", "A1", "North", "ACC-1", "2026-03-03T11:00:00-05:00", "+573001234567",
     ["Hola, le llamo otra vez por el pago pendiente.", "Gracias."],
     [("T-FREQ", "frequency", "minor", None, "3 contacts")]),
    ("c4", "A2", "North", "ACC-2", "2026-03-04T09:30:00-05:00", "+573009999999",
     ["Buenos días, le llamo de parte del abogado.", "Usted irá a la cárcel."],
     [("T-JAIL", "threat", "critical", 1, "cárcel")]),
    ("c5", "B1", "South", "ACC-3", "2020-01-10T10:00:00-05:00", "+525512345678",
     ["Good morning, this is the collections office.", "You idiot."],
     [("T-IDIOT", "abusive_language", "major", 1, "idiot")]),
]  # fmt: skip

USERS = [
    ("ana", "agent", "A1", None),
    ("beto", "agent", "A2", None),
    ("carla", "agent", "B1", None),
    ("sara", "supervisor", None, "North"),
    ("samuel", "supervisor", None, "South"),
    ("quique", "qa_analyst", None, None),
    ("quela", "qa_analyst", None, None),
    ("lucia", "legal", None, None),
    ("root", "admin", None, None),
]


@dataclass
class Seeded:
    db: Database
    interactions: dict[str, int] = field(default_factory=dict)  # source id -> pk
    findings: dict[tuple[str, str], int] = field(default_factory=dict)  # (source id, rule) -> pk
    audio_dir: Path | None = None

    def who(self, username: str) -> Principal:
        with self.db.session() as s:
            return get_principal(s, username)


def domain_interaction(iid, agent, team, account, started, phone, texts, audio=None) -> Interaction:
    return Interaction.model_validate(
        {
            "id": iid, "channel": "call", "started_at": started, "jurisdiction": "CO",
            "consumer_timezone": "America/Bogota", "language": "es", "agent_id": agent, "agent_name": f"Agent {agent}",
            "team": team, "account_id": account, "consumer_phone": phone,
            "turns": [{"speaker": "agent", "text": t, "start": 3.0 * k, "end": 3.0 * k + 2.5} for k, t in enumerate(texts)],
        }
    )  # fmt: skip


def seed(db: Database, tmp_path: Path) -> Seeded:
    card = load_scorecard("default")
    # A call's playable recording is its masked copy in the media store (QA_MEDIA_DIR, set by the fixture).
    from transcription.masking import MASKED, media_dir

    (media_dir() / MASKED).mkdir(parents=True, exist_ok=True)
    audio = media_dir() / MASKED / "c1.wav"
    audio.write_bytes(b"RIFF-test-audio-bytes")
    items = []
    for iid, agent, team, account, started, phone, texts, found in INTERACTIONS:
        interaction = domain_interaction(iid, agent, team, account, started, phone, texts)
        findings = [
            Finding(interaction_id=iid, rule_id=r, family=fam, severity=sev, jurisdiction="CO", citation="Ley 2300 de 2023",
                    turn=turn, evidence=ev, explanation=f"{r} fired on {ev!r}",
                    span=(texts[turn].find(ev), texts[turn].find(ev) + len(ev)) if turn is not None else None)
            for r, fam, sev, turn, ev in found
        ]  # fmt: skip
        document = interaction.model_dump(mode="json", exclude_none=True)
        items.append(
            repo.StoredInteraction(
                interaction,
                document,
                hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest(),
                findings,
                score_findings(card, findings),
                audio_path=str(audio) if iid == "c1" else None,
            )
        )
    out = Seeded(db, audio_dir=tmp_path)
    with db.session() as s:
        repo.ensure_rule_pack(s, VERSION)
        repo.store_interactions(s, items, dims=repo.Dimensions(), run_id=None, scan_run_id=None, version=VERSION, scorecard=card)
    with db.session() as s:
        out.interactions = dict(s.execute(select(m.Interaction.source_id, m.Interaction.id)).all())
        for source, rule, fid in s.execute(
            select(m.Interaction.source_id, m.Finding.rule_id, m.Finding.id).join(
                m.Finding, m.Finding.interaction_id == m.Interaction.id
            )
        ):
            out.findings[(source, rule)] = fid
        admin = Principal.system("tests")
        for username, role, agent, team in USERS:
            add_user(s, admin, username, PASSWORD, role, agent_code=agent, team_code=team, display_name=username.title())
    return out


def score_of(db: Database, interaction_id: int) -> float:
    with db.session() as s:
        return s.scalar(select(m.Score.score).where(m.Score.interaction_id == interaction_id, m.Score.scorecard == "default"))


def when(text: str) -> datetime:
    return datetime.fromisoformat(text)
