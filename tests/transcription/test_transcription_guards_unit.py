"""Hallucination guard rules on synthetic segments (no model needed)."""

from __future__ import annotations

import pytest

from transcription.guards import apply_guards, remove_repeated_ngrams, segment_drop_reason
from transcription.options import TranscriptionOptions
from transcription.transcript import Segment, Word

OPTIONS = TranscriptionOptions()


def words(text: str, start: float = 0.0) -> tuple[Word, ...]:
    return tuple(Word(start + i * 0.3, start + i * 0.3 + 0.25, " " + w, 0.9) for i, w in enumerate(text.split()))


def segment(text: str, avg_logprob: float = -0.3, no_speech: float = 0.05, ratio: float = 1.2) -> Segment:
    ws = words(text)
    return Segment(0, ws[0].start if ws else 0.0, ws[-1].end if ws else 0.0, " " + text, ws, avg_logprob, no_speech, ratio)


@pytest.mark.parametrize(
    ("seg", "reason"),
    [
        (segment("Hola, le habla Carlos."), None),
        (segment("uno dos tres", avg_logprob=-1.4, no_speech=0.46), None),  # unsure but speech-like: kept
        (segment(""), "no_words"),
        (segment("la la la la la la la la la la", ratio=3.1), "compression_ratio"),
        (segment("Hmm.", avg_logprob=-1.2, no_speech=0.9), "no_speech"),
        (segment("something", avg_logprob=-2.0, no_speech=0.1), "low_logprob"),
        (segment("Thanks for watching!"), "known_phrase"),
        (segment("Subtítulos realizados por la comunidad de Amara.org"), "known_phrase"),
        (segment("¡Gracias por ver el video!"), "known_phrase"),
    ],
)
def test_segment_guards(seg: Segment, reason: str | None) -> None:
    assert segment_drop_reason(seg, OPTIONS) == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gracias gracias gracias gracias gracias gracias", "gracias gracias gracias"),
        ("you owe you owe you owe you owe you owe money", "you owe you owe you owe money"),
        ("nueve nueve nueve nueve", "nueve nueve nueve nueve"),  # spoken digits are exempt
        ("no no no", "no no no"),
        ("lo vamos a meter a la cárcel", "lo vamos a meter a la cárcel"),
    ],
)
def test_repeated_ngrams(text: str, expected: str) -> None:
    kept = remove_repeated_ngrams(list(words(text)), OPTIONS.max_ngram_repeats)
    assert " ".join(w.text.strip() for w in kept) == expected


def test_apply_guards_records_drops_without_text() -> None:
    kept, drops = apply_guards([segment("Thanks for watching!"), segment("hola hola hola hola hola")], OPTIONS)
    assert [d.guard for d in drops] == ["known_phrase", "repeated_ngram"]
    assert [w.text.strip() for w in kept] == ["hola", "hola", "hola"]
    assert all(not hasattr(d, "text") for d in drops)


def test_kept_words_keep_their_order_and_times() -> None:
    kept = remove_repeated_ngrams(list(words("a b a b a b a b c")), 3)
    starts = [w.start for w in kept]
    assert starts == sorted(starts)
