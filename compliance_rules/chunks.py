"""spaCy's tokenization of one whitespace-free chunk, without growing spaCy's vocabulary.

spaCy's tokenizer splits a text at whitespace, strips prefixes and suffixes off each chunk and
splits it at infixes (its ``_split_affixes`` and ``_attach_tokens``), then matches its multi-token
special cases (":-)", "10a.m.") over the tokens of the whole text. A chunk it has not seen costs a
``Doc`` and a new vocabulary entry per piece (tens of microseconds); every call has a few such
chunks (amounts, dates, names with punctuation). :class:`ChunkSplitter` runs the same affix steps
with the tokenizer's own rules (``find_prefix``, ``find_suffix``, ``find_infix``, ``url_match``)
and hands over to spaCy whenever a special case could be involved, so its pieces are spaCy's.
"""

from __future__ import annotations

from spacy.attrs import IDX, LENGTH
from spacy.tokenizer import Tokenizer


def special_pairs(tokenizer: Tokenizer) -> frozenset[tuple[str, str]]:
    """Adjacent token pairs inside the tokenizer's special cases (":-)", "10a.m.").

    spaCy matches its special cases against the tokens of the whole text (its
    ``_special_matcher``, built from the affix splitting of each case without special cases):
    only where such a pair is adjacent can a special case apply across two pieces.
    """
    bare = Tokenizer(
        tokenizer.vocab,
        rules={},
        prefix_search=tokenizer.prefix_search,
        suffix_search=tokenizer.suffix_search,
        infix_finditer=tokenizer.infix_finditer,
        token_match=tokenizer.token_match,
        url_match=tokenizer.url_match,
    )
    pairs: set[tuple[str, str]] = set()
    for string in tokenizer.rules or {}:
        pieces = [t.text for t in bare(string)]
        pairs.update(zip(pieces, pieces[1:], strict=False))
    return frozenset(pairs)


class ChunkSplitter:
    """The pieces spaCy's tokenizer cuts one whitespace-free chunk into."""

    def __init__(self, tokenizer: Tokenizer) -> None:
        self.tokenizer = tokenizer
        self.rules = frozenset(tokenizer.rules or {})
        self.pairs = special_pairs(tokenizer)
        self._ported = tokenizer.token_match is None  # a token_match rule: always ask spaCy

    def spans(self, chunk: str) -> list[tuple[int, int]]:
        """``(start, length)`` of each token spaCy cuts ``chunk`` into."""
        pieces = self._affixes(chunk) if self._ported else None
        if pieces is None:
            doc = self.tokenizer(chunk)
            return doc.to_array([IDX, LENGTH]).tolist()
        spans, start = [], 0
        for piece in pieces:
            spans.append((start, len(piece)))
            start += len(piece)
        return spans

    def _affixes(self, chunk: str) -> list[str] | None:
        """``Tokenizer._split_affixes`` and ``_attach_tokens`` without special cases; None where one may apply."""
        rules, tokenizer = self.rules, self.tokenizer
        prefixes: list[str] = []
        suffixes: list[str] = []
        string, last_size = chunk, -1
        while string and len(string) != last_size:
            if string in rules:
                return None
            last_size = len(string)
            pre_len = tokenizer.find_prefix(string)
            if pre_len and string[pre_len:] in rules:
                return None
            suf_len = tokenizer.find_suffix(string[pre_len:])
            if suf_len and string[:-suf_len] in rules:
                return None
            if pre_len and suf_len and (pre_len + suf_len) <= len(string):
                prefixes.append(string[:pre_len])
                suffixes.append(string[-suf_len:])
                string = string[pre_len:-suf_len]
            elif pre_len:
                prefixes.append(string[:pre_len])
                string = string[pre_len:]
            elif suf_len:
                suffixes.append(string[-suf_len:])
                string = string[:-suf_len]
        pieces = prefixes
        if string:
            if string in rules:
                return None
            matches = () if tokenizer.url_match and tokenizer.url_match(string) else tokenizer.find_infix(string)
            start = 0
            for match in matches or ():
                infix_start, infix_end = match.start(), match.end()
                if infix_start == 0:
                    continue
                if infix_start != start:
                    pieces.append(string[start:infix_start])
                if infix_start != infix_end:
                    pieces.append(string[infix_start:infix_end])
                start = infix_end
            if string[start:]:
                pieces.append(string[start:])
        pieces.extend(reversed(suffixes))
        # The special-case matcher: a one-piece case is a rule's own string, a longer one has an adjacent pair.
        if any(piece in rules for piece in pieces) or any(pair in self.pairs for pair in zip(pieces, pieces[1:], strict=False)):
            return None
        return pieces
