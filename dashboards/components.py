"""Shared view components: page header, KPI cards, charts, transcript with highlighted findings, audio."""

from __future__ import annotations

import html

import altair as alt
import pandas as pd
import streamlit as st

from dashboards import formatting as fmt
from dashboards.i18n import label, t
from dashboards.state import lang, tr
from qa.views.interactions import highlight_segments

SEVERITY_COLOURS = {"critical": "#c0392b", "major": "#e67e22", "minor": "#d4ac0d"}
BRAND = "#1f4e79"

CSS = """
<style>
[data-testid="stMetric"] {background: #ffffff; border: 1px solid #e3e8ef; border-radius: 10px;
  padding: 12px 16px; box-shadow: 0 1px 2px rgba(16,24,40,.04);}
[data-testid="stMetricLabel"] p {font-size: .82rem; color: #52606d;}
[data-testid="stMetricValue"] {font-size: 1.55rem; font-weight: 600; color: #102a43;}
[data-testid="stMetricLabel"] *, [data-testid="stMetricValue"] * {white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; overflow-wrap: break-word; line-height: 1.25;}
.qa-meta {color:#334e68; font-size:.92rem; margin:.1rem 0 .4rem 0;} .qa-meta b {color:#102a43;}
.qa-header {display:flex; align-items:baseline; gap:.8rem; margin-bottom:.2rem;}
.qa-header h1 {font-size:1.65rem; margin:0; padding:0; color:#102a43;}
.qa-header span {color:#627d98; font-size:.95rem;}
.qa-turn {padding:.45rem .7rem; margin:.25rem 0; border-radius:8px; line-height:1.5; font-size:.95rem;}
.qa-turn.agent {background:#f0f4f8; border-left:3px solid #1f4e79;}
.qa-turn.consumer {background:#fffaf0; border-left:3px solid #b7950b;}
.qa-turn.other {background:#f7f7f7; border-left:3px solid #9aa5b1;}
.qa-turn .who {font-weight:600; font-size:.78rem; color:#486581; text-transform:uppercase; letter-spacing:.03em;}
.qa-turn .time {font-size:.75rem; color:#829ab1; margin-left:.4rem;}
.qa-turn mark {padding:0 .15rem; border-radius:3px; color:#102a43;}
.qa-turn mark.critical {background:#f5b7b1;} .qa-turn mark.major {background:#f8c471;} .qa-turn mark.minor {background:#f9e79f;}
.qa-turn mark.focus {outline:2px solid #c0392b;}
.qa-badge {display:inline-block; padding:.05rem .5rem; border-radius:999px; font-size:.75rem; color:#fff; font-weight:600;}
.qa-finding {border:1px solid #e3e8ef; border-radius:10px; padding:.6rem .8rem; margin-bottom:.5rem; background:#fff;}
.qa-finding .cite {color:#486581; font-size:.85rem;}
.qa-finding .rule {font-family: ui-monospace, monospace; font-size:.82rem; color:#334e68;}
</style>
"""


def page_header(title_key: str, subtitle: str | None = None) -> None:
    st.html(CSS)
    sub = f"<span>{html.escape(subtitle)}</span>" if subtitle else ""
    st.html(f'<div class="qa-header"><h1>{html.escape(tr(title_key))}</h1>{sub}</div>')


def fmt_pct(value: float | None, digits: int = 1) -> str:
    """A ratio as a percentage in the viewer's locale ("12,3%" / "12.3%"); see :mod:`dashboards.formatting`."""
    return fmt.percent(value, lang(), digits)


def fmt_num(value: float | int | None, digits: int = 0) -> str:
    """A number in the viewer's locale ("1.234,5" / "1,234.5"); "—" when missing."""
    return fmt.number(value, lang(), digits)


def score_column(title: str):
    """A 0–100 score as a bar in the brand colour, labelled in whole points (the same in both languages)."""
    return st.column_config.ProgressColumn(title, min_value=0, max_value=100, format="%.0f", color=BRAND)


