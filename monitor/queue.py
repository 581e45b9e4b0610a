"""The team queue: open alerts ordered by deadline, and the moves people make on them.

States: open -> claimed -> responded -> resolved; or dismissed (not a complaint) from open, claimed or
responded; or merged (a duplicate of another alert, which takes over its mentions count) from the
same three. Every move is an event row with who and when; nothing is ever deleted.
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
    "merged": ("open", "claimed", "responded"),
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
    if action in TEAM_VERDICT and not actor.startswith("auto:"):
        store.team_verdict(row["mention_id"], TEAM_VERDICT[action], actor, now)
    return alert_public(row)


# What a person's move says about the mention, for learning: answering it means it was a complaint.
TEAM_VERDICT = {"dismiss": False, "respond": True, "resolve": True}


def mark_missed(store: Store, mention_id: int, actor: str, now) -> None:
    """A mention the monitor did not flag that the team says was a complaint."""
    if not store.rows("SELECT 1 FROM mentions WHERE id = ?", (mention_id,)):
        raise KeyError(f"no mention {mention_id}")
    store.team_verdict(mention_id, True, actor, now)


def merge(store: Store, alert_id: int, into: int, actor: str, now, *, note: str = "",
          notifiers: list[str] = ()) -> dict[str, Any]:
    """Merge a duplicate into the alert that stays; raises KeyError (no such alert) or ValueError
    (the duplicate is closed already, or the target is itself merged or dismissed)."""
    row = store.merge(alert_id, into, actor, now, allowed_from=TRANSITIONS["merged"], note=note,
                      notifiers=list(notifiers))
    return alert_public(row)
