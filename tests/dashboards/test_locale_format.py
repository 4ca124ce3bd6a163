"""Numbers, percentages, dates and times in the viewer's locale (babel), the consumer's local time with its zone in the
interaction panel and the queue, and explanations in the page's language (issue 15).
"""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd
import pytest
from dash_helpers import metrics, number, open_app, open_page
from sqlalchemy import select

from compliance_rules.asr import UNCLEAR_PREFIX
from compliance_rules.catalog import load_rule_specs
from dashboards import formatting as fmt
from dashboards.navigation import BY_KEY
from qa.storage import models as m
from qa.storage import open_database
from qa.views import Scope
from qa.views.catalog import example_text, explained
from qa.views.interactions import consumer_time
from qa.workflow.cases import consumer_zone

DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"
RULES = {rule.id: rule for rule in load_rule_specs()}


def _spaces(text: str) -> str:
    """CLDR puts no-break spaces (U+00A0, U+202F) before units and AM/PM; compare them as plain spaces."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


def test_numbers_percentages_and_money_in_both_languages():
    assert fmt.number(1234.5, "es", 1) == "1.234,5" and fmt.number(1234.5, "en", 1) == "1,234.5"
    assert fmt.number(1234567, "es") == "1.234.567" and fmt.number(1234567, "en") == "1,234,567"
    assert fmt.number(0.5, "es", 2) == "0,50" and fmt.number(3, "en", 1) == "3.0"
    assert fmt.percent(0.1234, "es") == "12,3%" and fmt.percent(0.1234, "en") == "12.3%"
    assert fmt.percent(1, "en", 0) == "100%"
    assert _spaces(fmt.signed(1.26, "es", 1, "pp")) == "+1,3 pp" and fmt.signed(-3, "en", 1) == "-3.0"
    assert fmt.plain(0.4, "es") == "0,4" and fmt.plain(60.0, "en") == "60"
    assert fmt.money(9_500_000, "COP", "es") == "COP 9.500.000" and fmt.money(9_500_000, "COP", "en") == "COP 9,500,000"
    assert _spaces(fmt.amounts({"USD": 12_000, "COP": 9_500_000}, "es", short=True)) == "COP 9,5 M · USD 12 k"
    assert fmt.amounts({"USD": 12_000}, "en", short=True) == "USD 12K"
    for missing in (None, float("nan"), pd.NA, pd.NaT):
        assert fmt.number(missing, "es") == fmt.percent(missing, "en") == fmt.day(missing, "es") == "—"


def test_dates_and_times_in_both_languages():
    assert fmt.day(date(2026, 12, 3), "es") == "3 de dic de 2026"
    assert fmt.day(date(2026, 12, 3), "en") == "Dec 3, 2026"
    moment = datetime(2026, 12, 3, 19, 5, tzinfo=UTC)
    assert _spaces(fmt.when(moment, "en")) == "Dec 3, 2026, 7:05 PM"
    assert _spaces(fmt.when(moment, "es")).startswith("3 de dic de 2026, 7:05")
    # The consumer's local time, the zone named in the viewer's language, with its offset.
    assert _spaces(fmt.local_when(moment, "America/Bogota", "en")) == "Dec 3, 2026, 2:05 PM (Colombia Standard Time, UTC-05:00)"
    assert _spaces(fmt.local_when(moment, "America/Bogota", "es")).endswith("(hora estándar de Colombia, UTC-05:00)")
    summer = datetime(2026, 7, 3, 19, 5)  # naive: UTC as stored
    assert _spaces(fmt.local_when(summer, "America/New_York", "en")) == "Jul 3, 2026, 3:05 PM (Eastern Daylight Time, UTC-04:00)"
    assert _spaces(fmt.local_when(summer, "Asia/Kolkata", "en")).endswith("(India Standard Time, UTC+05:30)")
    assert _spaces(fmt.local_when(summer, "Not/AZone", "en")) == "Jul 3, 2026, 7:05 PM (UTC)"  # an unknown zone is not invented
    assert fmt.local_when(None, "America/Bogota", "es") == "—"


def test_tables_keep_numbers_and_show_the_locales_text():
    frame = pd.DataFrame({"n": [1234, 5], "rate": [0.1234, None], "at": [datetime(2026, 12, 3, 19, 5), pd.NaT]})
    shown = fmt.styled(frame, "es", {"n": "int", "rate": "pct", "at": "utc"}).to_html()
    assert "1.234" in shown and "12,3%" in shown and "3 de dic de 2026" in shown and "—" in shown
    shown = fmt.styled(frame, "en", {"n": "int", "rate": "pct", "at": "utc", "absent": "int"}).to_html()
    assert "1,234" in shown and "12.3%" in shown and "Dec 3, 2026, 7:05 PM UTC" in _spaces(shown)
    assert frame["n"].dtype.kind == "i"  # the values (and the table's sorting) stay numeric


# Hand-written formatting that must go through dashboards.formatting instead: f-string number and date specs,
# strftime, isoformat, and Streamlit column formats that ignore the page's language.
_EXPR = r"\{[\w(][\w.()\[\]'\" *+/-]*"  # an f-string field: a name, attribute, call, subscript or arithmetic
HAND_MADE = re.compile(rf"strftime\(|\.isoformat\(\)|{_EXPR}:[,+ ]?\.?\d*[dfg%]\}}|{_EXPR}:%|NumberColumn\([^)]*format=")


def test_every_page_formats_through_the_one_helper():
    offenders = []
    for path in sorted(DASHBOARDS.rglob("*.py")):
        if path.name == "formatting.py":
            continue
        for number_, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if HAND_MADE.search(line):
                offenders.append(f"{path.relative_to(DASHBOARDS)}:{number_}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize("lang", ["es", "en"])
def test_overview_figures_are_written_in_the_viewers_locale(principals, lang):
    at = open_page(principals["analista"], "overview", lang=lang)
    shown = metrics(at)
    contacts = shown["Contactos" if lang == "es" else "Contacts"]
    per_100 = shown["Infracciones / 100 contactos" if lang == "es" else "Violations / 100 contacts"]
    decimal, group = (",", ".") if lang == "es" else (".", ",")
    assert re.fullmatch(rf"\d{{1,3}}(\{group}\d{{3}})*", contacts), contacts
    assert re.fullmatch(rf"\d{{1,3}}(\{group}\d{{3}})*\{decimal}\d", per_100), per_100
    assert number(per_100, lang) > 0


def _pending_call_with_zone(db_url: str, jurisdiction: str | None = None) -> tuple[str, datetime, str, str, str, str]:
    """An interaction with a pending rule finding whose consumer zone is not UTC: source id, start, zone, rule, explanation."""
    db = open_database(db_url)
    with db.session() as s:
        stmt = (
            select(m.Interaction, m.Finding.rule_id, m.Finding.explanation, m.Finding.evidence)
            .join(m.Finding, m.Finding.interaction_id == m.Interaction.id)
            .where(m.Finding.active.is_(True), m.Finding.learned.is_(False), m.Interaction.consumer_timezone.is_not(None))
            .order_by(m.Interaction.id)
        )
        if jurisdiction:
            stmt = stmt.where(m.Interaction.jurisdiction == jurisdiction)
        found = []
        for interaction, rule_id, explanation, evidence in s.execute(stmt.limit(2000)):
            zone = consumer_zone(interaction)
            if zone is not None and str(zone) != "UTC" and rule_id in RULES:
                rule = RULES[rule_id]
                if jurisdiction is None or explanation.startswith(rule.message.es) and rule.message.es != rule.message.en:
                    found.append((interaction.source_id, interaction.started_at, str(zone), rule_id, explanation, evidence))
    db.dispose()
    assert found, "the demo floor has no pending finding on a call with a consumer time zone"
    # Prefer an explanation with details of its own (beyond the rule's message and the quoted words).
    detailed = [f for f in found if f[4].replace(RULES[f[3]].message.es, "").replace(f"«{f[5]}»", "").strip()]
    return (detailed or found)[0]


def _queue_at(principal, lang: str, source_id: str):
    """The queue jumped to ``source_id``. The jump is set before the first run: AppTest formats a selectbox's options
    with the test process's own session (Spanish), so typing into an English page would trip over its own options.
    """
    at = open_app(principal, lang)
    at.session_state["q_jump"] = source_id
    at.switch_page(f"pages/{BY_KEY['queue'].path.split('/')[-1]}")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _html(at) -> str:
    return "\n".join(html.unescape(e.proto.body) for e in at.get("html"))


def test_consumer_time_is_the_interactions_start_in_its_zone(db_url):
    source, started, zone, *_ = _pending_call_with_zone(db_url)
    db = open_database(db_url)
    with db.session() as s:
        pk = s.scalar(select(m.Interaction.id).where(m.Interaction.source_id == source))
        local, name = consumer_time(s, Scope.everything(), pk)
        assert name == zone and str(local.tzinfo) == zone
        assert local == (started if started.tzinfo else started.replace(tzinfo=UTC))  # the same instant
        assert local.utcoffset() is not None and local.utcoffset().total_seconds() != 0
        assert consumer_time(s, Scope.nothing(), pk) is None  # out of scope: nothing
    db.dispose()


@pytest.mark.parametrize("lang", ["es", "en"])
def test_queue_and_interaction_panel_show_the_consumers_local_time(principals, db_url, lang):
    source, started, zone, *_ = _pending_call_with_zone(db_url)
    at = _queue_at(principals["analista"], lang, source)
    expected = fmt.local_when(started, zone, lang)  # e.g. "… 2:05 PM (Colombia Standard Time, UTC-05:00)"
    label = "Hora local del consumidor" if lang == "es" else "Consumer's local time"
    assert f"{label}: <b>{expected}</b>" in _html(at)
    assert "UTC</b>" not in _html(at)  # no longer the stored UTC time
    caption = next(c.value for c in at.caption if c.value.startswith("Hallazgo 1 de" if lang == "es" else "Finding 1 of"))
    assert expected in caption
    pick = next(s for s in at.selectbox if s.key and s.key.startswith("q_pick_"))
    assert fmt.when(fmt.to_zone(started, zone), lang) in pick.options[0] and zone in pick.options[0]


def test_explanations_use_the_pages_language_where_the_pack_has_it():
    rule = RULES["CO-L2300-art3-contact-hours"]
    stored = f"{rule.message.es} (inició el sábado 2026-03-07 16:10 America/Bogota; permitido ese día: 08:00-15:00)"
    english = explained(stored, rule, "en")
    assert english.text == rule.message.en  # the pack's English text
    assert english.detail.startswith("(inició el sábado") and english.detail_lang == "es"  # only in Spanish, labelled
    assert explained(stored, rule, "es").text == stored and explained(stored, rule, "es").detail is None
    unclear = explained(UNCLEAR_PREFIX["es"] + stored, rule, "en", UNCLEAR_PREFIX)
    assert unclear.text == UNCLEAR_PREFIX["en"] + rule.message.en and unclear.detail_lang == "es"
    quoted = explained(f"{rule.message.es} «ya existe una orden»", rule, "en", evidence="ya existe una orden")
    assert quoted == explained(rule.message.es, rule, "en")  # the quote is shown beside it: not repeated as a detail
    bare = explained(rule.message.es, rule, "en")
    assert bare.text == rule.message.en and bare.detail is None and bare.detail_lang is None
    assert explained("texto sin regla", None, "en").text == "texto sin regla"  # unknown rule: as stored
    english_call = f"{rule.message.en} (started Saturday)"
    assert explained(english_call, rule, "es") == explained(english_call, rule, "es").__class__(
        rule.message.es, "(started Saturday)", "en"
    )


def test_examples_carry_their_language():
    rule = RULES["CO-L2300-art3-contact-hours"]
    texts = [example_text(e, rule.jurisdiction) for e in rule.examples.violating]
    assert all(lang in ("es", "en") for _, lang in texts)
    assert ("es" in {lang for _, lang in texts}) and any(lang == "en" and "Good morning" in t for t, lang in texts)
    assert all(not t.startswith(("turns=", "{")) for t, _ in texts)  # shown as text, not as the object


def test_an_english_page_shows_colombian_explanations_in_english(principals, db_url):
    source, _, _, rule_id, stored, evidence = _pending_call_with_zone(db_url, "CO")
    rule = RULES[rule_id]
    at = _queue_at(principals["analista"], "en", source)
    cards = _html(at)
    assert rule.message.en in cards and rule.message.es not in cards
    if stored.replace(rule.message.es, "").replace(f"«{evidence}»", "").strip():
        assert "Spanish only:" in cards
    spanish = _queue_at(principals["analista"], "es", source)
    assert rule.message.es in _html(spanish) and "Solo en" not in _html(spanish)


def test_rules_page_marks_examples_in_another_language(principals):
    at = open_page(principals["analista"], "rules", lang="en")
    shown = "\n".join(e.value for e in at.markdown)
    assert "(in Spanish)" in shown
    at = open_page(principals["analista"], "rules", lang="es")
    shown = "\n".join(e.value for e in at.markdown)
    assert "(en español)" not in shown and "(in Spanish)" not in shown  # Spanish examples unmarked on a Spanish page


def test_the_walk_flags_options_in_the_other_language_raw_values_and_none():
    from browser_i18n import option_problems

    assert option_problems(["Llamada", "Saliente", "Todas", "Amenazas"], "es", "x") == []
    assert option_problems(["Call", "Outbound", "Threats"], "en", "x") == []
    found = option_problems(["Call", "call", "third_party_disclosure", "No results", "Agent None"], "es", "q")
    assert len(found) == 5 and all(p.startswith("q: ") for p in found)
    assert option_problems(["Llamada"], "en", "x") == ["x: option in the other language: 'Llamada'"]
