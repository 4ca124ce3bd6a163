"""A security code that speech recognition did not hear as numbers, masked from word confidences.

Right after a card number the caller is asked for the expiry date and the security code. When
recognition mishears those few digits as words ("uno dos tres" written as three unrelated, barely
audible words), no text rule can see a number there, yet the recording still holds the code. So,
in the ``WINDOW_S`` seconds after each spoken card number (until the next one), on the same
channel, a stretch of at least ``MIN_WORDS`` consecutive words each recognised with probability
below ``LOW_WORD_PROB``, lasting at most ``MAX_STRETCH_S``, is masked as a ``cvv``: "[CVV]" in the
text, a tone in the masked recording. Nothing is added when a code was already masked in that
window by the text rules (:mod:`transcription.redaction`), and channels without word
probabilities (text supplied as text) never reach this module.
"""

from __future__ import annotations

from transcription.redaction import Masked, Match, apply_matches
from transcription.redaction_numbers import find_runs, fold
from transcription.turns import WordTurn

WINDOW_S = 20.0
LOW_WORD_PROB = 0.5
MIN_WORDS = 2
MAX_STRETCH_S = 5.0
_CARD_DIGITS = 13  # a mask over this many digits or more is a card number (not a "termina en" group)


def _card_ends(turns: list[WordTurn], redacted: list[tuple[str, list[Masked]]]) -> list[tuple[float, int]]:
    """(end time, channel) of every card number masked by the text rules, in time order."""
    ends = []
    for turn, (_text, masks) in zip(turns, redacted, strict=True):
        for mask in masks:
            if mask.kind not in ("card", "long_number"):
                continue
            lo, hi = mask.source_span
            said = sum(len(run.digits) for run in find_runs(fold(turn.text[lo:hi])))
            seconds = turn.seconds_of(lo, hi)
            if said >= _CARD_DIGITS and seconds is not None:
                ends.append((seconds[1], turn.channel))
    return sorted(ends)


def _code_times(turns: list[WordTurn], redacted: list[tuple[str, list[Masked]]]) -> list[float]:
    times = []
    for turn, (_text, masks) in zip(turns, redacted, strict=True):
        for mask in masks:
            if mask.kind == "cvv" and (seconds := turn.seconds_of(*mask.source_span)) is not None:
                times.append(seconds[0])
    return times


def unheard_codes(turns: list[WordTurn], redacted: list[tuple[str, list[Masked]]]) -> list[tuple[str, list[Masked]]]:
    """``redacted`` (the text rules' output for ``turns``) with the unheard codes after card numbers masked too."""
    cards = _card_ends(turns, redacted)
    if not cards:
        return redacted
    codes = _code_times(turns, redacted)
    extra: dict[int, list[Match]] = {}
    for k, (card_end, channel) in enumerate(cards):
        window_end = min(card_end + WINDOW_S, cards[k + 1][0] if k + 1 < len(cards) else float("inf"))
        if any(card_end <= t <= window_end for t in codes):
            continue  # the code was heard as a number and masked already
        for index, lo, hi in _low_stretches(turns, card_end, window_end, channel):
            extra.setdefault(index, []).append(Match("cvv", lo, hi))
    if not extra:
        return redacted
    out = []
    for index, (turn, (text, masks)) in enumerate(zip(turns, redacted, strict=True)):
        if index not in extra:
            out.append((text, masks))
            continue
        matches = [Match(m.kind, *m.source_span) for m in masks]
        for new in extra[index]:
            if not any(m.start < new.end and new.start < m.end for m in matches):
                matches.append(new)
        out.append(apply_matches(turn.text, sorted(matches, key=lambda m: m.start)))
    return out


def _low_stretches(turns: list[WordTurn], start: float, end: float, channel: int) -> list[tuple[int, int, int]]:
    """(turn index, char start, char end) of each low-confidence stretch of words said between ``start`` and ``end``."""
    out: list[tuple[int, int, int]] = []
    for index, turn in enumerate(turns):
        if turn.channel != channel:
            continue
        run: list[int] = []
        for w, word in enumerate(turn.words):
            inside = start <= word.start and word.end <= end
            if inside and word.probability < LOW_WORD_PROB:
                run.append(w)
                continue
            _close(turn, index, run, out)
            run = []
        _close(turn, index, run, out)
    return out


def _close(turn: WordTurn, index: int, run: list[int], out: list[tuple[int, int, int]]) -> None:
    if len(run) < MIN_WORDS:
        return
    first, last = turn.words[run[0]], turn.words[run[-1]]
    if last.end - first.start <= MAX_STRETCH_S:
        out.append((index, turn.offsets[run[0]][0], turn.offsets[run[-1]][1]))
