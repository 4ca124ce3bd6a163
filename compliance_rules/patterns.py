"""A small token-pattern language compiled to regular expressions.

Patterns are written the way a compliance officer reads them, and are
matched against the token streams of :mod:`compliance_rules.text` (surface
forms and lemmas, accents stripped, lower case)::

    vamos a embargar              literal tokens
    embarg*                       a token starting with "embarg"
    *                             any one token
    (carcel|prision|tras las rejas)   alternatives, each a sub-pattern
    la?  (su|tu)?                 an optional element
    ~3                            up to three arbitrary tokens
    @debt                         a named word class (see ``WordClasses``)

A pattern matches whole tokens only. Accents in patterns are ignored, so
``cárcel`` and ``carcel`` are the same pattern.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from compliance_rules.text import strip_accents


class PatternError(ValueError):
    """A pattern that does not parse; the message says where."""


def _split_top(text: str, sep: str) -> list[str]:
    parts, depth, current = [], 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth < 0:
                raise PatternError(f"unbalanced ')' in {text!r}")
        if ch == sep and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if depth != 0:
        raise PatternError(f"unbalanced '(' in {text!r}")
    parts.append("".join(current))
    return parts


_TOKEN_RE = re.compile(r"^[a-z0-9*'$%]+$")


class _State:
    """Free-token groups allocated while compiling."""

    def __init__(self) -> None:
        self.groups = 0

    def group(self) -> str:
        self.groups += 1
        return f"free{self.groups}"


def _compile_seq(text: str, classes: Mapping[str, list[str]], state: _State) -> str:
    elements = [e for e in _split_top(text.strip(), " ") if e]
    if not elements:
        raise PatternError("empty pattern or alternative")
    return "".join(_compile_element(e, classes, state) for e in elements)


def _compile_element(element: str, classes: Mapping[str, list[str]], state: _State) -> str:
    optional = element.endswith("?") and len(element) > 1
    if optional:
        element = element[:-1]
    if element.startswith("~"):
        if optional or not element[1:].isdigit():
            raise PatternError(f"a gap is written ~N (e.g. ~3), got {element!r}")
        # Gaps are named groups: negation is looked for in what they swallowed.
        return rf"(?P<{state.group()}>(?:\S+ ){{0,{int(element[1:])}}})"
    if element.startswith("@"):
        name = element[1:]
        if name not in classes:
            raise PatternError(f"unknown word class @{name} (known: {', '.join(sorted(classes))})")
        body = "(?:" + "|".join(_compile_seq(alt, classes, state) for alt in classes[name]) + ")"
    elif element.startswith("("):
        if not element.endswith(")"):
            raise PatternError(f"group must end with ')': {element!r}")
        alts = _split_top(element[1:-1], "|")
        body = "(?:" + "|".join(_compile_seq(alt, classes, state) for alt in alts) + ")"
    else:
        if not _TOKEN_RE.match(element):
            raise PatternError(f"unexpected characters in token {element!r}")
        if element == "*":
            body = rf"(?P<{state.group()}>\S+ )"
        else:
            body = r"\S*".join(re.escape(part) for part in element.split("*")) + " "
    return f"(?:{body})?" if optional else body


@dataclass(frozen=True)
class CompiledPattern:
    source: str
    regex: re.Pattern[str]


def compile_pattern(source: str, classes: Mapping[str, list[str]] | None = None) -> CompiledPattern:
    """Compile one pattern; raises :class:`PatternError` with the reason."""
    normalised = strip_accents(source).strip()
    body = _compile_seq(normalised, classes or {}, _State())
    return CompiledPattern(source, re.compile(r"(?<!\S)" + body))


@dataclass(frozen=True, slots=True)
class Match:
    """A pattern hit, as token indices into the analysed turn."""

    pattern: str
    first: int
    last: int
    # Tokens matched by gaps (~N) and wildcards (*), not by written words.
    free: tuple[int, ...] = ()
