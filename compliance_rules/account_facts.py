"""What later contacts of an account need from an earlier one, as a compact summary (issue 14).

Cross-contact detectors read little from an earlier contact (``ctx.history``): its id, channel,
direction, phone, start (UTC and local), whether the consumer was reached, the consumer's
requests (stop, lawyer, dispute, proceedings, refused channel) and callbacks, and whether it
counted as a contact the consumer asked for. :func:`contact_facts` writes that down once, when
the contact is scanned; :func:`context_from_facts` turns it back into an
:class:`~compliance_rules.context.InteractionContext` holding exactly those fields, without the
text analysis, so a later batch scans new contacts against stored summaries
(``Scanner.scan_detailed(interactions, history=...)``) instead of re-analysing old transcripts.

Texts are not kept: request and callback evidence is left empty (detectors read only their
kind, turn, channel and time); the account state stores these summaries
(``qa.storage.account_state``).

Keep both functions in step with what detectors read from ``ctx.history``
(``detectors/frequency.py``, ``detectors/cease.py``, ``detectors/timing.py``, ``learned/views.py``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from compliance_rules.callbacks import CallbackRequest
from compliance_rules.context import InteractionContext
from compliance_rules.detectors.timing import consumer_asked_for
from compliance_rules.dialogue import ConsumerRequest, Dialogue
from qa.domain import Interaction

#: Bumped when the summary's shape changes (a state of another shape is rebuilt).
FACTS_VERSION = 1


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def contact_facts(ctx: InteractionContext) -> dict[str, Any]:
    """The summary of one scanned contact that its account's later contacts need (JSON-ready)."""
    interaction, dialogue = ctx.interaction, ctx.dialogue
    return {
        "v": FACTS_VERSION,
        "id": interaction.id,
        "account": interaction.account_id,
        "channel": interaction.channel,
        "direction": interaction.direction,
        "started_at": interaction.started_at.isoformat(),
        "local": ctx.local_start.isoformat(),
        "phone": interaction.consumer_phone,
        "language": ctx.language,
        "jurisdiction": interaction.jurisdiction,
        # Whether this contact was one the consumer asked for (its own earlier callbacks included).
        "asked": bool(consumer_asked_for(ctx, ctx.local_start)),
        "reached": dialogue.reached_consumer,
        "confirmed_at": dialogue.confirmed_at,
        "requests": [[r.kind, r.turn, r.channel] for r in dialogue.requests],
        "callbacks": [
            [_day(c.requested_on), c.turn, c.weekday, _day(c.on_date), list(c.minutes) if c.minutes else None]
            for c in dialogue.callbacks
        ],
    }


def context_from_facts(facts: dict[str, Any]) -> InteractionContext:
    """An earlier contact rebuilt from :func:`contact_facts`: enough for ``ctx.history``, never scanned itself."""
    interaction = Interaction.model_construct(
        id=facts["id"],
        channel=facts["channel"],
        direction=facts["direction"],
        started_at=datetime.fromisoformat(facts["started_at"]),
        account_id=facts.get("account"),
        consumer_phone=facts.get("phone"),
        jurisdiction=facts.get("jurisdiction"),
        language=facts.get("language"),
        turns=(),
        # Its own history is not carried: whether the consumer asked for it was settled when it was scanned.
        requested_by_consumer=bool(facts.get("asked")),
    )
    requests = [ConsumerRequest(kind, turn, "", channel) for kind, turn, channel in facts.get("requests", ())]
    callbacks = [
        CallbackRequest(
            date.fromisoformat(requested_on),
            turn,
            "",
            weekday,
            date.fromisoformat(on_date) if on_date else None,
            tuple(minutes) if minutes else None,
        )
        for requested_on, turn, weekday, on_date, minutes in facts.get("callbacks", ())
    ]
    dialogue = Dialogue(listener=[], confirmed_at=facts.get("confirmed_at"), requests=requests, callbacks=callbacks)
    local = datetime.fromisoformat(facts["local"])
    return InteractionContext(interaction, facts.get("language") or "en", [], [], dialogue, [local], "facts")


def usable(facts: Any) -> bool:
    """Whether ``facts`` is a summary of this shape (older states hold none or another)."""
    return isinstance(facts, dict) and facts.get("v") == FACTS_VERSION
