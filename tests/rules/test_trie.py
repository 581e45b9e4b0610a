"""The trie-shaped pattern behind lexicon scans matches exactly what a plain alternation would."""
from __future__ import annotations

import re

from rules.trie import trie_pattern

TERMS = {"cancel": True, "cancelled": False, "on hold": False, "on": False, "really?": False,
         "bad": False, "badly": False, "تاخیر": True}


def found(text: str) -> list[str]:
    return [m.group(0) for m in re.finditer(r"(?<!\w)" + trie_pattern(TERMS), text)]


def test_the_longest_entry_wins_and_stems_take_any_ending():
    assert found("cancellation then cancelled") == ["cancellation", "cancelled"]
    assert found("on  hold for ages, on my own") == ["on  hold", "on"]
    assert found("badly made, bad, badge") == ["badly", "bad"]


def test_exact_terms_end_on_a_word_boundary_unless_they_end_in_a_symbol():
    assert found("really?! onward") == ["really?"]
    assert found("تاخیرها و تاخیر") == ["تاخیرها", "تاخیر"]


def test_it_agrees_with_a_longest_first_alternation_on_a_sample():
    plain = "|".join(
        re.escape(t).replace(r"\ ", r"\s*") + (r"\w*" if stem else r"(?!\w)" if t[-1].isalnum() else "")
        for t, stem in sorted(TERMS.items(), key=lambda kv: -len(kv[0])))
    text = "cancel cancelled really? on hold on bad badly تاخیر تاخیری canceled"
    expected = [m.group(0) for m in re.finditer(rf"(?<!\w)(?:{plain})", text)]
    assert found(text) == expected
