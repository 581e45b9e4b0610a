"""Numbered migrations. Append only: a deployed database moves forward one number at a time."""
from __future__ import annotations

# One spelling per letter for the search index (migration 4), as rules/normalize.py does for matching:
# Arabic letter forms, harakat and tatweel, Persian/Arabic digits. It is applied in plain SQL (two
# views of replace() calls, since SQLite has no translate() and its parser allows only ~25 nested
# calls per expression), so any connection that writes a mention keeps the index right; queries get
# the same map in monitor/store/search.py. FTS5 folds case itself. Changing a map needs a migration
# that rebuilds mentions_fts (as 6 does); the maps each migration used are kept as they were.
FTS_LETTERS: dict[str, str] = {
    **dict(zip("يىكۀةأإآٱؤئ", "ییکههاااوی")),
    **{chr(c): "" for c in [*range(0x064B, 0x0656), 0x0670, 0x0640]},   # harakat, hamza marks, tatweel
}
FTS_DIGITS_4: dict[str, str] = dict(zip("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789"))
# Migration 6: Persian writes می‌خواهم with a zero-width non-joiner, or without it (میخواهم). The
# tokenizer splits on ZWNJ, so the two never met; dropping it makes them one word in index and query.
FTS_DIGITS: dict[str, str] = {**FTS_DIGITS_4, "\u200c": ""}
FTS_FOLD: dict[str, str] = {**FTS_LETTERS, **FTS_DIGITS}
# Migration 7: the same verb typed with a space (می خواهم, نمی تونم) is joined to its prefix, as the
# ZWNJ and no-space spellings already are. Only a prefix that stands as its own word is joined (the
# text is read with a space in front, so the end of تمامی is never glued to the next word).
FTS_JOINED_PREFIXES = ("نمی", "می")
FTS_COLUMNS = ("text", "author_handle", "author_name")


def _replaced(column: str, table: dict[str, str]) -> str:
    expr = column
    for char, to in table.items():
        expr = f"replace({expr}, char({ord(char)}), '{to}')"
    return expr


def _joined(column: str) -> str:
    expr = f"' ' || {column}"
    for prefix in FTS_JOINED_PREFIXES:
        expr = f"replace({expr}, ' {prefix} ', ' {prefix}')"
    return f"substr({expr}, 2)"


def _search_index(digits_map: dict[str, str], join_prefixes: bool = False) -> str:
    names = ", ".join(FTS_COLUMNS)
    raw = ", ".join(f"{c} AS raw_{c}" for c in FTS_COLUMNS)
    letters = ", ".join(f"{_replaced(c, FTS_LETTERS)} AS {c}" for c in FTS_COLUMNS)
    # Plain ASCII (most English posts and handles) has nothing to fold: the replace() calls are skipped.
    digits = ", ".join(f"CASE WHEN raw_{c} GLOB '*[^ -~]*' THEN "
                       f"{_joined(_replaced(c, digits_map)) if join_prefixes else _replaced(c, digits_map)} "
                       f"ELSE raw_{c} END AS {c}" for c in FTS_COLUMNS)
    insert = f"INSERT INTO mentions_fts (rowid, {names}) SELECT id, {names} FROM mentions_folded WHERE id = new.id;"
    # External content: a 'delete' must repeat the indexed values, read before the row changes.
    delete = (f"INSERT INTO mentions_fts (mentions_fts, rowid, {names}) "
              f"SELECT 'delete', id, {names} FROM mentions_folded WHERE id = old.id;")
    return f"""
    CREATE VIEW mentions_folded_letters AS SELECT id, {raw}, {letters} FROM mentions;
    CREATE VIEW mentions_folded AS SELECT id, {digits} FROM mentions_folded_letters;
    CREATE VIRTUAL TABLE mentions_fts USING fts5 (
        {names}, content = 'mentions', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER mentions_fts_insert AFTER INSERT ON mentions BEGIN {insert} END;
    CREATE TRIGGER mentions_fts_delete BEFORE DELETE ON mentions BEGIN {delete} END;
    CREATE TRIGGER mentions_fts_unindex BEFORE UPDATE OF {names} ON mentions BEGIN {delete} END;
    CREATE TRIGGER mentions_fts_reindex AFTER UPDATE OF {names} ON mentions BEGIN {insert} END;
    INSERT INTO mentions_fts (rowid, {names}) SELECT id, {names} FROM mentions_folded;
    """


