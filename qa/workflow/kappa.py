"""Inter-rater agreement: Cohen's kappa (two raters) and Fleiss' kappa (any fixed number of raters).

Pure functions over category labels. Both return ``None`` when chance agreement is total
(every rating in one category), where kappa is 0/0 and undefined.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence


def observed_agreement(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    if len(a) != len(b):
        raise ValueError("both raters must rate the same items")
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a) if a else None


def cohen_kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Return Cohen's kappa of two raters' labels of the same items."""
    po = observed_agreement(a, b)
    if po is None:
        return None
    n = len(a)
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in ca.keys() | cb.keys()) / (n * n)
    if pe == 1:
        return None
    return (po - pe) / (1 - pe)


def fleiss_kappa(items: Sequence[Sequence[Hashable]]) -> float | None:
    """Return Fleiss' kappa; ``items`` holds, per item, the labels of its raters (the same number for every item)."""
    if not items:
        return None
    raters = len(items[0])
    if raters < 2 or any(len(labels) != raters for labels in items):
        raise ValueError("Fleiss' kappa needs the same number (at least two) of ratings per item")
    totals: Counter[Hashable] = Counter()
    agreement = 0.0
    for labels in items:
        counts = Counter(labels)
        totals.update(counts)
        agreement += (sum(c * c for c in counts.values()) - raters) / (raters * (raters - 1))
    p_bar = agreement / len(items)
    all_ratings = len(items) * raters
    pe = sum((c / all_ratings) ** 2 for c in totals.values())
    if pe == 1:
        return None
    return (p_bar - pe) / (1 - pe)
