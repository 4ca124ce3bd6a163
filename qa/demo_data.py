"""``qa demo-data``: a realistic, seeded, reproducible demo floor, ingested through the real scanner.

About 25 agents in 3 teams, 90 days of calls, chats, SMS and email in Spanish and English
across US, CO, MX, PE and CL. Most contacts are clean; each agent has a propensity to breach,
and a few are far worse than the rest. Account histories carry off-hours contacts, bursts of
contacts in a week and contacts after a cease or attorney request. The records are written as
JSONL (the data contract) and ingested like any other input, so the findings come from the
scanner, not from the generator. Recordings from ``tests/fixtures/audio`` are added through a
manifest when that folder is present.
"""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from qa import demo_templates as t
from qa.demo_outcomes import add_outcome_dialogue, settle_demo

DEFAULT_SEED = 20260301
DEFAULT_END = date(2026, 10, 30)
DEFAULT_DAYS = 90
FIXTURE_AUDIO = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "audio"

# (country, jurisdiction code, time zones, language, currency format, phone prefix)
MARKETS = {
    "US": (
        ["US-NY", "US-TX", "US-CA", "US-FL"],
        {"US-NY": "America/New_York", "US-TX": "America/Chicago", "US-CA": "America/Los_Angeles", "US-FL": "America/New_York"},
        "+1555",
    ),
    "CO": (["CO"], {"CO": "America/Bogota"}, "+57310"),
    "MX": (["MX"], {"MX": "America/Mexico_City"}, "+5255"),
    "PE": (["PE"], {"PE": "America/Lima"}, "+519"),
    "CL": (["CL"], {"CL": "America/Santiago"}, "+569"),
}
TEAMS = {
    "Andes": {"countries": ["CO", "PE", "CL"], "agents": 9, "office": "America/Bogota"},
    "México": {"countries": ["MX"], "agents": 8, "office": "America/Mexico_City"},
    "US Bilingual": {"countries": ["US"], "agents": 8, "office": "America/New_York"},
}
FIRST = [
    "Ana",
    "Luis",
    "Carmen",
    "Jorge",
    "Paola",
    "Diego",
    "Lucía",
    "Andrés",
    "Sofía",
    "Mateo",
    "Valeria",
    "Camilo",
    "Daniela",
    "Ricardo",
    "Gabriela",
    "Tomás",
    "Mariana",
    "Felipe",
    "Laura",
    "Emily",
    "James",
    "Ashley",
    "Kevin",
    "Megan",
    "Brian",
    "Rosa",
]
LAST = [
    "Gómez",
    "Rojas",
    "Herrera",
    "Castillo",
    "Vargas",
    "Morales",
    "Ortiz",
    "Silva",
    "Ramírez",
    "Torres",
    "Miller",
    "Johnson",
    "Reyes",
    "Navarro",
    "Cruz",
    "Peña",
    "Walker",
    "Davis",
    "Flores",
    "Mendoza",
]
FAMILY_WEIGHTS = {"threat": 3, "abusive": 2, "false_claim": 2, "third_party": 3, "missing_disclosure": 4}


@dataclass
class DemoAgent:
    code: str
    name: str
    team: str
    breach_rate: float  # chance that a contact carries a spoken or written breach
    off_hours_rate: float
    spanish_share: float


@dataclass
class DemoAccount:
    code: str
    consumer: str
    country: str
    jurisdiction: str
    timezone: str
    phone: str
    language: str
    balance: int
    team: str
    ceased_at: datetime | None = None
    contacts: list[datetime] = field(default_factory=list)


def _agents(rng: random.Random) -> list[DemoAgent]:
    agents = []
    names = rng.sample([f"{f} {ln}" for f in FIRST for ln in LAST], 25)
    number = 0
    for team, spec in TEAMS.items():
        for _ in range(spec["agents"]):
            number += 1
            # Most agents are careful; roughly one in six is a problem, one is far worse.
            profile = rng.random()
            breach = 0.01 + rng.random() * 0.03 if profile < 0.8 else 0.10 + rng.random() * 0.12
            agents.append(
                DemoAgent(
                    f"AG{number:03d}",
                    names[number - 1],
                    team,
                    breach,
                    0.01 if profile < 0.85 else 0.12,
                    0.35 if team == "US Bilingual" else 1.0,
                )
            )
    worst = rng.choice(agents)
    worst.breach_rate, worst.off_hours_rate = 0.35, 0.2
    return agents