def severity_badge(severity: str) -> str:
    colour = SEVERITY_COLOURS.get(severity, "#829ab1")
    return f'<span class="qa-badge" style="background:{colour}">{html.escape(label("sev", severity, lang()))}</span>'


def family_labels(frame: pd.DataFrame, column: str = "family") -> pd.DataFrame:
    return frame.assign(**{column: frame[column].map(lambda v: label("fam", v, lang()))})


LOCALES = fmt.LOCALES


def vega_locale(language: str) -> dict:
    """Vega's number and time locale (month and day names, separators) from babel's CLDR data."""
    from babel import Locale
    from babel.dates import get_day_names, get_month_names, get_period_names

    loc = Locale.parse(LOCALES.get(language, "es_CO"))
    sunday_first = (6, 0, 1, 2, 3, 4, 5)
    days, short_days = get_day_names("wide", locale=loc), get_day_names("abbreviated", locale=loc)
    months, short_months = get_month_names("wide", locale=loc), get_month_names("abbreviated", locale=loc)
    periods = get_period_names(locale=loc)
    return {
        "number": {"decimal": loc.number_symbols["latn"]["decimal"], "thousands": loc.number_symbols["latn"]["group"],
                   "grouping": [3], "currency": ["$", ""]},
        "time": {"dateTime": "%x, %X", "date": "%d/%m/%Y" if language == "es" else "%m/%d/%Y", "time": "%H:%M:%S",
                 "periods": [periods["am"], periods["pm"]], "days": [days[i] for i in sunday_first],
                 "shortDays": [short_days[i] for i in sunday_first], "months": [months[i] for i in range(1, 13)],
                 "shortMonths": [short_months[i].rstrip(".") for i in range(1, 13)]},
    }  # fmt: skip


def show_chart(chart) -> None:
    """Draw an Altair chart with month names, day names and numbers in the viewer's language."""
    st.altair_chart(chart.configure(locale=vega_locale(lang())), width="stretch")


def bar_chart(frame: pd.DataFrame, category: str, value: str, title: str, *, value_title: str, height: int = 260) -> None:
    chart = (
        alt.Chart(frame, title=title)
        .mark_bar(color=BRAND, cornerRadiusEnd=3)
        .encode(
            x=alt.X(f"{value}:Q", title=value_title),
            y=alt.Y(f"{category}:N", sort="-x", title=None, axis=alt.Axis(labelOverlap=False, labelLimit=170)),
            tooltip=[category, value],
        )
        .properties(height=height)
    )
    show_chart(chart)


def line_chart(frame: pd.DataFrame, x: str, y: str, colour: str | None, title: str, *, y_title: str, height: int = 300) -> None:
    encoding = {
        "x": alt.X(f"{x}:T", title=None, axis=alt.Axis(format="%d %b")),
        "y": alt.Y(f"{y}:Q", title=y_title),
        "tooltip": [c for c in (x, colour, y) if c],
    }
    if colour:
        encoding["color"] = alt.Color(f"{colour}:N", title=None, legend=alt.Legend(orient="bottom", columns=4))
    chart = alt.Chart(frame, title=title).mark_line(point=True).encode(**encoding).properties(height=height)
    show_chart(chart)


