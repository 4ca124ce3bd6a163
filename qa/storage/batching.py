"""Long lists of keys split into pieces that one SQL statement can carry.

SQLite allows 32,766 bound parameters a statement and PostgreSQL 65,535; an ``IN`` list of
:data:`IN_LIST_SIZE` keys stays far below both whatever else the statement binds, and keeps each
statement's plan small. Every loop over stored keys takes its pieces from :func:`chunks`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")

#: Keys in one ``IN (...)`` list.
IN_LIST_SIZE = 500


def chunks(items: Iterable[T], size: int = IN_LIST_SIZE) -> Iterator[Sequence[T]]:
    """Yield consecutive pieces of ``items`` of ``size`` elements (the last one shorter), in order; none when empty."""
    if size < 1:
        raise ValueError(f"chunk size must be at least 1, not {size}")
    seq = items if isinstance(items, Sequence) else list(items)
    for start in range(0, len(seq), size):
        yield seq[start : start + size]
