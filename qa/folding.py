"""Text folding: the one way the project compares words regardless of case, accents and compatibility forms.

:func:`fold` lower-cases, takes compatibility forms to their plain letters (NFKD: ``ﬁ`` → ``fi``,
full-width ``Ａ`` → ``a``) and drops the accents (``ñ`` → ``n``). The scanner's lexicon keys and
lemmas, the outcome readers, the transcription guards and the phrase search all fold with it.
:func:`fold_aligned` folds one character into one, so offsets in the result are offsets in the
input (redaction marks spans in the text it folds). Look-alike letters of other scripts (a
Cyrillic ``а`` for a Latin ``a``) are the matcher's concern: ``compliance_rules.text.matching_form``
reads them with the offsets it needs. Standard library only, like :mod:`qa.domain`.
"""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower case, compatibility forms decomposed, accents removed (``"Ñandú ﬁnal"`` → ``"nandu final"``)."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _AlignedTable(dict):
    """``str.translate`` table folding each character to exactly one character (filled lazily, bounded)."""

    def __missing__(self, code: int) -> str:
        kept = fold(chr(code))
        value = kept[0] if kept else " "
        if len(self) < 65536:
            self[code] = value
        return value


_ALIGNED = _AlignedTable()


def fold_aligned(text: str) -> str:
    """:func:`fold`, one character for one: a character folding to several keeps the first, to none a space."""
    if text.isascii():
        return text.lower()
    return text.translate(_ALIGNED)
