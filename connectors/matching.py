"""Does a text name the brand? Case-insensitive, on word boundaries, Persian/Arabic letter forms folded."""
from __future__ import annotations

from rules.conditions import compile_term


class BrandMatcher:
    def __init__(self, terms: list[str]):
        self.patterns = [compile_term(t, f"terms[{i}]") for i, t in enumerate(terms)]

    def matches(self, text: str) -> bool:
        from rules.normalize import fold
        folded = fold(text)
        return any(p.search(folded) for p in self.patterns)