# Migrations 6 and 7 each drop the search index whole and build it again with a new fold.
_DROP_SEARCH_INDEX = """
    DROP TRIGGER mentions_fts_insert;
    DROP TRIGGER mentions_fts_delete;
    DROP TRIGGER mentions_fts_unindex;
    DROP TRIGGER mentions_fts_reindex;
    DROP TABLE mentions_fts;
    DROP VIEW mentions_folded;
    DROP VIEW mentions_folded_letters;
    """

MIGRATIONS: list[str] = [
    # 1: the foundation
    """
    CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        source TEXT NOT NULL,
        native_id TEXT NOT NULL,
        kind TEXT NOT NULL DEFAULT '',
        url TEXT NOT NULL DEFAULT '',
        author_handle TEXT NOT NULL DEFAULT '',
        author_name TEXT NOT NULL DEFAULT '',
        author_followers INTEGER,
        text TEXT NOT NULL,
        lang TEXT,
        published_at TEXT NOT NULL,
        fetched_at TEXT NOT NULL,
        rating REAL,
        thread_id TEXT,
        reply_to TEXT,
        engagement TEXT NOT NULL DEFAULT '{}',
        raw TEXT NOT NULL DEFAULT '',
        processed_at TEXT,
        complaint INTEGER,
        verdict TEXT,
        UNIQUE (source, native_id)
    );
    CREATE INDEX mentions_unprocessed ON mentions (id) WHERE processed_at IS NULL;
    CREATE INDEX mentions_published ON mentions (published_at);

    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        mention_id INTEGER NOT NULL UNIQUE REFERENCES mentions (id),
        state TEXT NOT NULL,
        priority TEXT NOT NULL,
        team TEXT NOT NULL,
        due_at TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        assignee TEXT,
        rules TEXT NOT NULL DEFAULT '[]',
        tags TEXT NOT NULL DEFAULT '[]',
        explanation TEXT NOT NULL DEFAULT '[]'
    );
    CREATE INDEX alerts_open_due ON alerts (state, due_at);

    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        alert_id INTEGER NOT NULL REFERENCES alerts (id),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        kind TEXT NOT NULL,
        from_state TEXT,
        to_state TEXT,
        note TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX events_alert ON events (alert_id, id);

    CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        cursor TEXT,
        status TEXT NOT NULL DEFAULT 'new',
        last_poll TEXT,
        next_poll TEXT,
        last_ok TEXT,
        last_error TEXT,
        failures INTEGER NOT NULL DEFAULT 0,
        polls INTEGER NOT NULL DEFAULT 0,
        mentions_total INTEGER NOT NULL DEFAULT 0,
        quota TEXT NOT NULL DEFAULT '{}'
    );

    CREATE TABLE deliveries (
        id INTEGER PRIMARY KEY,
        notifier TEXT NOT NULL,
        alert_id INTEGER NOT NULL REFERENCES alerts (id),
        event_id INTEGER NOT NULL REFERENCES events (id),
        idempotency_key TEXT NOT NULL UNIQUE,
        due_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT
    );
    CREATE INDEX deliveries_pending ON deliveries (notifier, state, due_at);
    """,
    # 2: what the team says a mention is (learning from verdicts), and the model trained on it
    """
    CREATE TABLE team_verdicts (
        mention_id INTEGER PRIMARY KEY REFERENCES mentions (id),
        complaint INTEGER NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE models (
        name TEXT PRIMARY KEY,
        trained_at TEXT NOT NULL,
        examples INTEGER NOT NULL,
        body TEXT NOT NULL
    );
    """,
    # 3: incidents: several complaints by one author or in one thread become one alert with a count
    """
    ALTER TABLE alerts ADD COLUMN mentions_count INTEGER NOT NULL DEFAULT 1;
    ALTER TABLE mentions ADD COLUMN incident_alert_id INTEGER;
    CREATE INDEX mentions_author ON mentions (source, author_handle);
    """,
    # 4: full-text search over every stored mention (external content: the text is kept once, in
    # mentions; the index holds the folded words, filled for existing rows here, by triggers after), and
    # merged duplicates pointing at the alert that absorbed them
    _search_index(FTS_DIGITS_4) + """
    ALTER TABLE alerts ADD COLUMN merged_into INTEGER REFERENCES alerts (id);
    """,
    # 5: noise control and watching:
    # silences, notices (complaint storms, silent sources), why an alert paged nobody, each source's
    # silence clocks, and deliveries that may announce a notice instead of an alert event and carry
    # their priority (quiet hours let some through). SQLite cannot relax NOT NULL in place, so the
    # deliveries table is rebuilt and its rows copied.
    """
    CREATE TABLE silences (
        id INTEGER PRIMARY KEY,
        rule TEXT,
        source TEXT,
        term TEXT,
        team TEXT,
        starts_at TEXT NOT NULL,
        ends_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        reason TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expired_at TEXT,
        expired_by TEXT,
        CHECK (rule IS NOT NULL OR source IS NOT NULL OR term IS NOT NULL OR team IS NOT NULL)
    );
    CREATE INDEX silences_ends ON silences (ends_at);

    CREATE TABLE notices (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        subject TEXT NOT NULL,
        state TEXT NOT NULL,
        priority TEXT NOT NULL,
        opened_at TEXT NOT NULL,
        closed_at TEXT,
        body TEXT NOT NULL DEFAULT '{}',
        closing TEXT NOT NULL DEFAULT '{}'
    );
    CREATE UNIQUE INDEX notices_one_open ON notices (kind, subject) WHERE state = 'open';

    ALTER TABLE alerts ADD COLUMN muted TEXT;
    CREATE INDEX alerts_created ON alerts (created_at);

    ALTER TABLE sources ADD COLUMN added_at TEXT;
    ALTER TABLE sources ADD COLUMN last_new TEXT;
    ALTER TABLE sources ADD COLUMN failing_since TEXT;
    ALTER TABLE sources ADD COLUMN silence TEXT;
    UPDATE sources SET last_new = (SELECT MAX(m.fetched_at) FROM mentions m WHERE m.source = sources.name),
                       added_at = COALESCE(last_ok, last_poll);

    CREATE TABLE deliveries_rebuilt (
        id INTEGER PRIMARY KEY,
        notifier TEXT NOT NULL,
        alert_id INTEGER REFERENCES alerts (id),
        event_id INTEGER REFERENCES events (id),
        notice_id INTEGER REFERENCES notices (id),
        notice_phase TEXT,
        priority TEXT NOT NULL DEFAULT 'normal',
        idempotency_key TEXT NOT NULL UNIQUE,
        due_at TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'pending',
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT,
        created_at TEXT NOT NULL,
        sent_at TEXT,
        CHECK ((alert_id IS NOT NULL AND event_id IS NOT NULL) OR (notice_id IS NOT NULL AND notice_phase IS NOT NULL))
    );
    INSERT INTO deliveries_rebuilt (id, notifier, alert_id, event_id, priority, idempotency_key, due_at, state,
                                    attempts, next_attempt_at, last_error, created_at, sent_at)
        SELECT d.id, d.notifier, d.alert_id, d.event_id,
               COALESCE((SELECT a.priority FROM alerts a WHERE a.id = d.alert_id), 'normal'),
               d.idempotency_key, d.due_at, d.state, d.attempts, d.next_attempt_at, d.last_error, d.created_at,
               d.sent_at
        FROM deliveries d;
    DROP TABLE deliveries;
    ALTER TABLE deliveries_rebuilt RENAME TO deliveries;
    CREATE INDEX deliveries_pending ON deliveries (notifier, state, due_at);
    """,
    # 6: the search index rebuilt with ZWNJ folded away (see FTS_DIGITS)
    _DROP_SEARCH_INDEX + _search_index(FTS_DIGITS),
    # 7: the search index rebuilt with می / نمی joined to the verb typed after a space
    _DROP_SEARCH_INDEX + _search_index(FTS_DIGITS, join_prefixes=True),
]
