"""Stored user text shown as text: never as markdown, never as HTML.

Streamlit renders ``st.markdown``, ``st.caption``, ``st.info``/``success``/``warning``/``error``,
expander labels and progress texts as Markdown (with images, links, colour and icon directives,
LaTeX). Every value that comes from the database or from an uploaded file (reasons, comments,
notes, names, case titles, interaction and agent ids, error messages that quote them) goes
through :func:`md` before it is placed in such a string; HTML snippets use ``html.escape``.
"""

from __future__ import annotations

import re

# CommonMark lets any ASCII punctuation character be backslash-escaped, and an escaped
# character is always literal: no emphasis, link, image, code span, heading, list, table,
# HTML, emoji or Streamlit directive (``:red[...]``, ``:material/...:``) and no ``$`` maths.
_PUNCTUATION = re.compile(r"([!\"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~])")
# GitHub-flavoured Markdown also turns bare ``http://``, ``www.`` and ``name@host`` into links, after
# escapes are resolved; an invisible WORD JOINER (U+2060) inside each keeps them plain text.
_JOINER = "\u2060"
_AUTOLINK = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=www)(?=\.)|(?=@)")


def md(value: object) -> str:
    """Return ``value`` as Markdown source that displays exactly its characters (line breaks kept)."""
    text = "" if value is None else str(value)
    text = _AUTOLINK.sub(_JOINER, text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _PUNCTUATION.sub(r"\\\1", text)
    # A hard line break per line, so a multi-line note neither merges nor starts a block.
    return "  \n".join(text.split("\n"))
