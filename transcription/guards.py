"""Hallucination guards: what Whisper writes over silence, tones, hold music and noise.

faster-whisper already runs with VAD and ``condition_on_previous_text=False`` (see
``engine.py``); these filters then drop a decoded segment when

* it has no words;
* its compression ratio is above ``compression_ratio_threshold`` (looping text);
* its no-speech probability is above ``no_speech_threshold`` while its average log
  probability is below ``log_prob_threshold`` (Whisper's own silence rule, re-applied per
  segment because faster-whisper only applies it per 30-second window);
* its average log probability is below ``drop_logprob_floor`` whatever the no-speech
  probability;
* its whole text is a known subtitle/outro hallucination ("Thanks for watching", "Amara.org");

and remove runs of more than ``max_ngram_repeats`` consecutive copies of the same 1- to
6-word n-gram (spoken digits are exempt from the single-word rule: "nueve nueve nueve nueve"
is a plausible number). Every removal is recorded as a :class:`GuardDrop` without its text.
"""

from __future__ import annotations

import re

from qa.folding import fold
from transcription.options import TranscriptionOptions
from transcription.transcript import GuardDrop, Segment, Word

#: Whole-segment texts Whisper is known to invent from non-speech (normalised: lower case, no accents or punctuation).
KNOWN_HALLUCINATIONS = frozenset(
    {
        "thanks for watching",
        "thank you for watching",
        "please subscribe",
        "subtitles by the amaraorg community",
        "subtitulos realizados por la comunidad de amaraorg",
        "subtitulado por la comunidad de amaraorg",
        "gracias por ver el video",
        "gracias por ver",
        "suscribete",
        "musica",
        "music",
        "aplausos",
        "applause",
    }
)

_NUMBER_WORDS = frozenset(
    "cero uno una dos tres cuatro cinco seis siete ocho nueve zero oh one two three four five six seven eight nine".split()
)
MAX_NGRAM = 6


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", "", fold(text))).strip()


def segment_drop_reason(segment: Segment, options: TranscriptionOptions) -> str | None:
    """Why this segment is a hallucination, or ``None`` to keep it."""
    if not segment.words or not segment.text.strip():
        return "no_words"
    if segment.compression_ratio > options.compression_ratio_threshold:
        return "compression_ratio"
    if segment.no_speech_prob > options.no_speech_threshold and segment.avg_logprob < options.log_prob_threshold:
        return "no_speech"
    if segment.avg_logprob < options.drop_logprob_floor:
        return "low_logprob"
    if normalise(segment.text) in KNOWN_HALLUCINATIONS:
        return "known_phrase"
    return None


def remove_repeated_ngrams(words: list[Word], max_repeats: int) -> list[Word]:
    """Keep at most ``max_repeats`` consecutive copies of any n-gram (n = 1..6)."""
    keys = [normalise(w.text) for w in words]
    keep = list(words)
    for n in range(MAX_NGRAM, 0, -1):
        i = 0
        out_words: list[Word] = []
        out_keys: list[str] = []
        while i < len(keep):
            gram = keys[i : i + n]
            if len(gram) < n or (n == 1 and (gram[0] in _NUMBER_WORDS or gram[0].isdigit())) or not all(gram):
                out_words.append(keep[i])
                out_keys.append(keys[i])
                i += 1
                continue
            copies = 1
            while keys[i + copies * n : i + (copies + 1) * n] == gram:
                copies += 1
            if copies == 1:
                out_words.append(keep[i])
                out_keys.append(keys[i])
                i += 1
                continue
            kept = min(copies, max_repeats) * n
            out_words.extend(keep[i : i + kept])
            out_keys.extend(keys[i : i + kept])
            i += copies * n
        keep, keys = out_words, out_keys
    return keep


def apply_guards(segments: list[Segment], options: TranscriptionOptions) -> tuple[list[Word], list[GuardDrop]]:
    """Return the words of the segments that survive, in order, and what was dropped."""
    words: list[Word] = []
    drops: list[GuardDrop] = []
    for segment in segments:
        reason = segment_drop_reason(segment, options)
        if reason is not None:
            drops.append(GuardDrop(segment.channel, segment.start, segment.end, reason, len(segment.words)))
            continue
        kept = remove_repeated_ngrams(list(segment.words), options.max_ngram_repeats)
        if len(kept) < len(segment.words):
            drops.append(GuardDrop(segment.channel, segment.start, segment.end, "repeated_ngram", len(segment.words) - len(kept)))
        words.extend(kept)
    return words, drops
