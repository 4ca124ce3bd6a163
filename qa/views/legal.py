"""Legal views: allowed contact windows from the rule packs and a consumer's contact timeline (scoped).

The windows come from the scanner's ``off_hours.v1`` rules (``params["windows"]``: weekday ->
``"HH:MM-HH:MM"`` or ``None`` when no contact is allowed that day); a sub-jurisdiction
(``US-MA``) falls back to its country (``US``). The timeline gives each contact at the consumer's
local time (:func:`qa.workflow.cases.consumer_zone`) with every active finding of every family: a
contact after a stop request or a lawyer (``cease_violation``) counts like an off-hours one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from qa.storage import models as m
from qa.views.scope import Scope
from qa.workflow.cases import consumer_zone

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIMELINE_COLUMNS = ["interaction_id", "source_id", "channel", "direction", "jurisdiction", "agent", "local_time", "date",
                    "hour", "timezone", "breach", "families", "rules"]  # fmt: skip
# The family a contact is marked with when it has several: the contact-level breaches of the timeline first.
FAMILY_ORDER = ("cease_violation", "off_hours", "frequency", "threat", "third_party_disclosure", "false_claim",
                "abusive_language", "missing_disclosure", "other")  # fmt: skip


def _primary(families: set[str]) -> str:
    if not families:
        return "none"
    return min(families, key=lambda f: FAMILY_ORDER.index(f) if f in FAMILY_ORDER else len(FAMILY_ORDER))


def family_counts(timeline: pd.DataFrame) -> dict[str, int]:
    """Contacts with at least one active finding of each family, in :data:`FAMILY_ORDER` (families absent left out)."""
    counts: Counter[str] = Counter()
    for families in timeline.get("families", []):
        counts.update(families)
    order = {f: i for i, f in enumerate(FAMILY_ORDER)}
    return dict(sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))


def _hours(text: str) -> float:
    hh, mm = text.split(":")
    return int(hh) + int(mm) / 60


def contact_windows(rules: Iterable) -> dict[str, dict[str, tuple[float, float] | None]]:
    """Return jurisdiction -> weekday -> (start hour, end hour) or None, from the ``off_hours.v1`` rules."""
    out: dict[str, dict[str, tuple[float, float] | None]] = {}
    for rule in rules:
        if getattr(rule, "detector", None) != "off_hours.v1" or not (rule.params or {}).get("windows"):
            continue
        days: dict[str, tuple[float, float] | None] = {}
        for day in WEEKDAYS:
            spec = rule.params["windows"].get(day)
            if spec:
                start, end = spec.split("-")
                days[day] = (_hours(start), _hours(end))
            else:
                days[day] = None
        out.setdefault(rule.jurisdiction, days)
    return out


def windows_for(windows: dict[str, dict], jurisdiction: str | None) -> dict[str, tuple[float, float] | None] | None:
    """The windows of ``jurisdiction``, else of its country (``US-MA`` -> ``US``); None when no rule sets them."""
    if not jurisdiction:
        return None
    return windows.get(jurisdiction) or windows.get(jurisdiction.split("-")[0])


def window_bands(days: dict[str, tuple[float, float] | None], start: date, end: date) -> pd.DataFrame:
    """One row per date in [start, end] with an allowed window: date, next_date, start_hour, end_hour."""
    rows = []
    current = start
    while current <= end:
        window = days.get(WEEKDAYS[current.weekday()])
        if window is not None:
            rows.append({"date": pd.Timestamp(current), "next_date": pd.Timestamp(current + timedelta(days=1)),
                         "start_hour": window[0], "end_hour": window[1]})  # fmt: skip
        current += timedelta(days=1)
    return pd.DataFrame(rows, columns=["date", "next_date", "start_hour", "end_hour"])


def main_jurisdiction(timeline: pd.DataFrame) -> str | None:
    """The jurisdiction most of the consumer's contacts fall under (None when unknown)."""
    known = [j for j in timeline.get("jurisdiction", []) if j]
    return Counter(known).most_common(1)[0][0] if known else None


def contact_timeline(session: Session, scope: Scope, interaction_ids: list[int]) -> pd.DataFrame:
    """Each visible interaction at the consumer's local time with its active findings of every family.

    ``families`` is the tuple of families found (in :data:`FAMILY_ORDER`), ``breach`` the first of them
    (``none`` without findings), ``rules`` the rule ids; out-of-scope ids are left out.
    """
    if not interaction_ids:
        return pd.DataFrame(columns=TIMELINE_COLUMNS)
    i = m.Interaction
    rows = session.execute(
        select(i, m.Agent.code)
        .outerjoin(m.Agent, m.Agent.id == i.agent_id)
        .where(i.id.in_(sorted(set(interaction_ids))), *scope.where(i.agent_id, i.team_id))
        .order_by(i.started_at, i.id)
    ).all()
    ids = [r[0].id for r in rows]
    hits: dict[int, list[tuple[str, str]]] = {}
    f = m.Finding
    for interaction_id, family, rule_id in session.execute(
        select(f.interaction_id, f.family, f.rule_id).where(f.interaction_id.in_(ids), f.active.is_(True)).order_by(f.rule_id)
    ):
        hits.setdefault(interaction_id, []).append((family, rule_id))
    out = []
    for interaction, agent in rows:
        zone = consumer_zone(interaction)
        local = interaction.started_at.astimezone(zone) if zone else interaction.started_at
        found = hits.get(interaction.id, [])
        families = {fam for fam, _ in found}
        ordered = tuple(sorted(families, key=lambda x: (FAMILY_ORDER.index(x) if x in FAMILY_ORDER else 99, x)))
        rules = ", ".join(dict.fromkeys(r for _, r in found))
        out.append([interaction.id, interaction.source_id, interaction.channel, interaction.direction, interaction.jurisdiction,
                    agent, local.replace(tzinfo=None), pd.Timestamp(local.date()), local.hour + local.minute / 60,
                    str(zone) if zone else "UTC", _primary(families), ordered, rules])  # fmt: skip
    return pd.DataFrame(out, columns=TIMELINE_COLUMNS)
