"""Agent and team aggregates by day, week or month, with pandas.

The database does the heavy part (one row per agent and local day, see
``qa.storage.queries.daily_agent_scores``); this module rolls those rows up to periods,
ranks agents and measures the trend. Pure functions returning DataFrames, so the CLI and the
dashboards draw the same numbers.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

import pandas as pd

Period = Literal["day", "week", "month"]
_FREQ = {"day": "D", "week": "W-SUN", "month": "M"}
SPARK = "▁▂▃▄▅▆▇█"


def daily_frame(rows: list[dict]) -> pd.DataFrame:
    columns = [
        "agent_id",
        "agent",
        "agent_name",
        "team_id",
        "team",
        "local_date",
        "interactions",
        "score_sum",
        "passed",
        "auto_failed",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    frame["local_date"] = pd.to_datetime(frame["local_date"])
    for column in ("interactions", "score_sum", "passed", "auto_failed"):
        frame[column] = pd.to_numeric(frame[column]).fillna(0)
    frame["team"] = frame["team"].fillna("—")
    return frame


def by_period(daily: pd.DataFrame, period: Period, keys: tuple[str, ...] = ("agent", "team")) -> pd.DataFrame:
    """Sum daily rows into periods: interactions, mean score, pass rate and auto-fails per key and period."""
    return _summed(daily.assign(period=daily["local_date"].dt.to_period(_FREQ[period])), keys)


def _summed(frame: pd.DataFrame, keys: tuple[str, ...]) -> pd.DataFrame:
    grouped = frame.groupby([*keys, "period"], as_index=False)[["interactions", "score_sum", "passed", "auto_failed"]].sum()
    grouped["score"] = (grouped["score_sum"] / grouped["interactions"]).round(1)
    grouped["pass_rate"] = (grouped["passed"] / grouped["interactions"]).round(3)
    return grouped.drop(columns=["score_sum"])


def sparkline(values: list[float], low: float = 0.0, high: float = 100.0) -> str:
    chars = []
    for value in values:
        if pd.isna(value):
            chars.append(" ")
            continue
        ratio = 0.0 if high == low else (min(max(value, low), high) - low) / (high - low)
        chars.append(SPARK[min(len(SPARK) - 1, int(ratio * len(SPARK)))])
    return "".join(chars)


def ranking(
    daily: pd.DataFrame,
    period: Period = "week",
    *,
    as_of: date | None = None,
    trend_periods: int = 6,
    keys: tuple[str, ...] = ("agent", "team"),
    between: tuple[date, date] | None = None,
) -> pd.DataFrame:
    """Rank by mean score in the period holding ``as_of`` (default: the latest with data), with the change and trend.

    ``between=(start, end)`` ranks a custom range of local days instead; the change and the trend
    then compare it with the ranges of the same length before it.
    Columns: rank, keys…, interactions, score, pass_rate, auto_failed, previous (score of the
    period before), change, trend (sparkline of the last ``trend_periods`` periods, oldest first).
    Ties are broken by fewer auto-fails, then more interactions.
    """
    empty_columns = [
        "rank",
        *keys,
        *(["agent_name"] if "agent" in keys else []),
        "period",
        "interactions",
        "score",
        "pass_rate",
        "auto_failed",
        "previous",
        "change",
        "trend",
    ]
    if daily.empty:
        return pd.DataFrame(columns=empty_columns)
    if between is not None:
        start, end = (pd.Timestamp(d) for d in between)
        length = (end - start).days + 1
        periods = _summed(daily.assign(period=(daily["local_date"] - start).dt.days // length), keys)
        current, window = 0, pd.Index(range(1 - trend_periods, 1))
    else:
        periods = by_period(daily, period, keys)
        current = pd.Period(pd.Timestamp(as_of), _FREQ[period]) if as_of else periods["period"].max()
        window = pd.period_range(end=current, periods=trend_periods, freq=_FREQ[period])
    now = periods[periods["period"] == current].copy()
    if "agent" in keys:
        names = daily.drop_duplicates("agent", keep="last").set_index("agent")["agent_name"]
        now["agent_name"] = now["agent"].map(names)
    if now.empty:
        return pd.DataFrame(columns=empty_columns)
    wide = periods[periods["period"].isin(window)].pivot_table(index=list(keys), columns="period", values="score")
    wide = wide.reindex(columns=window)
    previous = wide[window[-2]] if len(window) > 1 else pd.Series(dtype=float)
    now = now.join(previous.rename("previous"), on=list(keys))
    now["change"] = (now["score"] - now["previous"]).round(1)
    # The trend is scaled over the table's own range, so small moves near the top stay visible.
    low, high = float(wide.min().min()), float(wide.max().max())
    keyed = wide.to_dict("index")
    now["trend"] = [
        sparkline([keyed[key][p] for p in window], low, high)
        for key in (tuple(r) if len(keys) > 1 else r[0] for r in now[list(keys)].itertuples(index=False))
    ]
    now = now.sort_values(["score", "auto_failed", "interactions"], ascending=[False, True, False]).reset_index(drop=True)
    now.insert(0, "rank", range(1, len(now) + 1))
    now["period"] = f"{between[0]} – {between[1]}" if between is not None else now["period"].astype(str)
    return now[empty_columns]
