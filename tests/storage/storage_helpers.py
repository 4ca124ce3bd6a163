"""Helpers shared by the storage tests (records in the data contract's shape, the test scanners)."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
SCANNER_V1 = "storage_fake_scanner:load_v1"
SCANNER_V2 = "storage_fake_scanner:load_v2"


def chat(
    iid: str,
    *,
    agent: str = "A1",
    account: str | None = "ACC-1",
    started_at: str = "2026-03-02T10:00:00-05:00",
    text: str = "Good morning, this is Ana from the collections office.",
    team: str | None = "North",
    tz: str = "America/New_York",
) -> dict:
    """One chat interaction in the data contract's JSON shape."""
    record = {
        "id": iid,
        "channel": "chat",
        "direction": "outbound",
        "started_at": started_at,
        "jurisdiction": "US",
        "consumer_timezone": tz,
        "language": "en",
        "agent_id": agent,
        "agent_name": f"Agent {agent}",
        "turns": [
            {"speaker": "agent", "text": text, "at": started_at},
            {"speaker": "consumer", "text": "Ok, thanks.", "at": started_at},
        ],
    }
    if account:
        record["account_id"] = account
    if team:
        record["team"] = team
    return record


def write_jsonl(path: Path, records: list[dict | str]) -> Path:
    path.write_text(
        "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in records), encoding="utf-8"
    )
    return path