def _accounts(rng: random.Random, count: int) -> list[DemoAccount]:
    accounts = []
    team_names = list(TEAMS)
    for n in range(count):
        team = team_names[n % len(team_names)]
        country = rng.choice(TEAMS[team]["countries"])
        codes, zones, prefix = MARKETS[country]
        jurisdiction = rng.choice(codes)
        language = "en" if country == "US" and rng.random() < 0.65 else "es"
        consumer = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        phone = prefix + "".join(str(rng.randint(0, 9)) for _ in range(12 - len(prefix)))
        accounts.append(
            DemoAccount(
                f"ACC-{n + 1:05d}",
                consumer,
                country,
                jurisdiction,
                zones[jurisdiction],
                phone,
                language,
                rng.choice([180, 450, 900, 1500, 2300, 4800]),
                team,
            )
        )
    return accounts


def _amount(account: DemoAccount) -> str:
    if account.country == "US":
        return f"${account.balance:,}"
    rate = {"CO": 4000, "MX": 18, "PE": 4, "CL": 900}[account.country]
    symbol = {"CO": "$", "MX": "$", "PE": "S/ ", "CL": "$"}[account.country]
    return (
        f"{symbol}{account.balance * rate:,}".replace(",", ".")
        if account.country != "MX"
        else f"{symbol}{account.balance * rate:,}"
    )


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.count = 0

    def pick(self, options: list[str], **fill: str) -> str:
        return self.rng.choice(options).format(**fill)

    def interaction(
        self, agent: DemoAgent, account: DemoAccount, started: datetime, channel: str, direction: str, breach: str | None
    ) -> dict:
        self.count += 1
        lang = account.language
        fill = {
            "agent": agent.name.split()[0],
            "company": self.rng.choice(t.COMPANIES[lang]),
            "consumer": account.consumer,
            "amount": _amount(account),
            "creditor": self.rng.choice(t.CREDITORS[lang]),
            "day": (started + timedelta(days=5)).strftime("%d/%m"),
        }
        lines: list[tuple[str, str]] = []
        if channel == "call":
            if breach == "third_party":
                lines += [
                    ("agent", self.pick(t.OPENING[lang], **fill)),
                    ("other", self.pick(t.THIRD_PARTY_OTHER[lang])),
                    ("agent", self.pick(t.THIRD_PARTY_AGENT[lang], **fill)),
                ]
            else:
                opening = self.pick(t.OPENING[lang], **fill)
                if breach == "missing_disclosure":
                    opening = {"es": f"Hola, ¿{account.consumer}?", "en": f"Hey, is this {account.consumer}?"}[lang]
                lines += [("agent", opening), ("consumer", self.pick(t.CONFIRM[lang]))]
                if breach != "missing_disclosure":
                    lines.append(("agent", self.pick(t.DISCLOSURE[lang], **fill)))
                lines += [("agent", self.pick(t.BODY_AGENT[lang], **fill)), ("consumer", self.pick(t.BODY_CONSUMER[lang]))]
                if breach in ("threat", "abusive", "false_claim", "cease_after"):
                    pool = {"threat": t.THREAT, "abusive": t.ABUSE, "false_claim": t.FALSE_CLAIM, "cease_after": t.BODY_AGENT}[
                        breach
                    ]
                    lines.append(("agent", self.pick(pool[lang], **fill)))
                if breach == "cease_request":
                    lines += [("consumer", self.pick(t.CEASE_REQUEST[lang])), ("agent", self.pick(t.CEASE_ACK[lang]))]
                else:
                    lines += [("agent", self.pick(t.CLOSING[lang])), ("consumer", self.pick(t.CONSUMER_BYE[lang]))]
        else:
            message = self.pick(t.SHORT_MESSAGE[lang], **fill)
            if breach in ("threat", "abusive", "false_claim"):
                message += " " + self.pick(
                    {"threat": t.THREAT, "abusive": t.ABUSE, "false_claim": t.FALSE_CLAIM}[breach][lang], **fill
                )
            lines.append(("agent", message))
            if breach == "cease_request":
                lines.append(("consumer", self.pick(t.CEASE_REQUEST[lang])))
            elif self.rng.random() < 0.6:
                lines.append(("consumer", self.pick(t.SHORT_REPLY[lang])))
        turns = []
        clock, moment = 0.0, started
        for speaker, text in lines:
            if channel == "call":
                length = round(1.5 + len(text) / 14 + self.rng.random(), 2)
                turns.append({"speaker": speaker, "text": text, "start": round(clock, 2), "end": round(clock + length, 2)})
                clock += length + 0.3 + self.rng.random()
            else:
                turns.append({"speaker": speaker, "text": text, "at": moment.isoformat()})
                moment += timedelta(minutes=self.rng.randint(1, 40))
        return {
            "id": f"demo-{self.count:06d}",
            "channel": channel,
            "direction": direction,
            "started_at": started.isoformat(),
            "jurisdiction": account.jurisdiction,
            "consumer_timezone": account.timezone,
            "language": lang,
            "agent_id": agent.code,
            "agent_name": agent.name,
            "team": agent.team,
            "account_id": account.code,
            "consumer_phone": account.phone,
            "turns": turns,
        }


