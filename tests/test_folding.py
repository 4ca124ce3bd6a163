"""``qa.folding``: the one text folding (case, compatibility forms, accents) every layer uses."""

from __future__ import annotations

import random

import pytest

from qa.folding import fold, fold_aligned


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Ñandú", "nandu"),
        ("PAGUE YA", "pague ya"),
        ("ﬁnal", "final"),  # compatibility ligature
        ("Ａｂｏｇａｄｏ", "abogado"),  # full-width letters
        ("Cobranza\u00a0judicial", "cobranza judicial"),  # no-break space
        ("ÇÀ Ü", "ca u"),
        ("", ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(("text", "folded"), [("Ñandú", "nandu"), ("ﬁn", "fn"), ("a\u0301b", "a b"), ("ABC", "abc")])
def test_fold_aligned_keeps_one_character_for_one(text, folded):
    assert fold_aligned(text) == folded


def test_fold_aligned_offsets_are_the_texts_offsets():
    rng = random.Random(16)
    alphabet = "aáÁñÑüﬁ Ａ0123\u00a0\u0301x€ß"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        out = fold_aligned(text)
        assert len(out) == len(text)
        for k, char in enumerate(text):  # each character folds on its own, where it stood
            assert out[k] == (fold(char)[:1] or " ")


def test_every_layer_folds_with_the_same_function():
    from compliance_rules.text import strip_accents
    from qa.workflow.cases import fold as search_fold
    from transcription.guards import normalise
    from transcription.redaction_numbers import fold as redaction_fold

    assert strip_accents is fold and redaction_fold is fold_aligned
    sample = "¿Usted PAGARÁ mañana? ﬁrme"
    assert search_fold(sample) == fold(sample) and search_fold(None) is None
    assert normalise(sample) == "usted pagara manana firme"
