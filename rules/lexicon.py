"""Lexicon matching: one compiled pattern per lexicon, negation and intensifiers read around each hit.

A lexicon file (rules/lexicons/<lang>.yaml) holds weighted negative and positive entries, negators
(before the word, and after it for Persian: خوب نیست), intensifiers, and complaint cues by category.
Entries are folded like the texts, so ي/ی, ك/ک, diacritics and ZWNJ never stop a match.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from rules.normalize import fold
from rules.trie import trie_pattern

LEXICON_DIR = Path(__file__).with_name("lexicons")
_TOKEN = re.compile(r"\w+|[^\w\s]")
NEGATION_WINDOW = 3      # words before a hit that can negate it
INTENSIFIER_WINDOW = 2


@dataclass
class Hits:
    positive: float = 0.0
    negative: float = 0.0
    cues: dict[str, list[str]] = field(default_factory=dict)   # category -> matched words
    evidence: list[str] = field(default_factory=list)

    @property
    def found(self) -> bool:
        """Whether the lexicon recognised anything at all in the text."""
        return bool(self.positive or self.negative or self.cues)


class _Matcher:
    """One alternation over every entry; a hit is mapped back to its entry (exact form or stem)."""

    def __init__(self, entries: dict[str, object], proclitics: list[str] = ()):
        # Arabic glues و ف ب ل ال to the next word (والخدمه، بالموت): allowed before any entry.
        prefix = "(?:" + "|".join(sorted((re.escape(fold(p)) for p in proclitics), key=len, reverse=True)) + ")?" \
            if proclitics else ""
        # Shortest first: "ولذيذ" is و + لذيذ, not ول + ذيذ; every reading is tried, the first known wins.
        self.proclitics = sorted({fold(p) for p in proclitics}, key=len)
        self.exact: dict[str, object] = {}
        self.stems: dict[str, object] = {}      # stem with its spaces removed -> value
        words: dict[str, bool] = {}
        symbols: dict[str, bool] = {}
        for raw, value in entries.items():
            stem = raw.endswith("*")
            term = " ".join(fold(raw.rstrip("*")).split())
            if not term:
                continue
            group = words if term[0].isalnum() or term[0] == "_" else symbols
            group[term] = stem or group.get(term, False)     # listed both ways: the stem covers both
            if stem:
                self.stems.setdefault(term.replace(" ", ""), value)
            else:
                self.exact[term] = value
        self.stem_lengths = sorted({len(k) for k in self.stems}, reverse=True)   # longest stem wins
        # The word boundary (and the optional proclitic) is factored out and the entries share their
        # prefixes (rules/trie.py), so the engine tries them only where a word starts, once.
        alternatives = []
        if words:
            alternatives.append(r"(?<!\w)" + prefix + trie_pattern(words))
        if symbols:
            # Emoji and "#fail"-style entries: a one-character look-ahead keeps the engine from trying
            # them at every position of the text.
            first = "[" + "".join(re.escape(c) for c in sorted({t[0] for t in symbols})) + "]"
            alternatives.append(f"(?={first})" + trie_pattern(symbols))
        self.pattern = re.compile("|".join(alternatives)) if alternatives else None

    def _lookup(self, found: str) -> tuple[str, object]:
        """The entry a hit stands for: as written, or without its proclitic (و، ال، بال ...).

        Dictionary lookups only (the exact form, then each stem length, longest first): a hit costs
        the same whatever the size of the lexicon."""
        candidates = [found] + [found[len(p):] for p in self.proclitics if found.startswith(p) and len(p) < len(found)]
        for candidate in candidates:
            if candidate in self.exact:
                return candidate, self.exact[candidate]
            flat = candidate.replace(" ", "")
            for length in self.stem_lengths:
                if length <= len(flat) and (value := self.stems.get(flat[:length])) is not None:
                    return candidate, value
        return found, None

    def finditer(self, text: str):
        if self.pattern is None:
            return
        for m in self.pattern.finditer(text):
            found = m.group(0)
            if not found.isalnum():
                found = " ".join(found.split())
            found, value = self._lookup(found)
            if value is not None:
                yield m, found, value


class Lexicon:
    def __init__(self, data: dict):
        polar: dict[str, tuple[int, float]] = {}
        for sign, key in ((-1, "negative"), (1, "positive")):
            for weight, words in (data.get(key) or {}).items():
                for w in words:
                    polar[str(w)] = (sign, float(weight))
        cues = {str(w): category for category, words in (data.get("cues") or {}).items() for w in words}
        proclitics = data.get("proclitics") or []
        self.polar = _Matcher(polar, proclitics)
        self.cues = _Matcher(cues, proclitics)
        self.contrast = _any_of({fold(str(w)) for w in data.get("contrast") or []})
        self.window = int(data.get("negation_window", NEGATION_WINDOW))
        self.negators_before = {fold(str(w)) for w in data.get("negators_before") or []}
        self.negators_after = {fold(str(w)) for w in data.get("negators_after") or []}
        self.intensifiers = {fold(str(w)) for w in data.get("intensifiers") or []}
        # Phrases that hold a negator but negate nothing: "still" (لا يزال، ما زال), "not only" (نه تنها).
        self.not_negation = _any_of({" ".join(fold(str(w)).split()) for w in data.get("not_negation") or []})
        self.modifiers = _any_of(self.negators_before | self.intensifiers)
        self.size = len(polar) + len(cues)

    def scan(self, folded: str) -> Hits:
        hits = Hits()
        pivot = self._contrast_at(folded)
        for m, found, (sign, weight) in self.polar.finditer(folded):
            if pivot is not None:
                # "good food, but the service was awful": what follows "but" is what the writer means.
                weight *= 1.5 if m.start() > pivot else 0.6
            window = folded[max(0, m.start() - 60):m.start()]
            # Most hits have no negator or intensifier anywhere near: one search rules that out
            # before the window is tokenised.
            before = ()
            if self.modifiers and self.modifiers.search(window):
                if self.not_negation:
                    window = self.not_negation.sub(" ", window)
                before = _clause(_tokens(window))[-self.window:]
            if any(t in self.intensifiers for t in before[-INTENSIFIER_WINDOW:]):
                weight *= 1.5
            negated = any(t in self.negators_before for t in before)
            if not negated and self.negators_after:
                after = " ".join(_tokens(folded[m.end():m.end() + 30])[:2])
                negated = any(after.startswith(n) for n in self.negators_after)
            if negated:
                sign, weight = -sign, weight * 0.7
            if sign > 0:
                hits.positive += weight
            else:
                hits.negative += weight
            hits.evidence.append(("not " if negated else "") + found)
        for _, found, category in self.cues.finditer(folded):
            hits.cues.setdefault(category, []).append(found)
        return hits


    def _contrast_at(self, folded: str) -> int | None:
        """Where the last contrast word ('but', 'ولی', 'لكن') starts, if any."""
        last = None
        if self.contrast is not None:
            for m in self.contrast.finditer(folded):
                last = m.start()
        return last


def _any_of(words: set[str]) -> re.Pattern | None:
    """One pattern for whole words or phrases, longest first; None when there are none."""
    if not words:
        return None
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _clause(tokens: list[str]) -> list[str]:
    """Only the words since the last punctuation mark: negation does not cross a comma or a full stop."""
    for i in range(len(tokens) - 1, -1, -1):
        if not (tokens[i][0].isalnum() or tokens[i][0] == "_"):
            return tokens[i + 1:]
    return tokens


@lru_cache(maxsize=None)
def lexicon_for(lang: str) -> Lexicon | None:
    """The language's lexicon, with its Latin-script companion (`fa-latn.yaml`: Finglish,
    `ar-latn.yaml`: Arabizi) merged in, since such texts are identified as Persian or Arabic."""
    path = LEXICON_DIR / f"{lang}.yaml"
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    latin = LEXICON_DIR / f"{lang}-latn.yaml"
    if latin.exists():
        data = merge_lexicons(data, yaml.safe_load(latin.read_text(encoding="utf-8")) or {})
    return Lexicon(data)


def merge_lexicons(base: dict, extra: dict) -> dict:
    """Lists are joined, mappings (weights, cue categories) merged key by key, scalars kept from base."""
    merged = dict(base)
    for key, value in extra.items():
        if key not in merged or merged[key] is None:
            merged[key] = value
        elif type(merged[key]) is not type(value):
            raise ValueError(f"lexicon key {key!r} is a {type(merged[key]).__name__} in one file and a "
                             f"{type(value).__name__} in the other")
        elif isinstance(value, list):
            merged[key] = merged[key] + value
        elif isinstance(value, dict):
            merged[key] = merge_lexicons(merged[key], value)
    return merged
