"""Collector turns of a scanned interaction, as the learned layer sees them.

The dialogue state comes from the scanner (``compliance_rules.dialogue``):
whom the collector addresses at each turn, and the consumer's requests made
earlier in this contact or, for stop, lawyer and refused-channel requests, in
an earlier contact of the same account.
"""

from __future__ import annotations

from compliance_rules.context import InteractionContext
from compliance_rules.learned.features import REQUESTS, TurnView

# The scanner's "nobody" (no one has answered yet) is, for the model, a listener not yet identified.
_PARTY = {"nobody": "unconfirmed"}
# Requests that bind later contacts of the account (a dispute binds its own contact).
_ACROSS = ("stop", "attorney", "channel")


def _earlier_requests(ctx: InteractionContext) -> set[str]:
    if not ctx.is_outbound:
        return set()
    found = set()
    for earlier in ctx.history:
        for request in earlier.dialogue.requests:
            if request.kind not in _ACROSS:
                continue
            if request.kind == "channel" and request.channel not in (ctx.interaction.channel, "work"):
                continue
            found.add(request.kind)
    return found


def turn_views(ctx: InteractionContext) -> list[tuple[int, TurnView]]:
    """Every judged collector turn of ``ctx`` with its model view."""
    interaction = ctx.interaction
    jurisdiction = interaction.jurisdiction or "US"
    standing = _earlier_requests(ctx)
    requests_at: list[tuple[int, str]] = []
    for request in ctx.dialogue.requests:
        if request.kind not in REQUESTS:
            continue
        if request.kind == "channel" and request.channel not in (None, "work", interaction.channel):
            continue
        requests_at.append((request.turn, request.kind))
    views = []
    for index in ctx.collector_turns():
        party = ctx.dialogue.listener[index] if index < len(ctx.dialogue.listener) else "unconfirmed"
        requests = standing | {kind for turn, kind in requests_at if turn < index}
        previous = ctx.texts[index - 1] if index > 0 else None
        views.append(
            (
                index,
                TurnView(
                    text=ctx.texts[index],
                    previous=previous,
                    previous_speaker=ctx.speakers[index - 1] if index > 0 else "none",
                    party=_PARTY.get(party, party),
                    requests=frozenset(requests),
                    channel=interaction.channel,
                    jurisdiction=jurisdiction,
                ),
            )
        )
    return views