def transcript_html(turns, findings, focus_id: int | None = None) -> str:
    """Render turns as chat bubbles; every finding's span highlighted in its severity colour (the focused one outlined)."""
    by_turn: dict[int, list] = {}
    for f in findings:
        if f.turn is not None and f.span is not None:
            by_turn.setdefault(f.turn, []).append((f.span[0], f.span[1], f))
    parts = []
    for turn in turns:
        pieces = []
        for text, f in highlight_segments(turn.text, by_turn.get(turn.idx, [])):
            if f is None:
                pieces.append(html.escape(text))
            else:
                focus = " focus" if f.id == focus_id else ""
                tip = html.escape(f"{f.rule_id} · {f.citation}")
                pieces.append(f'<mark class="{f.severity}{focus}" title="{tip}">{html.escape(text)}</mark>')
        who = turn.speaker if turn.speaker in ("agent", "consumer") else "other"
        when = f'<span class="time">{fmt.number(turn.start, lang(), 1)} s</span>' if turn.start is not None else ""
        parts.append(
            f'<div class="qa-turn {who}"><span class="who">{html.escape(label("speaker", turn.speaker, lang()))}</span>'
            f"{when}<br>{''.join(pieces)}</div>"
        )
    return "".join(parts)


def confidence_text(value: float) -> str:
    return fmt.number(value, lang(), 2)


def language_name(code: str, lang: str) -> str:
    """A language's name in the viewer's language, from CLDR ("español", "Spanish", "inglés", "English")."""
    from babel import Locale

    return Locale.parse(code).get_display_name(fmt.LOCALES.get(lang, "es_CO"))


def explanation_html(rule_id: str, explanation: str, evidence: str | None = None) -> str:
    """A finding's explanation in the viewer's language where the rule pack has it; the rest labelled with its language.

    A Spanish call's explanation is the rule's Spanish message plus details in Spanish: on an English page the
    rule's English message is shown, and the details that exist only in Spanish follow, marked "Spanish only".
    """
    from compliance_rules.asr import UNCLEAR_PREFIX
    from dashboards.data import rules_by_id
    from qa.views.catalog import explained

    shown = explained(explanation, rules_by_id().get(rule_id), lang(), UNCLEAR_PREFIX, evidence)
    out = html.escape(shown.text)
    if shown.detail:
        tag = tr("ex.only_in", language=language_name(shown.detail_lang or "es", lang()))
        out += f'<br><span class="cite" lang="{shown.detail_lang}"><b>{html.escape(tag)}:</b> {html.escape(shown.detail)}</span>'
    return out


def finding_card(f, *, focus: bool = False) -> str:
    border = ' style="border-color:#c0392b"' if focus else ""
    state = label("state", getattr(f, "review_state", None) or "new", lang())
    confidence = getattr(f, "confidence", None)
    model = ""
    if confidence is not None:
        key = "f.learned" if getattr(f, "learned", False) else "f.model_agrees"
        model = f'<span class="cite">{html.escape(t(key, lang(), c=confidence_text(confidence)))}</span><br>'
    return (
        f'<div class="qa-finding"{border}>{severity_badge(f.severity)} '
        f"<b>{html.escape(label('fam', f.family, lang()))}</b> · {html.escape(state)}<br>"
        f'<span class="rule">{html.escape(f.rule_id)}</span><br>{model}'
        f'<span class="cite">{html.escape(f.citation)}</span><br>'
        f"<i>«{html.escape(f.evidence)}»</i><br>{explanation_html(f.rule_id, f.explanation, f.evidence)}</div>"
    )


# The shape of a contact on the legal timeline: its first family (qa.views.legal.FAMILY_ORDER), or none.
BREACH_SHAPES = {"none": "circle", "cease_violation": "diamond", "off_hours": "triangle-up", "frequency": "square",
                 "threat": "cross", "third_party_disclosure": "triangle-down", "false_claim": "triangle-left",
                 "abusive_language": "triangle-right", "missing_disclosure": "wedge", "other": "triangle"}  # fmt: skip


def breach_label(breach: str) -> str:
    return tr("lg.breach.none") if breach == "none" else label("fam", breach, lang())


