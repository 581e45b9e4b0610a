"""A regular expression for many literal terms, built as a trie so shared prefixes are tried once.

Python's `re` tries the branches of `a|b|c...` one after another at every position; with a few
hundred lexicon entries that is most of the cost of scanning a text. Factoring common prefixes
("cancel", "cancelled", "cancellation") into one path makes the scan proportional to the text, not
to the lexicon. Longer continuations are tried before a term ends, so the longest entry wins.
"""
from __future__ import annotations

import re

_END_EXACT = "(?!\\w)"   # the term ends on a word boundary
_END_STEM = "\\w*"       # `delay*`: any ending
_END_ANY = ""            # a term ending in a symbol ("really?") needs no boundary after it


def trie_pattern(terms: dict[str, bool]) -> str:
    """Pattern text for {folded term: is_stem}; a space in a term matches any run of spaces.

    Exact terms end on a word boundary when their last character is a letter or digit."""
    root: dict = {}
    for term, stem in terms.items():
        node = root
        for ch in term:
            node = node.setdefault(ch, {})
        ends = node.setdefault("", set())
        ends.add(_END_STEM if stem else _END_EXACT if term[-1].isalnum() else _END_ANY)
    return _render(root)


def _render(node: dict) -> str:
    branches = []
    for ch in sorted(k for k in node if k):
        step = "\\s*" if ch == " " else re.escape(ch)
        branches.append(step + _render(node[ch]))
    # The most permissive ending covers the others; it goes last so longer entries win first.
    ends = node.get("", set())
    for end in (_END_STEM, _END_ANY, _END_EXACT):
        if end in ends:
            branches.append(end)
            break
    if len(branches) == 1 and "|" not in branches[0]:
        return branches[0]
    return "(?:" + "|".join(branches) + ")"
