"""Search over every stored mention: FTS5 words plus filters and paging, plain data out.

Customer-facing search boxes get anything, so a query is never handed to FTS5's own syntax: each
word (or "quoted phrase") becomes a quoted FTS5 string, folded like the index (ي/ی, ك/ک, harakat,
digits), so `NEAR(`, a lone `"` or `OR` are only words to look for.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from monitor.clock import iso
from monitor.store.rows import mention_public
from monitor.store.schema import FTS_FOLD, FTS_JOINED_PREFIXES
from monitor.store.store import Store, StoreError

MAX_TERMS = 16
MAX_QUERY = 400
VERDICTS = ("complaint", "not", "unprocessed")
_FOLD = str.maketrans(FTS_FOLD)
_TERM = re.compile(r'"([^"]+)"|(\S+)')
# As the index does (migration 7): a standalone می / نمی joins the word typed after it.
_PREFIX = re.compile(r"(?:(?<=[\s\"])|^)(" + "|".join(FTS_JOINED_PREFIXES) + r") (?=\S)")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_LANG = "COALESCE(NULLIF(json_extract(m.verdict, '$.lang'), ''), m.lang)"


class QueryError(ValueError):
    """A search that cannot be run as asked (nothing searchable in it, or a filter out of range)."""


@dataclass
class MentionQuery:
    q: str = ""
    source: str | None = None
    lang: str | None = None
    verdict: str | None = None            # complaint, not, unprocessed
    polarity_min: float | None = None     # the verdict's sentiment, -1 .. 1
    polarity_max: float | None = None
    start: datetime | None = None         # published at or after
    end: datetime | None = None           # published before
    page: int = 1
    per_page: int = 50


def fts_query(text: str) -> str | None:
    """The user's words as an FTS5 query: each quoted (a trailing * keeps prefix search), all required."""
    terms = []
    text = _CONTROL.sub(" ", text[:MAX_QUERY])   # a NUL would end FTS5's string early
    text = _PREFIX.sub(r"\1", text.translate(_FOLD))     # folded once, like the index, before splitting
    for match in _TERM.finditer(text):
        phrase, word = match.group(1), match.group(2)
        term = phrase or word
        prefix = word is not None and term.endswith("*")
        term = term.rstrip("*") if prefix else term
        if not any(ch.isalnum() for ch in term):
            continue   # punctuation alone has no words in the index: it can only match nothing
        terms.append('"' + term.replace('"', '""') + '"' + ("*" if prefix else ""))
    return " ".join(terms[:MAX_TERMS]) or None


def _where(query: MentionQuery) -> tuple[list[str], list[Any]]:
    clauses, params = [], []
    if query.q.strip():
        match = fts_query(query.q)
        if match is None:
            raise QueryError("no words to search for in that query")
        clauses.append("m.id IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)")
        params.append(match)
    if query.source:
        clauses.append("m.source = ?")
        params.append(query.source)
    if query.lang:
        clauses.append(f"{_LANG} = ?")
        params.append(query.lang)
    if query.verdict:
        if query.verdict not in VERDICTS:
            raise QueryError(f"verdict is one of {', '.join(VERDICTS)}")
        clauses.append({"complaint": "m.complaint = 1", "not": "m.complaint = 0",
                        "unprocessed": "m.processed_at IS NULL"}[query.verdict])
    for bound, op in ((query.polarity_min, ">="), (query.polarity_max, "<=")):
        if bound is not None:
            clauses.append(f"json_extract(m.verdict, '$.sentiment') {op} ?")
            params.append(bound)
    for moment, op in ((query.start, ">="), (query.end, "<")):
        if moment is not None:
            clauses.append(f"m.published_at {op} ?")
            params.append(iso(moment))
    return clauses, params


def search(store: Store, query: MentionQuery) -> dict[str, Any]:
    """One page of matching mentions, newest first, with the total and what the team said of each."""
    clauses, params = _where(query)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    per_page = max(1, min(query.per_page, 200))
    page = max(1, query.page)
    try:
        total = store.conn.execute(f"SELECT COUNT(*) FROM mentions m {where}", params).fetchone()[0]
        rows = store.conn.execute(
            f"""SELECT m.*, a.id AS alert_id, a.state AS alert_state, v.complaint AS team_complaint
                FROM mentions m LEFT JOIN alerts a ON a.mention_id = m.id
                LEFT JOIN team_verdicts v ON v.mention_id = m.id {where}
                ORDER BY m.published_at DESC, m.id DESC LIMIT ? OFFSET ?""",
            (*params, per_page, (page - 1) * per_page)).fetchall()
    except sqlite3.OperationalError as exc:
        if "fts5" in str(exc):   # should not happen with quoted terms; a bad query is still not a crash
            raise QueryError(f"the search could not be run: {exc}") from exc
        raise StoreError(f"could not read: {exc}") from exc
    return {"mentions": [_public(dict(r)) for r in rows], "total": total, "page": page, "per_page": per_page,
            "pages": max(1, -(-total // per_page))}


def _public(row: dict[str, Any]) -> dict[str, Any]:
    team = row["team_complaint"]
    return {**mention_public(row), "alert_id": row["alert_id"] or row.get("incident_alert_id"),
            "alert_state": row["alert_state"], "team_verdict": None if team is None else bool(team)}


def facets(store: Store) -> dict[str, list[str]]:
    """The sources and languages there are, for the filter menus."""
    sources = [r["name"] for r in store.sources()]
    langs = [r["lang"] for r in store.rows(f"SELECT DISTINCT {_LANG} AS lang FROM mentions m ORDER BY 1")
             if r["lang"]]
    return {"sources": sources, "langs": langs}
