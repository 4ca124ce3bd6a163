"""Issue 14 item 3: the fast paths of the scanner give exactly what the slow paths give.

Turn texts are analysed per whitespace chunk (cached, cut without spaCy where its rules allow),
and the trigger index answers "which patterns may match" from sets. Each is checked here against
the path it replaces: spaCy's tokenizer on the whole text, and ``CompiledPattern.may_match``.
"""

from __future__ import annotations

import gc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.attrs import IDX, LENGTH

from compliance_rules.chunks import ChunkSplitter
from compliance_rules.lexicon import LexiconSet
from compliance_rules.text import Token, analyzer_for, matching_form
from tests.compliance.helpers import call

LANGUAGES = ("es", "en")
# Letters, digits and the punctuation spaCy's prefix, suffix and infix rules are about.
CHARS = "abcdeilmnorstuñáé0123456789.,;:!?¡¿'\"()[]-/$%*+=<>@#’…–"
# Words that exercise the analysis: clitics and their hosts, masks, fillers, chat shorthand,
# emoticons and the pieces of special cases that could meet across a space ("a.m" + ".").
WORDS = (
    "wo n't ca nt dont youre i'm it's can't p*ta f*cking pendej* eh um q xq u ur :) :-( ( : ) . a.m "
    "10a.m. 3p.m. ee. uu. ud. sr. 12m. $120 4.523 1987. 12/3/1975 e-mail no-one hola, ¿sí? vamos a embargar"
).split()


@pytest.fixture(scope="module")
def splitters() -> dict[str, ChunkSplitter]:
    return {lang: ChunkSplitter(analyzer_for(lang)._nlp.tokenizer) for lang in LANGUAGES}


def _spacy_spans(lang: str, chunk: str) -> list[tuple[int, int]]:
    return [tuple(span) for span in analyzer_for(lang)._nlp.tokenizer(chunk).to_array([IDX, LENGTH]).tolist()]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lang=st.sampled_from(LANGUAGES), chunk=st.text(alphabet=CHARS, min_size=1, max_size=10))
def test_chunk_cut_as_spacy_cuts_it(splitters, lang, chunk):
    assert [tuple(s) for s in splitters[lang].spans(chunk)] == _spacy_spans(lang, chunk)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_special_case_cut_as_spacy_cuts_it(splitters, lang):
    rules = [k for k in analyzer_for(lang)._nlp.tokenizer.rules if not any(c.isspace() for c in k)]
    assert len(rules) > 100
    for rule in rules:
        for chunk in (rule, rule.lower(), f"({rule}.", f"{rule},"):
            assert [tuple(s) for s in splitters[lang].spans(chunk)] == _spacy_spans(lang, chunk), chunk


def _whole_text_tokens(lang: str, text: str) -> list:
    """The analysis before chunking: spaCy's tokenizer on the whole text."""
    analyzer = analyzer_for(lang)
    lowered, starts, ends = matching_form(text, apostrophes=lang == "en")
    tokens: list = []
    doc = analyzer._nlp.tokenizer(lowered)
    analyzer._add_tokens(lowered, doc.to_array([IDX, LENGTH]).tolist() if len(doc) else (), tokens)
    if starts is not None and ends is not None:
        tokens = [Token(t.norm, t.lemma, starts[t.start], ends[t.end - 1]) for t in tokens]
    return tokens


@settings(max_examples=300, deadline=None)
@given(
    lang=st.sampled_from(LANGUAGES),
    words=st.lists(st.one_of(st.sampled_from(WORDS), st.text(alphabet=CHARS, min_size=1, max_size=6)), max_size=12),
    gaps=st.lists(st.sampled_from([" ", " ", " ", "  ", "\n", " \t"]), min_size=12, max_size=12),
)
def test_chunked_analysis_equals_whole_text(lang, words, gaps):
    text = "".join(word + gap for word, gap in zip(words, gaps, strict=False)).strip()
    analyzer = analyzer_for(lang)
    lowered, starts, _ = matching_form(text, apostrophes=lang == "en")
    chunked = analyzer._tokens_by_chunk(lowered)
    # None: a special case could span two chunks, and the analysis tokenises the whole text.
    assert chunked is None or starts is not None or chunked == _whole_text_tokens(lang, text)
    analyzer._cache.pop(text, None)
    assert list(analyzer.analyze(text).tokens) == (_whole_text_tokens(lang, text) or [Token("", "", 0, 0)])


def test_host_of_a_clitic_in_the_previous_chunk():
    # "wo n't": the clitic stands alone and still turns its host into "will", as before.
    tokens = analyzer_for("en").analyze("they wo n't sue").tokens
    assert [t.norm for t in tokens] == ["they", "will", "not", "sue"]
    assert tokens == tuple(_whole_text_tokens("en", "they wo n't sue"))


def test_special_case_across_a_space_falls_back_to_the_whole_text():
    analyzer = analyzer_for("en")
    lowered = matching_form("call at 10a.m .", apostrophes=True)[0]
    pieces = [analyzer._chunk(chunk) for chunk in lowered.split()]
    if (pieces[-2].last, pieces[-1].first) in analyzer._special_pairs:
        assert analyzer._tokens_by_chunk(lowered) is None
    assert list(analyzer.analyze("call at 10a.m .").tokens) == _whole_text_tokens("en", "call at 10a.m .")


@pytest.fixture(scope="module")
def lexicons() -> LexiconSet:
    return LexiconSet.load()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lang=st.sampled_from(LANGUAGES), data=st.data())
def test_trigger_index_equals_may_match(lexicons, lang, data):
    index = lexicons._index[lang]
    vocabulary = sorted(
        {w for p in index.groups_of for exact, prefixes in p.requirements for w in exact}
        | {stem + suffix for p in index.groups_of for _, prefixes in p.requirements for stem in prefixes for suffix in ("", "ar")}
    )
    words = frozenset(data.draw(st.lists(st.sampled_from(vocabulary), max_size=15)) + ["zzz", "el"])
    expected = {p for p in index.groups_of if p in _triggered(index, words) and p.may_match(words)}
    assert set(index.candidates(words)) == expected


def _triggered(index, words: frozenset[str]) -> set:
    found = set(index.always)
    for word in words:
        found |= index.exact.get(word, set())
        for length, stems in index.prefixes.items():
            found |= stems.get(word[:length], set()) if len(word) >= length else set()
    return found


def test_scan_restores_the_collector_thresholds(scanner):
    before = gc.get_threshold()
    scanner.scan([call([("agent", "le vamos a embargar la casa")], confirm=True)])
    assert gc.get_threshold() == before


def test_a_text_is_kept_on_its_second_sight():
    analyzer = analyzer_for("es")
    text = "le confirmo la referencia 88120-7 del acuerdo"
    analyzer._cache.pop(text, None)
    analyzer._seen.discard(hash(text))
    first = analyzer.analyze(text)
    assert text not in analyzer._cache  # a turn seen once is not kept
    second = analyzer.analyze(text)
    assert analyzer._cache[text] is second and second == first
    assert analyzer.analyze(text) is second
