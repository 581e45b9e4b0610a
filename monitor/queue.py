"""The team queue: open alerts ordered by deadline, and the moves people make on them.

States: open -> claimed -> responded -> resolved; or dismissed (not a complaint) from open or
claimed. Every move is an event row with who and when; nothing is ever deleted.
"""
from __future__ import annotations

from typing import Any

from monitor.store import Store
from monitor.store.rows import alert_public

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "claimed": ("open",),
    "responded": ("open", "claimed"),
    "resolved": ("open", "claimed", "responded"),
    "dismissed": ("open", "claimed", "responded"),
}
ACTIONS = {"claim": "claimed", "respond": "responded", "resolve": "resolved", "dismiss": "dismissed"}
ACTIVE_STATES = ("open", "claimed", "responded")


def list_alerts(store: Store, *, states: tuple[str, ...] | None = ACTIVE_STATES,
                limit: int = 500) -> list[dict[str, Any]]:
    """Alerts ordered by deadline, the most urgent first, each with its mention's essentials."""
    where = f"WHERE a.state IN ({', '.join('?' * len(states))})" if states else ""
    rows = store.rows(
        f"""SELECT a.*, m.source AS m_source, m.text AS m_text, m.url AS m_url, m.author_handle AS m_author,
                   m.published_at AS m_published_at
            FROM alerts a JOIN mentions m ON m.id = a.mention_id {where}
            ORDER BY a.due_at, a.id LIMIT ?""", (*(states or ()), limit))
    out = []
    for r in rows:
        item = alert_public(r)
        item["mention"] = {"source": r["m_source"], "text": r["m_text"], "url": r["m_url"],
                           "author": r["m_author"], "published_at": r["m_published_at"]}
        out.append(item)
    return out


def act(store: Store, alert_id: int, action: str, actor: str, now, *, note: str = "",
        notifiers: list[str] = ()) -> dict[str, Any]:
    """Apply claim/respond/resolve/dismiss; raises KeyError (no alert) or ValueError (not allowed now)."""
    to_state = ACTIONS[action]
    row = store.transition(alert_id, to_state, actor, now, allowed_from=TRANSITIONS[to_state],
                           note=note, notifiers=list(notifiers))
    return alert_public(row)
