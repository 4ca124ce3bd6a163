"""The period picker (week, month, custom range; default the last complete period with data in the viewer's scope),
``qa report`` with --period / --from / --to, and the floor mean an agent compares with.
"""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from dash_helpers import metrics, number, open_page
from sqlalchemy import func, select
from typer.testing import CliRunner

from qa import rankings
from qa.cli import _register_all, app
from qa.storage import models as m
from qa.storage import open_database
from qa.views.periods import Period, default_period, latest_complete, period_of, periods_between
from qa.views.scope import Scope

_register_all()
# The session demo floor (tests/dashboards/conftest.py) spans 2026-10-10 .. 2026-10-30.
LAST_DEMO_DAY = date(2026, 10, 30)


def test_calendar_periods_and_their_labels():
    week = period_of("week", date(2026, 10, 30))
    assert (week.start, week.end) == (date(2026, 10, 26), date(2026, 11, 1))
    month = period_of("month", date(2026, 2, 10))
    assert (month.start, month.end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert month.previous() == Period("month", date(2026, 1, 1), date(2026, 1, 31))
    assert Period("custom", date(2026, 10, 11), date(2026, 10, 20)).previous() == Period(
        "custom", date(2026, 10, 1), date(2026, 10, 10)
    )
    assert month.label("es") == "febrero de 2026" and month.label("en") == "February 2026"
    assert week.label("en") == "Week of Oct 26, 2026 – Nov 1, 2026"
    assert [p.start for p in periods_between("month", date(2026, 8, 15), date(2026, 10, 2))] == [
        date(2026, 10, 1), date(2026, 9, 1), date(2026, 8, 1)
    ]  # fmt: skip


def test_default_is_the_last_complete_period_with_data():
    days = {date(2026, 10, d) for d in range(10, 31)} | {date(2026, 11, 30)}  # a gap, then one late contact

    def newest_on_or_before(day):
        eligible = [d for d in days if d <= day]
        return max(eligible) if eligible else None

    newest = max(days)
    # The late contact's week is not over: the default stays on the last complete week with data.
    assert latest_complete("week", newest_on_or_before, newest, date(2026, 12, 2)).start == date(2026, 10, 26)
    # Once that week is over it is the last complete week with data.
    assert latest_complete("week", newest_on_or_before, newest, date(2026, 12, 7)).start == date(2026, 11, 30)
    # November has ended with data in it on 2026-12-02.
    assert latest_complete("month", newest_on_or_before, newest, date(2026, 12, 2)).start == date(2026, 11, 1)
    # No complete period with data at all: the period of the newest contact.
    assert latest_complete("month", newest_on_or_before, date(2026, 10, 30), date(2026, 10, 31)).start == date(2026, 10, 1)
    assert latest_complete("week", newest_on_or_before, None, date(2026, 12, 2)) is None


def test_default_period_follows_the_viewers_scope(db_url, principals):
    db = open_database(db_url)
    with db.session() as s:
        everyone = default_period(s, Scope.everything(), "week", date(2026, 10, 31))
        nobody = default_period(s, Scope.nothing(), "week", date(2026, 10, 31))
        agent = principals["agente"].agent_id
        last_own = s.scalar(select(func.max(m.Interaction.local_date)).where(m.Interaction.agent_id == agent))
        own = default_period(s, Scope(agent_ids=frozenset({agent})), "week", last_own + timedelta(days=7))
    db.dispose()
    assert everyone == Period("week", date(2026, 10, 19), date(2026, 10, 25))  # the week of the 30th has not ended
    assert nobody is None
    assert own == period_of("week", last_own)


def test_ranking_a_custom_range_compares_with_the_range_before():
    rows = []
    for day, agent, score in [(1, "A", 90), (2, "A", 70), (11, "A", 60), (12, "B", 100), (25, "B", 10)]:
        rows.append({"agent_id": 1 if agent == "A" else 2, "agent": agent, "agent_name": agent, "team_id": 1, "team": "T",
                     "local_date": date(2026, 10, day), "interactions": 1, "score_sum": score, "passed": 1,
                     "auto_failed": 0})  # fmt: skip
    daily = rankings.daily_frame(rows)
    table = rankings.ranking(daily, between=(date(2026, 10, 11), date(2026, 10, 20)), trend_periods=3)
    assert table["agent"].tolist() == ["B", "A"]  # the day-25 row is outside the range
    a = table.set_index("agent").loc["A"]
    assert (a["score"], a["previous"], a["change"]) == (60.0, 80.0, -20.0)
    assert pd.isna(table.set_index("agent").loc["B", "previous"])
    assert set(table["period"]) == {"2026-10-11 – 2026-10-20"}


def _contacts_between(db_url: str, start: date, end: date) -> int:
    db = open_database(db_url)
    with db.session() as s:
        n = s.scalar(select(func.count()).select_from(m.Interaction).where(m.Interaction.local_date.between(start, end)))
    db.dispose()
    return n


def test_overview_period_picker_week_month_and_custom_range(principals, db_url):
    at = open_page(principals["analista"], "overview")
    week = at.selectbox(key="ov_week").value
    assert week.kind == "week" and week.end < date.today()  # a complete week with data
    assert int(number(metrics(at)["Contactos"])) == _contacts_between(db_url, week.start, week.end)
    at.button_group(key="ov_kind").set_value("month").run()
    assert at.selectbox(key="ov_month").value == Period("month", date(2026, 10, 1), date(2026, 10, 31))
    assert "octubre de 2026" in at.selectbox(key="ov_month").options
    assert int(number(metrics(at)["Contactos"])) == _contacts_between(db_url, date(2026, 10, 1), date(2026, 10, 31))
    at.button_group(key="ov_kind").set_value("custom").run()
    at.date_input(key="ov_dates").set_value((date(2026, 10, 12), date(2026, 10, 14))).run()
    assert not at.exception, [e.value for e in at.exception]
    assert int(number(metrics(at)["Contactos"])) == _contacts_between(db_url, date(2026, 10, 12), date(2026, 10, 14))


def _floor_mean(db_url: str, start: date, end: date, agent_id: int | None = None) -> float:
    db = open_database(db_url)
    with db.session() as s:
        stmt = select(func.avg(m.Score.score)).where(
            m.Score.scorecard == "default", m.Score.agent_id.is_not(None), m.Score.local_date.between(start, end)
        )
        if agent_id is not None:
            stmt = stmt.where(m.Score.agent_id == agent_id)
        value = s.scalar(stmt)
    db.dispose()
    return round(float(value), 1)


@pytest.mark.parametrize("lang", ["es", "en"])
def test_an_agent_sees_the_whole_floors_mean_without_other_agents_rows(principals, db_url, lang):
    agent = principals["agente"]
    at = open_page(agent, "agents", lang=lang)
    period = at.selectbox(key="ag_week").value
    shown = metrics(at)
    floor_label, score_label = ("Media del piso", "Puntuación") if lang == "es" else ("Floor mean", "Score")
    floor = number(shown[floor_label], lang)
    assert floor == _floor_mean(db_url, period.start, period.end)
    own = _floor_mean(db_url, period.start, period.end, agent.agent_id)
    assert number(shown[score_label], lang) == own and own != floor
    assert not at.dataframe or all("agent_name" not in d.value.columns for d in at.dataframe)  # no ranking table
    # The same floor mean as a supervisor's, for the same period.
    sup = open_page(principals["supervisor"], "agents", lang=lang)
    assert sup.selectbox(key="ag_week").value == period
    assert number(metrics(sup)[floor_label], lang) == floor


def _record(iid: str, agent: str, when: datetime) -> dict:
    return {"id": iid, "channel": "sms", "direction": "outbound", "started_at": when.isoformat(), "jurisdiction": "CO",
            "consumer_timezone": "America/Bogota", "language": "es", "agent_id": agent, "account_id": f"ACC-{iid}",
            "turns": [{"speaker": "agent", "text": "Le recordamos su acuerdo de pago.", "at": when.isoformat()}]}  # fmt: skip


def _ranking_rows(stdout: str) -> list[str]:
    """The rows of the ranking table (title, header and rule first; other sections follow a blank line)."""
    rows = []
    for line in stdout.splitlines()[3:]:
        if not line.strip():
            break
        rows.append(line)
    return rows


def test_report_defaults_to_the_last_complete_period_and_takes_a_custom_range(db_url, tmp_path):
    runner = CliRunner()
    # Two contacts of two new agents dated today (its week has not ended) must not replace the whole floor.
    now = datetime.now().astimezone().replace(hour=12, minute=0, second=0, microsecond=0)
    source = tmp_path / "late.jsonl"
    source.write_text("".join(json.dumps(_record(f"late-{n}", f"NEW-{n}", now)) + "\n" for n in (1, 2)), encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(source), "--database-url", db_url, "--no-progress", "-j", "1"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["report", "agents", "--database-url", db_url])
    assert result.exit_code == 0, result.output
    rows = _ranking_rows(result.stdout)
    assert len(rows) > 10 and not any("NEW-" in r for r in rows) and "None" not in result.stdout
    latest = runner.invoke(app, ["report", "agents", "--database-url", db_url, "--as-of", now.date().isoformat()])
    assert {r.split()[1] for r in _ranking_rows(latest.stdout)} == {"NEW-1", "NEW-2"}, latest.stdout
    month = runner.invoke(app, ["report", "teams", "--database-url", db_url, "--period", "month", "--lang", "es"])
    assert month.exit_code == 0 and "mes 2026-10" in month.stdout
    custom = runner.invoke(app, ["report", "agents", "--database-url", db_url, "--from", "2026-10-12", "--to", "2026-10-18"])
    assert custom.exit_code == 0, custom.output
    assert "from 2026-10-12 to 2026-10-18" in custom.stdout and len(_ranking_rows(custom.stdout)) > 10
    half = runner.invoke(app, ["report", "agents", "--database-url", db_url, "--from", "2026-10-12"])
    assert half.exit_code == 2 and "--from" in half.output
    backwards = runner.invoke(app, ["report", "agents", "--database-url", db_url, "--from", "2026-10-18", "--to", "2026-10-12"])
    assert backwards.exit_code == 2
