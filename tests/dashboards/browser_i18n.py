"""The language checks of the browser walk (``test_browser.py``): the option lists of every dropdown on a page.

Streamlit draws a selectbox's or multiselect's options only while its list is open, so the walk opens each
one (in every tab and in expanders that hold one), reads the options and closes it again. An option is
wrong when it is a text of the other language (``dashboards.i18n.STRINGS``), a raw vocabulary value that has a
label in the page's language (``call``, ``outbound``, ``third_party_disclosure``), Streamlit's own English
("No results") on a Spanish page, or "None".
"""

from __future__ import annotations

import re

SELECTS = '[data-testid="stMainBlockContainer"] :is([data-testid="stSelectbox"], [data-testid="stMultiSelect"])'
# Vocabularies translated with dashboards.i18n.label: their raw values must never be an option's text. (Roles are
# left out: the demo's user names are "admin", "supervisor" and "legal", and the Users page lists user names.)
VOCABULARIES = ("fam", "sev", "state", "channel", "direction")


def _other_language(lang: str) -> set[str]:
    from dashboards.i18n import STRINGS

    return {en if lang == "es" else es for es, en in STRINGS.values() if es != en and "{" not in es}


def _raw_values() -> set[str]:
    from dashboards.i18n import STRINGS

    out = set()
    for key, (es, en) in STRINGS.items():
        prefix, _, value = key.partition(".")
        if prefix in VOCABULARIES and value and value not in (es, en):
            out.add(value)
    return out


def option_problems(texts: list[str], lang: str, where: str) -> list[str]:
    """What is wrong with the option texts of one dropdown (pure: tested without a browser)."""
    other, raw = _other_language(lang), _raw_values()
    problems = []
    for text in (t.strip() for t in texts):
        if not text:
            continue
        if text in other:
            problems.append(f"{where}: option in the other language: {text!r}")
        if text in raw:
            problems.append(f"{where}: raw value as option: {text!r}")
        if lang == "es" and (text in ("No results", "No options to select.", "Select all") or text.startswith("Select ")):
            problems.append(f"{where}: Streamlit's English {text!r}")
        if re.search(r"\bNone\b", text):
            problems.append(f"{where}: 'None' in option {text!r}")
    return problems


def _open_select_expanders(page) -> None:
    """Open the collapsed expanders of the page that hold a dropdown (their widgets are drawn but hidden)."""
    for summary in page.locator('[data-testid="stMainBlockContainer"] details:not([open]) > summary').all():
        details = summary.locator("xpath=..")
        if details.locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]').count() and summary.is_visible():
            summary.click()
            page.wait_for_timeout(150)


def _read_visible_dropdowns(page, lang: str, where: str, seen: set[str]) -> list[str]:
    problems: list[str] = []
    selects = page.locator(SELECTS)
    for index in range(selects.count()):
        select = selects.nth(index)
        field = select.locator('[role="combobox"]').first
        if not select.is_visible() or not field.count() or field.is_disabled():
            continue
        name = f"{where}#{index}"
        if name in seen:
            continue
        seen.add(name)
        try:
            field.click(timeout=5_000)
            page.locator('[role="listbox"]').first.wait_for(timeout=5_000)
            texts = page.locator('[role="listbox"] [role="option"]').all_inner_texts()
            if not texts:  # an empty list says so in Streamlit's words
                texts = page.locator('[role="listbox"]').first.all_inner_texts()
        except Exception:  # noqa: BLE001 - a dropdown that does not open has no options to check
            texts = []
        finally:
            page.keyboard.press("Escape")
            page.wait_for_timeout(100)
        problems += option_problems(texts, lang, name)
    return problems


def dropdown_problems(page, lang: str, where: str) -> tuple[list[str], int]:
    """Open every dropdown of the page (in each tab), check its options; return the problems and how many were opened."""
    seen: set[str] = set()
    page.wait_for_timeout(300)
    _open_select_expanders(page)
    problems = _read_visible_dropdowns(page, lang, where, seen)
    tabs = page.locator('[data-testid="stMainBlockContainer"] [role="tab"]')
    for index in range(tabs.count()):
        tab = tabs.nth(index)
        if tab.is_visible() and tab.get_attribute("aria-selected") != "true":
            tab.click()
            page.wait_for_timeout(300)
            _open_select_expanders(page)
            problems += _read_visible_dropdowns(page, lang, f"{where}/tab{index}", seen)
    return problems, len(seen)
