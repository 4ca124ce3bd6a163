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
    @debt                         a named word class, from the optional ``lexicons/classes.yaml``

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


ANY = "*"  # a pattern element that can be any token

# Words too frequent to be worth indexing a pattern under.
_COMMON = frozenset(
    """a al como con de del el en es esta este la las le les lo los me mi mas no nos o para pero por que se si su sus te tu
    un una uno usted ya y yo hoy ahora the a an and are be can do for i if in is it me my not of on or so that this to we
    will with you your have has at they he she""".split()
)


def _cost(words: frozenset[str]) -> float:
    if ANY in words:
        return float("inf")
    return sum(1000 if w.rstrip("*") in _COMMON or len(w.rstrip("*")) < 3 else 1 for w in words) + len(words) / 100


def _mandatory(text: str, classes: Mapping[str, list[str]]) -> list[frozenset[str]]:
    """The word sets of every mandatory element of the top-level sequence."""
    sets = []
    for element in (e for e in _split_top(text.strip(), " ") if e):
        words = _element_words(element, classes)
        if words is not None and ANY not in words:
            sets.append(words)
    return sets


def _required(text: str, classes: Mapping[str, list[str]]) -> frozenset[str] | None:
    """A set of words one of which every match must contain (None: can be empty).

    Of the sequence's mandatory elements, the one whose words are rarest is
    chosen, so a pattern like "(le|te) (vamos a|van a) embargar" is indexed
    under "embargar", not under "le".
    """
    best: frozenset[str] | None = None
    for element in (e for e in _split_top(text.strip(), " ") if e):
        words = _element_words(element, classes)
        if words is not None and (best is None or _cost(words) < _cost(best)):
            best = words
    return best


def _element_words(element: str, classes: Mapping[str, list[str]]) -> frozenset[str] | None:
    if element.endswith("?") and len(element) > 1 or element.startswith("~"):
        return None
    if element.startswith("@") or element.startswith("("):
        alternatives = classes[element[1:]] if element.startswith("@") else _split_top(element[1:-1], "|")
        words: set[str] = set()
        for alt in alternatives:
            alt_words = _required(alt, classes)
            if alt_words is None:
                return None
            words |= alt_words
        return frozenset(words)
    if element == "*":
        return frozenset({ANY})
    if "*" in element:
        return frozenset({element.split("*")[0] + "*"})
    return frozenset({element})


@dataclass(frozen=True, eq=False)  # identity hash: patterns are looked up in sets per turn
class CompiledPattern:
    source: str
    regex: re.Pattern[str]
    # Every match contains one of these words (or ``prefix*``); turns with
    # none of them skip the regex.
    triggers: frozenset[str]
    # One word set per mandatory element: a turn must meet all of them.
    requirements: tuple[tuple[frozenset[str], tuple[str, ...]], ...] = ()

    def may_match(self, words: frozenset[str]) -> bool:
        """Cheap test before the regex: each mandatory element has a word here."""
        for exact, prefixes in self.requirements:
            if exact & words:
                continue
            if prefixes and any(w.startswith(p) for w in words for p in prefixes):
                continue
            return False
        return True


def compile_pattern(source: str, classes: Mapping[str, list[str]] | None = None) -> CompiledPattern:
    """Compile one pattern; raises :class:`PatternError` with the reason."""
    normalised = strip_accents(source).strip()
    classes = classes or {}
    body = _compile_seq(normalised, classes, _State())
    triggers = _required(normalised, classes)
    if triggers is None:
        raise PatternError(f"pattern can match nothing: {source!r}")
    requirements = tuple(
        (frozenset(w for w in s if not w.endswith("*")), tuple(w[:-1] for w in s if w.endswith("*")))
        for s in _mandatory(normalised, classes)
    )
    return CompiledPattern(source, re.compile(r"(?<!\S)" + body), triggers, requirements)


@dataclass(frozen=True, slots=True)
class Match:
    """A pattern hit, as token indices into the analysed turn."""

    pattern: str
    first: int
    last: int
    # Tokens matched by gaps (~N) and wildcards (*), not by written words.
    free: tuple[int, ...] = ()
