"""Full-text search over stored mentions (FTS5 on a real SQLite file): languages, hostile queries, filters."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest

from monitor.models import Author, Mention, Verdict
from monitor.store import Store
from monitor.store.schema import MIGRATIONS
from monitor.store.search import MentionQuery, QueryError, fts_query, search
from monitor.store.store import split_statements

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
TEXTS = [  # (source, text, lang, complaint, sentiment, hours ago)
    ("rss", "My parcel never arrived and support ignores me", "en", True, -0.6, 1),
    ("rss", "Thanks for the quick delivery, lovely kettle", "en", False, 0.7, 2),
    ("telegram", "سفارشم هنوز نرسیده و پشتیبانی جواب نمیده", "fa", True, -0.5, 3),     # Persian ی
    ("telegram", "علي گفت سفارش ۱۲۳۴ دير رسيد", "fa", None, None, 4),                   # Arabic ي typed for Persian
    ("telegram", "طَلَبِي لَمْ يَصِلْ بَعْدُ", "ar", True, -0.4, 30),                       # with harakat
    ("mastodon", 'Quote " and NEAR( and OR and * are only words here', "en", False, 0.0, 50),
]


def ids(result) -> list[int]:
    return [m["id"] for m in result["mentions"]]


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "s.db")
    for source, text, lang, complaint, sentiment, ago in TEXTS:
        s.ensure_source(source, source)
        s.save_poll(source, [Mention(source=source, native_id=text[:10], text=text, lang=lang,
                                     author=Author(handle=f"h{ago}", name="Zahra Karimi" if ago == 3 else ""),
                                     published_at=T0 - timedelta(hours=ago))], None, {}, T0, T0)
    for m in s.unprocessed():
        source, text, lang, complaint, sentiment, ago = next(t for t in TEXTS if t[1] == m.text)
        if complaint is not None:
            s.save_verdict(m, Verdict(complaint=complaint, lang=lang, sentiment=sentiment), T0, [])
    yield s
    s.close()


@pytest.mark.parametrize("query, expected", [
    ("parcel", [1]),
    ("PARCEL arrived", [1]),                         # case folded, every word required
    ('"never arrived"', [1]),                        # a phrase
    ('"arrived never"', []),
    ("deliv*", [2]),                                 # prefix
    ("نرسیده", [3]),
    ("علی", [4]),                                    # Persian ی finds Arabic ي ...
    ("سفارش", [4]),
    ("دیر", [4]),
    ("نرسيده", [3]),                                 # ... and Arabic ي finds Persian ی
    ("1234", [4]),                                   # Persian digits are found by ASCII ones
    ("يصل", [5]),                                    # harakat do not split or hide a word
    ("zahra", [3]),                                  # the author's name is searched too
    ("h50", [6]),                                    # and the handle
])
def test_words_phrases_and_spellings(store, query, expected):
    assert ids(search(store, MentionQuery(q=query))) == expected


@pytest.mark.parametrize("query", ['NEAR(', 'NEAR(parcel', 'OR', 'parcel OR', 'AND NOT', 'a"b', 'text:', '^parcel',
                                   '{text}: x', "NEAR(a b, 2)", "'; DROP TABLE mentions; --", "-parcel", "parcel\x00"])
def test_hostile_queries_are_only_words(store, query):
    result = search(store, MentionQuery(q=query))
    assert isinstance(result["mentions"], list)
    assert store.rows("SELECT COUNT(*) n FROM mentions")[0]["n"] == len(TEXTS)


def test_fts_syntax_words_find_the_text_that_contains_them(store):
    assert ids(search(store, MentionQuery(q="NEAR( OR"))) == [6]


@pytest.mark.parametrize("query", ['"', '""', "*", "***", "(((", "() ^ :", "   "])
def test_a_query_without_words(store, query):
    if query.strip():
        with pytest.raises(QueryError):
            search(store, MentionQuery(q=query))
    else:
        assert len(ids(search(store, MentionQuery(q=query)))) == len(TEXTS), "blank: everything"


def test_quoting_doubles_inner_quotes():
    assert fts_query('say "hi there" ab"c d*') == '"say" "hi there" "ab""c" "d"*'
    assert fts_query("يك") == '"یک"'


@pytest.mark.parametrize("query, expected", [
    (MentionQuery(source="telegram"), [3, 4, 5]),
    (MentionQuery(lang="fa"), [3, 4]),
    (MentionQuery(verdict="complaint"), [1, 3, 5]),
    (MentionQuery(verdict="not"), [2, 6]),
    (MentionQuery(verdict="unprocessed"), [4]),
    (MentionQuery(polarity_max=-0.45), [1, 3]),
    (MentionQuery(polarity_min=0.0, polarity_max=0.5), [6]),
    (MentionQuery(start=T0 - timedelta(hours=3), end=T0 - timedelta(hours=1, minutes=30)), [2, 3]),
    (MentionQuery(q="سفارش", source="telegram", lang="fa"), [4]),
    (MentionQuery(q="parcel", source="telegram"), []),
])
def test_filters(store, query, expected):
    assert ids(search(store, query)) == expected


def test_paging_newest_first(store):
    first = search(store, MentionQuery(per_page=4))
    second = search(store, MentionQuery(per_page=4, page=2))
    assert (first["total"], first["pages"], ids(first), ids(second)) == (6, 2, [1, 2, 3, 4], [5, 6])
    with pytest.raises(QueryError):
        search(store, MentionQuery(verdict="maybe"))


def test_the_index_follows_inserts_updates_and_deletes(store):
    store.conn.execute("UPDATE mentions SET text = 'edited: refund please' WHERE id = 1")
    assert ids(search(store, MentionQuery(q="parcel"))) == []
    assert ids(search(store, MentionQuery(q="refund"))) == [1]
    store.conn.execute("UPDATE mentions SET processed_at = NULL WHERE id = 2")   # not an indexed column
    assert ids(search(store, MentionQuery(q="kettle"))) == [2]
    store.conn.execute("PRAGMA foreign_keys = OFF")
    store.conn.execute("DELETE FROM mentions WHERE id = 2")
    assert ids(search(store, MentionQuery(q="kettle"))) == []
    store.conn.execute("INSERT INTO mentions_fts (mentions_fts) VALUES ('integrity-check')")


def database_at(path, version: int) -> sqlite3.Connection:
    """A database as a deployment that stopped at `version` left it."""
    conn = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:version], start=1):
        for statement in split_statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number}")
    return conn


def upgraded_from(path, version: int, text: str, unindexed: str | None = None, **columns) -> Store:
    """A database left at `version` holding one mention, opened (so migrated) by today's Store. With
    `unindexed`, first checks that the old index does not find that word: what the migration fixes."""
    conn = database_at(path, version)
    row = {"source": "tg", "native_id": "1", "text": text, "published_at": "2026-01-01T00:00:00Z",
           "fetched_at": "2026-01-01T00:00:00Z", **columns}
    conn.execute(f"INSERT INTO mentions ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values()))
    conn.commit()
    if unindexed:
        assert conn.execute("SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?",
                            (f'"{unindexed}"',)).fetchall() == []
    conn.close()
    store = Store(path)
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    return store


def test_migration_4_indexes_rows_stored_before_it(tmp_path):
    store = upgraded_from(tmp_path / "old.db", 3, "كتاب قديم ٤٥", source="rss", author_name="علي")
    assert ids(search(store, MentionQuery(q="کتاب 45"))) == [1]
    assert ids(search(store, MentionQuery(q="علی"))) == [1]
    assert store.rows("SELECT merged_into FROM alerts") == []


def test_statements_split_where_sqlite_says_they_end():
    script = """
    CREATE TABLE t (x TEXT DEFAULT ';');  -- a comment; with a semicolon
    CREATE TRIGGER tr AFTER INSERT ON t BEGIN
        INSERT INTO t VALUES ('a;b');
        UPDATE t SET x = x WHERE 0;
    END;
    """
    statements = split_statements(script)
    assert len(statements) == 2 and statements[1].endswith("WHERE 0;\n    END;")
    conn = sqlite3.connect(":memory:")
    for statement in statements:
        conn.execute(statement)
    conn.execute("INSERT INTO t VALUES ('x')")
    assert conn.execute("SELECT COUNT(*) FROM t").fetchone()[0] == 2
    with pytest.raises(ValueError):
        split_statements("CREATE TRIGGER tr AFTER INSERT ON t BEGIN SELECT 1;")


def test_persian_words_with_or_without_zwnj_find_each_other(tmp_path):
    store = Store(tmp_path / "z.db")
    store.ensure_source("telegram", "telegram_bot")
    store.save_poll("telegram", [
        Mention(source="telegram", native_id="1", text="می\u200cخواهم پولم را پس بدهید", published_at=T0),
        Mention(source="telegram", native_id="2", text="میخواهم سفارش را لغو کنم", published_at=T0)], None, {}, T0, T0)
    assert sorted(ids(search(store, MentionQuery(q="میخواهم")))) == [1, 2]
    assert sorted(ids(search(store, MentionQuery(q="می\u200cخواهم")))) == [1, 2]


def test_migration_6_reindexes_what_5_stored_without_zwnj_folding(tmp_path):
    store = upgraded_from(tmp_path / "v5.db", 5, "نمی\u200cتونم وارد حسابم بشم", unindexed="نمیتونم")
    assert len(MIGRATIONS) == 7
    assert ids(search(store, MentionQuery(q="نمیتونم"))) == [1]
    assert ids(search(store, MentionQuery(q="حسابم"))) == [1], "the rest of the index is rebuilt too"


def test_a_persian_verb_typed_with_a_space_finds_every_spelling(tmp_path):
    store = Store(tmp_path / "s.db")
    store.ensure_source("telegram", "telegram_bot")
    store.save_poll("telegram", [
        Mention(source="telegram", native_id="1", text="می\u200cخواهم پولم را پس بدهید", published_at=T0),
        Mention(source="telegram", native_id="2", text="میخواهم سفارش را لغو کنم", published_at=T0),
        Mention(source="telegram", native_id="3", text="می خواهم با پشتیبانی حرف بزنم", published_at=T0),
        Mention(source="telegram", native_id="4", text="تمامی خواهم‌ها", published_at=T0)], None, {}, T0, T0)
    for query in ("میخواهم", "می خواهم", "می\u200cخواهم", '"می خواهم با"'):
        expected = [3] if "با" in query else [1, 2, 3]
        assert sorted(ids(search(store, MentionQuery(q=query)))) == expected, query
    assert ids(search(store, MentionQuery(q="تمامی"))) == [4], "a word ending in می is not glued to the next"


def test_migration_7_joins_what_6_indexed_apart(tmp_path):
    store = upgraded_from(tmp_path / "v6.db", 6, "نمی تونم وارد حسابم بشم", unindexed="نمیتونم")
    assert len(MIGRATIONS) == 7
    assert ids(search(store, MentionQuery(q="نمیتونم"))) == [1]
    assert ids(search(store, MentionQuery(q="نمی تونم"))) == [1]
    assert ids(search(store, MentionQuery(q="حسابم"))) == [1], "the rest of the index is rebuilt too"