def contact_table(timeline: pd.DataFrame) -> None:
    """The contacts of a timeline (a case's, an account's) as a table: local time with its zone, channel, findings."""
    language = lang()
    table = pd.DataFrame(
        {
            "source_id": timeline["source_id"],
            "local_time": timeline["local_time"],
            "zone": [fmt.zone_label(fmt.zone_at(t, z), language) for t, z in zip(timeline["local_time"], timeline["timezone"],
                                                                                   strict=True)],
            "channel": timeline["channel"].map(lambda v: label("channel", v, language)),
            "direction": timeline["direction"].map(lambda v: label("direction", v, language)),
            "agent": timeline["agent"].fillna("—"),
            "families": timeline["families"].map(lambda fs: ", ".join(label("fam", f, language) for f in fs) or "—"),
        }
    )  # fmt: skip
    st.dataframe(
        fmt.styled(table, language, {"local_time": "when"}), hide_index=True, width="stretch",
        height=min(360, 38 + 35 * len(table)),
        column_config={"source_id": tr("col.interaction"), "local_time": tr("lg.local_time"), "zone": tr("lg.zone"),
                       "channel": tr("col.channel"), "direction": tr("lg.direction"), "agent": tr("col.agent"),
                       "families": tr("lg.findings")},
    )  # fmt: skip


def contact_timeline_chart(timeline: pd.DataFrame, bands: pd.DataFrame, *, height: int = 340) -> None:
    """Hour of day (consumer's local time) against date: the allowed window shaded, contacts by channel, breaches marked."""
    points = timeline.assign(
        day=timeline["date"] + pd.Timedelta(hours=12),
        breach_label=timeline["breach"].map(breach_label),
        channel=timeline["channel"].map(lambda v: label("channel", v, lang())),
        time=[
            f"{fmt.when(t, lang())} ({fmt.zone_label(fmt.zone_at(t, z), lang())})"
            for t, z in zip(timeline["local_time"], timeline["timezone"], strict=True)
        ],
    )
    y = alt.Y(
        "hour:Q", title=tr("lg.hour"), scale=alt.Scale(domain=[0, 24], nice=False), axis=alt.Axis(values=list(range(0, 25, 3)))
    )
    layers = []
    if not bands.empty:
        layers.append(
            alt.Chart(bands)
            .mark_rect(color="#2e7d32", opacity=0.13)
            .encode(x=alt.X("date:T"), x2="next_date:T", y=alt.Y("start_hour:Q"), y2="end_hour:Q",
                    tooltip=[alt.Tooltip("start_hour:Q", title=tr("lg.window_from")),
                             alt.Tooltip("end_hour:Q", title=tr("lg.window_to"))])
        )  # fmt: skip
    breaches = points[points["breach"] != "none"]
    if not breaches.empty:
        layers.append(
            alt.Chart(breaches).mark_point(size=420, strokeWidth=2.5, color="#c0392b", filled=False).encode(x="day:T", y=y)
        )
    present = [b for b in BREACH_SHAPES if b in set(timeline["breach"])]
    shapes = alt.Scale(domain=[breach_label(b) for b in present], range=[BREACH_SHAPES[b] for b in present])
    layers.append(
        alt.Chart(points)
        .mark_point(size=110, filled=True, opacity=0.9)
        .encode(
            x=alt.X("day:T", title=tr("col.date"), axis=alt.Axis(format="%d %b")),
            y=y,
            color=alt.Color("channel:N", title=tr("col.channel"), legend=alt.Legend(orient="bottom")),
            shape=alt.Shape("breach_label:N", title=tr("lg.breach"), scale=shapes, legend=alt.Legend(orient="bottom")),
            tooltip=[alt.Tooltip("source_id:N", title=tr("col.interaction")), alt.Tooltip("time:N", title=tr("lg.local_time")),
                     alt.Tooltip("channel:N", title=tr("col.channel")), alt.Tooltip("agent:N", title=tr("col.agent")),
                     alt.Tooltip("breach_label:N", title=tr("lg.breach")), alt.Tooltip("rules:N", title=tr("col.rule"))],
        )
    )  # fmt: skip
    chart = alt.layer(*layers).properties(height=height, title=tr("lg.timeline"))
    show_chart(chart)
