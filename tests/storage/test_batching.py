"""``qa.storage.batching.chunks``: the one helper every loop over stored keys takes its pieces from."""

from __future__ import annotations

import pytest

from qa.storage.batching import IN_LIST_SIZE, chunks


@pytest.mark.parametrize(
    ("items", "size", "expected"),
    [
        ([], 3, []),
        ([1, 2, 3], 3, [[1, 2, 3]]),
        ([1, 2, 3, 4, 5, 6, 7], 3, [[1, 2, 3], [4, 5, 6], [7]]),
        ((1, 2), 5, [[1, 2]]),
        ("abcde", 2, [["a", "b"], ["c", "d"], ["e"]]),
    ],
)
def test_pieces_keep_order_and_cover_everything(items, size, expected):
    assert [list(piece) for piece in chunks(items, size)] == expected


def test_an_iterator_is_read_once_and_split_like_a_list():
    assert [list(p) for p in chunks(iter(range(1, 1001)))] == [list(range(1, 501)), list(range(501, 1001))]
    assert [len(p) for p in chunks(range(IN_LIST_SIZE * 2 + 1))] == [IN_LIST_SIZE, IN_LIST_SIZE, 1]


@pytest.mark.parametrize("size", [0, -1])
def test_a_size_below_one_is_refused(size):
    with pytest.raises(ValueError, match="at least 1"):
        list(chunks([1, 2], size))
