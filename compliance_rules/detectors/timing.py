"""``off_hours.v1``: contact outside the hours the jurisdiction allows."""

from __future__ import annotations

from datetime import datetime

from pydantic import field_validator

from compliance_rules.callbacks import CallbackRequest
from compliance_rules.context import InteractionContext
from compliance_rules.detectors.registry import Hit, Params, message_for, register
from compliance_rules.lexicon import LexiconSet
from compliance_rules.schedule import holiday_name
from compliance_rules.schema import RuleSpec

DAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DAY_NAMES = {
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def _minutes(clock: str) -> int:
    hours, _, mins = clock.partition(":")
    return int(hours) * 60 + int(mins or 0)


class OffHoursParams(Params):
    # Allowed window per weekday, "HH:MM-HH:MM" (both ends allowed); null = closed all day.
    windows: dict[str, str | None]
    # Country whose public holidays close the whole day (None: no holiday ban).
    holiday_calendar: str | None = None
    channels: list[str] = ["call", "chat", "sms", "email"]

    @field_validator("windows")
    @classmethod
    def _all_days(cls, windows: dict[str, str | None]) -> dict[str, str | None]:
        missing = [d for d in DAY_KEYS if d not in windows]
        if missing:
            raise ValueError(f"windows lacks day(s) {missing}; give every one of {DAY_KEYS} (null = closed)")
        for day, window in windows.items():
            if window is not None:
                start, sep, end = window.partition("-")
                if not sep or _minutes(start) >= _minutes(end):
                    raise ValueError(f"window for {day} must be 'HH:MM-HH:MM', got {window!r}")
        return windows


_CALLBACKS_KEY = "earlier callbacks"


def earlier_callbacks(ctx: InteractionContext) -> list[CallbackRequest]:
    """The callbacks the consumer asked for in the account's earlier contacts (gathered once per contact).

    Frequency rules ask this of every earlier contact of every contact: walking each one's own
    history every time made an account's scan cubic in its number of contacts.
    """
    found = ctx.memo.get(_CALLBACKS_KEY)
    if found is None:
        found = [callback for earlier in ctx.history for callback in earlier.dialogue.callbacks]
        ctx.memo[_CALLBACKS_KEY] = found
    return found


def consumer_asked_for(ctx: InteractionContext, local: datetime) -> bool:
    """Whether an earlier contact of the account asked for a contact at ``local``."""
    if ctx.interaction.requested_by_consumer:
        return True
    return any(callback.covers(local) for callback in earlier_callbacks(ctx))


class OffHoursDetector:
    def __init__(self, rule: RuleSpec, params: OffHoursParams) -> None:
        self.rule, self.params = rule, params
        self.windows = {
            day: None if w is None else (_minutes(w.split("-")[0]), _minutes(w.split("-")[1]))
            for day, w in params.windows.items()
        }

    def _violation(self, local: datetime) -> str | None:
        lang_day = DAY_KEYS[local.weekday()]
        if self.params.holiday_calendar:
            name = holiday_name(self.params.holiday_calendar, local.date())
            if name:
                return f"holiday: {name}"
        window = self.windows[lang_day]
        if window is None:
            return "closed day"
        minute = local.hour * 60 + local.minute + (local.second > 0) / 60
        if not window[0] <= minute <= window[1]:
            return "outside window"
        return None

    def detect(self, ctx: InteractionContext) -> list[Hit]:
        interaction = ctx.interaction
        if not ctx.is_outbound or interaction.channel not in self.params.channels:
            return []
        for local in ctx.local_starts:
            reason = self._violation(local)
            if reason is None or consumer_asked_for(ctx, local):
                continue
            lang = "es" if ctx.language == "es" else "en"
            day = _DAY_NAMES[lang][local.weekday()]
            zone = str(local.tzinfo)
            window = self.params.windows[DAY_KEYS[local.weekday()]] or ("cerrado" if lang == "es" else "closed")
            evidence = f"{day} {local:%Y-%m-%d %H:%M} {zone}"
            if lang == "es":
                detail = f"inició el {evidence} (zona según {ctx.zone_source}); permitido ese día: {window}; {reason}"
            else:
                detail = f"started {evidence} (zone from {ctx.zone_source}); allowed that day: {window}; {reason}"
            return [Hit(None, None, evidence, f"{message_for(self.rule, ctx.language)} ({detail})")]
        return []


@register("off_hours.v1", OffHoursParams)
def _build(rule: RuleSpec, params: OffHoursParams, lexicons: LexiconSet) -> OffHoursDetector:
    return OffHoursDetector(rule, params)
