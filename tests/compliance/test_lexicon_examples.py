"""Lexicon entries carry their own examples, and the examples run as tests (semgrep-style).

Every pattern of every entry must match at least one ``examples`` text of its entry and
language, on the streams the matcher reads (surface forms, and lemmas where the entry matches
lemmas). Every example must also be found by :meth:`LexiconSet.find` itself (through the trigger
index), and no ``counter_examples`` text may survive the entry's pruning (negation, lawful context);
every ``unless`` (lawful-context) pattern must prune at least one counter-example.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
import yaml

from compliance_rules.lexicon import LEXICON_DIR, LexiconError, LexiconSet
from compliance_rules.patterns import compile_pattern
from compliance_rules.text import AnalyzedText, analyzer_for


@cache
def _lexicons() -> LexiconSet:
    return LexiconSet.load()


@cache
def _analyze(language: str, text: str) -> AnalyzedText:
    return analyzer_for(language).analyze(text)


def _bodies() -> list[tuple[str, str]]:
    return [
        (name, lang) for name, lexicon in sorted(_lexicons().lexicons.items()) for lang in ("es", "en") if getattr(lexicon, lang)
    ]


def _body(name: str, lang: str):
    return getattr(_lexicons().lexicons[name], lang)


@pytest.mark.parametrize(("name", "lang"), _bodies())
def test_every_pattern_matches_one_of_its_examples(name: str, lang: str) -> None:
    lexicon = _lexicons().lexicons[name]
    body = _body(name, lang)
    assert body.examples, f"lexicon {name!r} ({lang}) has no examples"
    analysed = [_analyze(lang, text) for text in body.examples]
    unmatched = []
    for source in body.patterns:
        regex = compile_pattern(source).regex
        streams = [a.surface.text for a in analysed] + ([a.lemmas.text for a in analysed] if lexicon.match_lemmas else [])
        if not any(regex.search(stream) for stream in streams):
            unmatched.append(source)
    assert not unmatched, f"lexicon {name!r} ({lang}): no example matches pattern(s) {unmatched}"


@pytest.mark.parametrize(("name", "lang"), _bodies())
def test_the_matcher_finds_every_example(name: str, lang: str) -> None:
    missed = [text for text in _body(name, lang).examples if _lexicons().find(name, _analyze(lang, text), negation=False) is None]
    assert not missed, f"lexicon {name!r} ({lang}) does not find its example(s) {missed}"


def _with_counter_examples() -> list[tuple[str, str]]:
    return [(name, lang) for name, lang in _bodies() if _body(name, lang).counter_examples]


def test_some_entries_have_counter_examples() -> None:
    assert len(_with_counter_examples()) >= 10


@pytest.mark.parametrize(("name", "lang"), _with_counter_examples())
def test_no_counter_example_survives_pruning(name: str, lang: str) -> None:
    body = _body(name, lang)
    survived = [text for text in body.counter_examples if _lexicons().find(name, _analyze(lang, text)) is not None]
    assert not survived, f"lexicon {name!r} ({lang}) matches its counter-example(s) {survived}"


@pytest.mark.parametrize(("name", "lang"), [(n, lang) for n, lang in _bodies() if _body(n, lang).unless])
def test_every_lawful_context_pattern_prunes_one_counter_example(name: str, lang: str) -> None:
    """Each ``unless`` pattern appears in a counter-example, which the entry's own patterns would otherwise match."""
    body = _body(name, lang)
    analysed = [_analyze(lang, text) for text in body.counter_examples]
    unexercised = []
    for source in body.unless:
        regex = compile_pattern(source).regex
        hits = [a for a in analysed if regex.search(a.surface.text) or regex.search(a.lemmas.text)]
        if not any(_lexicons().find(name, a, negation=False) is None for a in hits):
            unexercised.append(source)
    assert not unexercised, f"lexicon {name!r} ({lang}): no counter-example is pruned by unless pattern(s) {unexercised}"


def test_every_pattern_of_the_shipped_lexicons_has_an_example() -> None:
    """The coverage figure: all patterns, not a sample."""
    total = sum(len(_body(name, lang).patterns) for name, lang in _bodies())
    assert total >= 500
    assert all(_body(name, lang).examples for name, lang in _bodies())


def test_an_unknown_key_in_a_lexicon_is_refused(tmp_path: Path) -> None:
    raw = yaml.safe_load((LEXICON_DIR / "abusive.yaml").read_text(encoding="utf-8"))
    raw[0]["es"]["exemples"] = ["typo of the examples key"]
    (tmp_path / "abusive.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(LexiconError, match="exemples"):
        LexiconSet.load(tmp_path)