def generate(seed: int = DEFAULT_SEED, end: date = DEFAULT_END, days: int = DEFAULT_DAYS) -> list[dict]:
    """Return the demo interactions (data-contract dicts), the same for the same arguments."""
    rng = random.Random(seed)
    agents = _agents(rng)
    accounts = _accounts(rng, 900)
    by_team: dict[str, list[DemoAccount]] = {}
    for account in accounts:
        by_team.setdefault(account.team, []).append(account)
    writer = _Writer(rng)
    records: list[dict] = []
    start = end - timedelta(days=days - 1)
    for offset in range(days):
        day = start + timedelta(days=offset)
        weekday = day.weekday()
        for agent in agents:
            contacts = 0 if weekday == 6 else rng.randint(0, 2) if weekday == 5 else rng.randint(1, 3)
            if weekday == 6 and rng.random() < agent.off_hours_rate * 3:
                contacts = 1  # a Sunday contact from the agents who ignore schedules
            pool = by_team[agent.team]
            for _ in range(contacts):
                records.extend(_contact(rng, writer, agent, pool, day, agents))
    # Bursts may spill past the last day; the set ends on ``end`` in each consumer's local time.
    records = [r for r in records if datetime.fromisoformat(r["started_at"]).date() <= end]
    records.sort(key=lambda r: r["started_at"])
    return add_outcome_dialogue(records, seed)  # promises and callbacks in some calls (issue 17, qa.demo_outcomes)


