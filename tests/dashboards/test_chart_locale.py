"""Charts speak the viewer's language: month and day names and separators come from babel's CLDR data."""

from __future__ import annotations

from dashboards.components import vega_locale


def test_spanish_and_english_chart_locales():
    es, en = vega_locale("es"), vega_locale("en")
    assert es["time"]["months"][0] == "enero" and es["time"]["shortMonths"][9] == "oct"
    assert en["time"]["months"][0] == "January" and en["time"]["shortMonths"][9] == "Oct"
    assert es["time"]["days"][0] == "domingo" and en["time"]["days"][1] == "Monday"  # Sunday first, as d3 expects
    assert (es["number"]["decimal"], es["number"]["thousands"]) == (",", ".")
    assert (en["number"]["decimal"], en["number"]["thousands"]) == (".", ",")
    assert len(es["time"]["shortDays"]) == 7 and len(es["time"]["shortMonths"]) == 12
