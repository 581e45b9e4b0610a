"""The query language connectors use to re-check fuzzy search hits: named cases, one table each."""
from __future__ import annotations

import pytest

from connectors.matching import Query, QueryError

MATCHES = {
    # name: (query, text, expected)
    "single word, any case": ("acme", "ACME broke my order", True),
    "word boundary, not a substring": ("java", "the japanese checkbox", False),
    "phrase in quotes": ('"acme air"', "flew Acme  Air today", True),
    "phrase words apart do not match": ('"acme air"', "acme lost my air fryer", False),
    "implicit AND": ("acme late", "acme is late again", True),
    "implicit AND needs both": ("acme late", "acme is fine", False),
    "explicit AND": ("acme AND late", "late acme", True),
    "OR": ("acme OR acmeair", "acmeair support", True),
    "pipe is OR": ("acme | acmeair", "acmeair support", True),
    "AND binds tighter than OR": ("acme late OR refund", "refund please", True),
    "parentheses group": ("acme (late OR broken)", "acme broken screen", True),
    "parentheses group, no alternative": ("acme (late OR broken)", "acme works", False),
    "NOT excludes": ("acme NOT job", "acme job offer", False),
    "leading minus excludes": ("acme -job", "acme job offer", False),
    "minus phrase excludes": ('acme -"job offer"', "acme job offer", False),
    "minus inside a word is a word": ("e-mail", "my e-mail bounced", True),
    "lowercase or is a word": ("acme or", "acme or else", True),
    "trailing star stems": ("deliver*", "no delivery yet", True),
    "Arabic yeh and kaf fold to Persian": ("کیفیت", "كيفيت خیلی بده", True),
    "Persian digits fold": ("order 123", "order ۱۲۳ late", True),
    "ZWNJ does not split the match": ("می شود", "نمی\u200cشود یا می\u200cشود", True),
    "Persian exclusion": ("اکمه -استخدام", "اکمه استخدام می‌کند", False),
    "only a negation": ("NOT spam", "a real complaint", True),
}


@pytest.mark.parametrize("query,text,expected", MATCHES.values(), ids=MATCHES.keys())
def test_query_matches(query, text, expected):
    assert Query(query).matches(text) is expected


ERRORS = {
    "empty": ("", "empty"),
    "only spaces": ("   ", "empty"),
    "unclosed parenthesis": ("(acme OR x", "never closed"),
    "stray closing parenthesis": ("acme)", r"unexpected '\)' at character 5"),
    "dangling operator": ("acme OR", "ends where a term"),
    "unterminated quote": ('"acme air', "unterminated quote at character 1"),
    "operator first": ("OR acme", "unexpected 'OR'"),
}


@pytest.mark.parametrize("query,message", ERRORS.values(), ids=ERRORS.keys())
def test_bad_queries_say_where(query, message):
    with pytest.raises(QueryError, match=message):
        Query(query)


def test_terms_are_the_positive_ones_for_the_source_search():
    assert Query('acme (late OR "acme air") -job NOT -acme').terms() == ["acme", "late", "acme air"]
