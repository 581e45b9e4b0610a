"""Does a text name the brand? Case-insensitive, on word boundaries, Persian/Arabic letter forms folded.

Two shapes, one interface (`matches(text) -> bool`):

- BrandMatcher: the brand's terms, any of them (settings.yaml `brands[].terms`).
- Query: a small query language for sources whose own search is fuzzy (Algolia matches "java" in
  "japanese", Bluesky and Reddit stem freely), so the connector re-checks every hit itself:

      acme AND (late OR broken) -refund "acme air" NOT "job offer" آکمه*

  Words and "quoted phrases" are terms (a trailing * matches any ending, as in the rules);
  terms side by side mean AND; OR (or |) binds looser than AND; NOT or a leading - excludes;
  parentheses group. Operators are upper case so that "or" in Persian transliteration or English
  prose stays an ordinary word. Terms are compiled by rules.conditions.compile_term, so the
  folding (ي/ی, ك/ک, digits, ZWNJ, diacritics, case) is exactly the rules' own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from rules.conditions import RuleError, compile_term
from rules.normalize import fold


class Matcher(Protocol):
    def matches(self, text: str) -> bool: ...


class QueryError(ValueError):
    """A query that cannot be parsed; the message says where."""


class BrandMatcher:
    def __init__(self, terms: list[str]):
        self.patterns = [compile_term(t, f"terms[{i}]") for i, t in enumerate(terms)]

    def matches(self, text: str) -> bool:
        folded = fold(text)
        return any(p.search(folded) for p in self.patterns)


# One token per match: ( ) "phrase" a leading - , or a bare word. A - inside a word (e-mail) is kept.
_TOKEN = re.compile(r'\s*(?:(?P<open>\()|(?P<close>\))|"(?P<phrase>[^"]*)"|(?P<minus>-)(?=[^\s)-])|(?P<word>[^\s()"]+))')
_OPERATORS = {"AND", "OR", "NOT", "|"}


@dataclass(frozen=True)
class _Tok:
    kind: str      # open, close, phrase, minus, word, op
    value: str
    pos: int


def _tokens(text: str) -> list[_Tok]:
    toks, pos = [], 0
    while pos < len(text):
        if not text[pos:].strip():
            break
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            quote = text.find('"', pos)
            raise QueryError(f"unterminated quote at character {quote + 1}" if quote >= 0
                             else f"cannot read the query at character {pos + 1}")
        kind = m.lastgroup
        value, start = m.group(kind), m.start(kind) + 1
        if kind == "word" and value in _OPERATORS:
            kind = "op"
        toks.append(_Tok(kind, value, start))
        pos = m.end()
    return toks


class _Parser:
    """Recursive descent: or := and (OR and)* ; and := unary (AND? unary)* ; unary := (NOT|-) unary | atom."""

    def __init__(self, toks: list[_Tok]):
        self.toks, self.i = toks, 0

    def peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> _Tok:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def parse(self):
        if not self.toks:
            raise QueryError("the query is empty")
        node = self.parse_or()
        if self.peek() is not None:
            tok = self.peek()
            raise QueryError(f"unexpected {tok.value!r} at character {tok.pos}")
        return node

    def parse_or(self):
        nodes = [self.parse_and()]
        while (tok := self.peek()) and tok.kind == "op" and tok.value in ("OR", "|"):
            self.take()
            nodes.append(self.parse_and())
        return nodes[0] if len(nodes) == 1 else ("or", nodes)

    def parse_and(self):
        nodes = [self.parse_unary()]
        while (tok := self.peek()) and not (tok.kind == "close" or (tok.kind == "op" and tok.value in ("OR", "|"))):
            if tok.kind == "op" and tok.value == "AND":
                self.take()
            nodes.append(self.parse_unary())
        return nodes[0] if len(nodes) == 1 else ("and", nodes)

    def parse_unary(self):
        tok = self.peek()
        if tok is None:
            raise QueryError("the query ends where a term was expected")
        if tok.kind == "minus" or (tok.kind == "op" and tok.value == "NOT"):
            self.take()
            return ("not", self.parse_unary())
        return self.parse_atom()

    def parse_atom(self):
        tok = self.take()
        if tok.kind == "open":
            node = self.parse_or()
            if not (close := self.peek()) or close.kind != "close":
                raise QueryError(f"the parenthesis at character {tok.pos} is never closed")
            self.take()
            return node
        if tok.kind in ("word", "phrase"):
            try:
                return ("term", compile_term(tok.value, f"character {tok.pos}"), tok.value)
            except RuleError as exc:
                raise QueryError(str(exc)) from exc
        raise QueryError(f"unexpected {tok.value!r} at character {tok.pos}")


def _holds(node, folded: str) -> bool:
    op = node[0]
    if op == "term":
        return node[1].search(folded) is not None
    if op == "not":
        return not _holds(node[1], folded)
    if op == "and":
        return all(_holds(n, folded) for n in node[1])
    return any(_holds(n, folded) for n in node[1])


def _positive(node, negated: bool = False) -> list[str]:
    if node[0] == "term":
        return [] if negated else [node[2]]
    if node[0] == "not":
        return _positive(node[1], not negated)
    return [t for n in node[1] for t in _positive(n, negated)]


class Query:
    """A parsed query; build once, match many texts."""

    def __init__(self, text: str):
        self.text = text
        self.tree = _Parser(_tokens(text)).parse()

    def matches(self, text: str) -> bool:
        return _holds(self.tree, fold(text))

    def terms(self) -> list[str]:
        """The terms the query asks for (not the excluded ones): what to send to a source's search."""
        return list(dict.fromkeys(_positive(self.tree)))
