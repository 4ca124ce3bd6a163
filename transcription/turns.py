"""Grouping a channel's words into timed turns, keeping where each word sits in the text."""

from __future__ import annotations

from dataclasses import dataclass

from transcription.transcript import Word


@dataclass(frozen=True)
class WordTurn:
    """A turn before roles and redaction: its text and each word's character span in it."""

    channel: int
    words: tuple[Word, ...]
    text: str
    offsets: tuple[tuple[int, int], ...]

    @property
    def start(self) -> float:
        return self.words[0].start

    @property
    def end(self) -> float:
        return self.words[-1].end

    def confidence(self) -> tuple[float, float] | None:
        """Mean segment average log-probability over the words, and the highest no-speech probability."""
        stats = [(w.avg_logprob, w.no_speech_prob) for w in self.words if w.avg_logprob is not None]
        stats = [(lp, ns) for lp, ns in stats if ns is not None]
        if not stats:
            return None
        return sum(lp for lp, _ in stats) / len(stats), max(ns for _, ns in stats)

    def seconds_of(self, char_start: int, char_end: int) -> tuple[float, float] | None:
        """Start of the first and end of the last word overlapping ``[char_start, char_end)``."""
        hit = [w for w, (s, e) in zip(self.words, self.offsets, strict=True) if s < char_end and char_start < e]
        if not hit:
            return None
        return hit[0].start, hit[-1].end


def build_turn(channel: int, words: list[Word]) -> WordTurn:
    parts: list[str] = []
    offsets: list[tuple[int, int]] = []
    length = 0
    for word in words:
        piece = word.text.strip()
        if not piece:
            continue
        if parts:
            parts.append(" ")
            length += 1
        offsets.append((length, length + len(piece)))
        parts.append(piece)
        length += len(piece)
    kept = tuple(w for w in words if w.text.strip())
    return WordTurn(channel, kept, "".join(parts), tuple(offsets))


def split_turns(channel: int, words: list[Word], gap: float) -> list[WordTurn]:
    """Split into a new turn wherever the pause between two words is at least ``gap`` seconds."""
    turns: list[WordTurn] = []
    current: list[Word] = []
    for word in sorted(words, key=lambda w: (w.start, w.end)):
        if current and word.start - current[-1].end >= gap:
            turns.append(build_turn(channel, current))
            current = []
        current.append(word)
    if current:
        turns.append(build_turn(channel, current))
    return [t for t in turns if t.text]