def _contact(
    rng: random.Random, writer: _Writer, agent: DemoAgent, pool: list[DemoAccount], day: date, agents: list[DemoAgent]
) -> list[dict]:
    # Bad agents work a few "hot" accounts hard: bursts of contacts in one week.
    burst = agent.breach_rate > 0.1 and rng.random() < 0.08
    account = rng.choice(pool[:12]) if burst else rng.choice(pool)
    if agent.spanish_share < 1 and account.language == "es" and rng.random() > agent.spanish_share:
        account = rng.choice([a for a in pool if a.language == "en"])
    zone = ZoneInfo(account.timezone)
    off_hours = rng.random() < agent.off_hours_rate
    if off_hours:
        local = time(rng.choice([21, 22, 6, 7]), rng.randint(0, 59))
    else:
        local = time(rng.randint(8, 19), rng.randint(0, 59))
    started = datetime.combine(day, local, zone).replace(second=rng.randint(0, 59))
    channel = rng.choices(["call", "chat", "sms", "email"], weights=[65, 15, 12, 8])[0]
    direction = "inbound" if rng.random() < 0.12 else "outbound"
    if account.ceased_at is not None and started > account.ceased_at:
        if agent.breach_rate < 0.1:
            return []  # careful agents respect the request; the account is skipped
        breach: str | None = "cease_after"
        channel, direction = "call", "outbound"
    elif rng.random() < 0.012 and channel in ("call", "chat", "sms") and direction == "outbound":
        breach = "cease_request"
        account.ceased_at = started
    elif direction == "outbound" and rng.random() < agent.breach_rate:
        breach = rng.choices(list(FAMILY_WEIGHTS), weights=list(FAMILY_WEIGHTS.values()))[0]
        if breach in ("third_party", "missing_disclosure") and channel != "call":
            breach = "threat" if breach == "third_party" else None
    else:
        breach = None
    out = [writer.interaction(agent, account, started, channel, direction, breach)]
    if burst:
        for extra in range(1, rng.randint(3, 6)):
            later = started + timedelta(hours=rng.randint(2, 30) * extra)
            if 8 <= later.astimezone(zone).hour < 20 or rng.random() < 0.3:
                out.append(writer.interaction(agent, account, later, "call", "outbound", None))
    return out


def write_jsonl(records: list[dict], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "demo-interactions.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def write_recordings_manifest(folder: Path, end: date = DEFAULT_END, audio_dir: Path = FIXTURE_AUDIO) -> Path | None:
    """Write a manifest for the fixture recordings, assigned to demo agents and accounts; None when absent.

    The recordings are copied beside the manifest (``recordings/``): ingest accepts recordings only
    from its input folder or the configured media root (``transcription.paths``).
    """
    described = audio_dir / "manifest.json"
    if not described.is_file():
        return None
    calls = json.loads(described.read_text(encoding="utf-8")).get("calls", [])
    rows = ["file,id,agent,account,started_at,direction,jurisdiction,timezone,language,channels"]
    plan = {"es": ("AG002", "CO", "America/Bogota"), "en": ("AG020", "US-NY", "America/New_York")}
    for n, call in enumerate(calls, start=1):
        audio = audio_dir / call["file"]
        if not audio.is_file():
            continue
        copied = folder / "recordings" / audio.name
        copied.parent.mkdir(parents=True, exist_ok=True)
        if not copied.is_file() or copied.stat().st_size != audio.stat().st_size:
            shutil.copyfile(audio, copied)
        lang = "en" if call["file"].startswith("en") else "es"
        agent, jurisdiction, zone = plan[lang]
        started = datetime.combine(end - timedelta(days=n), time(10 + n, 15), ZoneInfo(zone)).isoformat()
        channels = ";".join(f"{k}={v}" for k, v in (call.get("channels") or {}).items())
        rows.append(
            f"recordings/{audio.name},demo-rec-{n:03d},{agent},ACC-REC-{n:03d},{started},outbound,{jurisdiction},{zone},{lang},{channels}"
        )
    if len(rows) == 1:
        return None
    path = folder / "demo-recordings.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def load_demo(
    db,
    *,
    seed: int = DEFAULT_SEED,
    end: date = DEFAULT_END,
    days: int = DEFAULT_DAYS,
    folder: Path | None = None,
    recordings: bool = True,
    workers: int | None = None,
    scanner: str | None = None,
    progress: bool = True,
):
    """Generate the demo set into ``folder`` (default: ``<data dir>/demo``) and ingest it; return the ingest summaries."""
    from qa.ingest import IngestOptions, ingest
    from qa.storage.config import data_dir

    folder = folder or data_dir() / "demo"
    paths = [write_jsonl(generate(seed, end, days), folder)]
    manifest = write_recordings_manifest(folder, end) if recordings else None
    options = IngestOptions(workers=workers, scanner=scanner, progress=progress, kind="demo", chunk_size=250)
    summaries = [ingest(db, paths, options)]
    if manifest is not None:
        summaries.append(ingest(db, [manifest], options))
    settle_demo(db, folder, seed)  # payments for the demo promises (issue 17, qa.demo_outcomes)
    return summaries, manifest is not None
