"""Converting records to rows and back: the one place that knows both shapes."""
from __future__ import annotations

import json
import re
from typing import Any

from monitor.clock import iso, parse_iso
from monitor.models import Author, Mention, Verdict


_SURROGATE = re.compile("[\ud800-\udfff]")


def storable(text: str | None) -> str | None:
    """Lone surrogates (a JSON source can send "\\ud800") cannot be stored as UTF-8: they become U+FFFD."""
    return _SURROGATE.sub("\ufffd", text) if text else text


def mention_to_row(m: Mention, fetched_at) -> dict[str, Any]:
    row = {
        "source": m.source, "native_id": m.native_id, "kind": m.kind, "url": m.url,
        "author_handle": m.author.handle, "author_name": m.author.name,
        "author_followers": m.author.followers, "text": m.text, "lang": m.lang,
        "published_at": iso(m.published_at), "fetched_at": iso(m.fetched_at or fetched_at),
        "rating": m.rating, "thread_id": m.thread_id, "reply_to": m.reply_to,
        "engagement": json.dumps(m.engagement), "raw": m.raw,
    }
    return {k: storable(v) if isinstance(v, str) else v for k, v in row.items()}


def row_to_mention(r: dict[str, Any]) -> Mention:
    return Mention(
        id=r["id"], source=r["source"], native_id=r["native_id"], kind=r["kind"], url=r["url"],
        author=Author(r["author_handle"], r["author_name"], r["author_followers"]),
        text=r["text"], lang=r["lang"], published_at=parse_iso(r["published_at"]),
        fetched_at=parse_iso(r["fetched_at"]), rating=r["rating"], thread_id=r["thread_id"],
        reply_to=r["reply_to"], engagement=json.loads(r["engagement"] or "{}"), raw=r["raw"],
    )


def verdict_to_json(v: Verdict) -> str:
    return json.dumps({
        "complaint": v.complaint, "priority": v.priority, "respond_within": v.respond_within,
        "team": v.team, "tags": v.tags, "suppressed": v.suppressed, "rules": v.rules,
        "explanation": v.explanation, "lang": v.lang, "sentiment": v.sentiment,
        "complaint_score": v.complaint_score,
    }, ensure_ascii=False)


def mention_public(r: dict[str, Any]) -> dict[str, Any]:
    """The shape `mentions list --json` and the API print."""
    verdict = json.loads(r["verdict"]) if r.get("verdict") else None
    return {
        "id": r["id"], "source": r["source"], "native_id": r["native_id"], "kind": r["kind"],
        "url": r["url"],
        "author": {"handle": r["author_handle"], "name": r["author_name"], "followers": r["author_followers"]},
        "text": r["text"], "lang": (verdict or {}).get("lang") or r["lang"],
        "published_at": r["published_at"], "fetched_at": r["fetched_at"], "rating": r["rating"],
        "thread_id": r["thread_id"], "reply_to": r["reply_to"],
        "engagement": json.loads(r["engagement"] or "{}"),
        "complaint": None if r["complaint"] is None else bool(r["complaint"]),
        "verdict": verdict,
    }


def alert_public(r: dict[str, Any]) -> dict[str, Any]:
    """The shape `queue list --json` and the API print."""
    return {
        "id": r["id"], "mention_id": r["mention_id"], "state": r["state"], "priority": r["priority"],
        "team": r["team"], "due_at": r["due_at"], "created_at": r["created_at"],
        "updated_at": r["updated_at"], "assignee": r["assignee"], "mentions_count": r.get("mentions_count", 1),
        "merged_into": r.get("merged_into"),
        "rules": json.loads(r["rules"]), "tags": json.loads(r["tags"]),
        "explanation": json.loads(r["explanation"]),
    }
