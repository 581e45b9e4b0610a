"""The daemon wires noise control from settings.yaml: a silence in the file keeps its complaint on
the queue and off the receiver; every other complaint is delivered. Real feed, receiver, SQLite."""
from __future__ import annotations

import time

from monitor.config import load_settings
from monitor.daemon import Daemon
from monitor.store import Store
from tests.robustness.world import World, settings_for


async def test_a_silence_from_settings_holds_one_complaint_and_lets_the_rest_through(tmp_path):
    db = tmp_path / "noise.db"
    config = tmp_path / "settings.yaml"
    with World(items=8, every=0.001) as world:
        time.sleep(0.05)
        config.write_text(settings_for(world, str(db)) + """
silences:
  - {term: "order 4", until: 2099-01-01T00:00:00Z, by: sara, reason: order 4 is handled by phone}
""")
        assert await Daemon(load_settings(config), once=True).run() == 0
        received = dict(world.received)
    store = Store(db)
    alerts = store.rows("SELECT a.id, a.muted, m.text FROM alerts a JOIN mentions m ON m.id = a.mention_id ORDER BY a.id")
    assert len(alerts) == 4, "complaints 0, 2, 4, 6 are all on the queue"
    [held] = [a for a in alerts if "order 4 " in a["text"]]
    assert held["muted"].startswith("silence settings silences[0] by sara")
    assert sorted(received) == sorted(f"receiver:{a['id']}:{e}" for a in alerts if a is not held
                                      for e in [store.events(a["id"])[0]["id"]])
    assert all(count == 1 for count in received.values())
