"""The analyser's per-text caches stay bounded however many distinct texts pass, and never change a finding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import compliance_rules.text as text_module
from compliance_rules import Scanner
from qa.domain import Interaction

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "challenge"


@pytest.fixture(scope="module")
def scanner() -> Scanner:
    return Scanner.load()


def test_a_stream_of_distinct_texts_keeps_at_most_the_bound(monkeypatch):
    monkeypatch.setattr(text_module, "CACHED_TEXTS", 50)
    monkeypatch.setattr(text_module, "SEEN_TEXTS", 120)
    analyzer = text_module.Analyzer("en")
    greeting = "Good morning, this is the collections office calling about your account."
    for n in range(400):
        for _ in range(2):  # seen twice: each enters the cache (as the scan and call outcomes do in ingest)
            analyzer.analyze(f"Your payment number {n} of the plan {n * 7} was received.")
        analyzer.analyze(greeting)
        assert len(analyzer._cache) <= 50 and len(analyzer._seen) <= 120
    # What truly repeats stays: the greeting is served from the cache, not analysed again.
    kept = analyzer._cache[greeting]
    assert analyzer.analyze(greeting) is kept
    # The oldest distinct texts were dropped, the latest kept.
    assert "Your payment number 0 of the plan 0 was received." not in analyzer._cache
    assert "Your payment number 399 of the plan 2793 was received." in analyzer._cache


def test_an_evicted_text_analysed_again_is_the_same_analysis(monkeypatch):
    monkeypatch.setattr(text_module, "CACHED_TEXTS", 1)
    analyzer = text_module.Analyzer("es")
    first = "Le llamo de la oficina de cobranza, ¿habla con el titular?"
    analyzer.analyze(first)
    cached = analyzer.analyze(first)
    assert analyzer._cache[first] is cached
    analyzer.analyze("Otra frase distinta.")
    analyzer.analyze("Otra frase distinta.")  # evicts the first
    assert first not in analyzer._cache
    again = analyzer.analyze(first)
    assert again is not cached and (again.tokens, again.surface, again.lemmas) == (cached.tokens, cached.surface, cached.lemmas)


def _records(path: Path) -> list[Interaction]:
    return [Interaction.model_validate(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line]


def _findings(scanner: Scanner) -> list[str]:
    out = []
    for path in sorted(FIXTURES.glob("*.jsonl")):
        for finding in scanner.scan(_records(path)):
            out.append(finding.model_dump_json())
    return out


def test_findings_are_the_same_with_a_tiny_cache(scanner, monkeypatch):
    """The challenge fixtures scanned twice (a warm cache), then with caches of 2 texts: identical findings."""
    roomy = _findings(scanner)
    assert _findings(scanner) == roomy and len(roomy) > 20
    monkeypatch.setattr(text_module, "CACHED_TEXTS", 2)
    monkeypatch.setattr(text_module, "SEEN_TEXTS", 3)
    for language in ("es", "en"):
        analyzer = text_module.analyzer_for(language)
        analyzer._cache.clear()
        analyzer._seen.clear()
    assert _findings(scanner) == roomy
