"""Small builders for scanner tests."""

from __future__ import annotations

from qa.domain import Interaction

_CONFIRM = {
    "es": [("agent", "buenos días hablo con el señor ramírez"), ("consumer", "sí con él")],
    "en": [("agent", "hi may i speak with pat smith"), ("consumer", "yes speaking")],
}


def call(
    turns: list[tuple[str, str]],
    *,
    ident: str = "t-1",
    jurisdiction: str = "CO",
    language: str | None = None,
    started_at: str = "2026-03-03T10:00:00-05:00",
    channel: str = "call",
    direction: str = "outbound",
    account: str | None = "ACC-1",
    confirm: bool = False,
    **extra: object,
) -> Interaction:
    lang = language or ("en" if jurisdiction.startswith("US") else "es")
    if confirm:
        turns = _CONFIRM[lang] + turns
    return Interaction.model_validate(
        {
            "id": ident,
            "channel": channel,
            "direction": direction,
            "started_at": started_at,
            "jurisdiction": jurisdiction,
            "language": lang,
            "agent_id": "A1",
            "account_id": account,
            "turns": [{"speaker": s, "text": t, "start": float(i), "end": float(i) + 0.9} for i, (s, t) in enumerate(turns)],
            **extra,
        }
    )


def families(scanner, interactions, ident: str | None = None) -> set[tuple[str, int | None]]:
    target = ident or interactions[-1].id
    return {(f.family.value, f.turn) for f in scanner.scan(interactions) if f.interaction_id == target}
