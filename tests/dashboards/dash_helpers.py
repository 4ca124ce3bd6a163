"""Helpers for the AppTest tests: open the app as a user, go to a page, read what it shows."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from dashboards.navigation import BY_KEY

APP_PATH = str(__import__("pathlib").Path(__file__).resolve().parents[2] / "dashboards" / "app.py")


def open_app(principal=None, lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP_PATH, default_timeout=90)
    if principal is not None:
        at.session_state["principal"] = principal
    if lang:
        at.session_state["lang"] = lang
    at.run()
    return at


def open_page(principal, key: str, lang: str | None = None) -> AppTest:
    at = open_app(principal, lang)
    at.switch_page(f"pages/{BY_KEY[key].path.split('/')[-1]}")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def number(text: str, lang: str = "es") -> float:
    """A figure as a page shows it ("1.234,5" on a Spanish page, "1,234.5" on an English one) read back as a number."""
    from babel.numbers import parse_decimal

    from dashboards.formatting import locale_of

    return float(parse_decimal(text.strip().rstrip("%").strip(), locale=locale_of(lang), strict=True))


def all_text(at: AppTest) -> str:
    """Everything the page wrote as markdown, captions, HTML and dataframe cells (for leak checks)."""
    parts = [e.value for e in at.markdown] + [e.value for e in at.caption]
    parts += [str(getattr(e, "proto", "")) for e in at.get("html")]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    parts += [str(o) for s in at.selectbox for o in s.options]
    return "\n".join(parts)
