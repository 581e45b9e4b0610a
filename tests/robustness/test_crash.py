"""Kill the real daemon with SIGKILL at random moments, restart it, and check that nothing was lost
or doubled: every published mention stored once, one alert per complaint, every delivery received."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.robustness.world import World, settings_for

ROOT = Path(__file__).resolve().parents[2]
RUN = [sys.executable, str(ROOT / "run.py")]
KILLS = 20


def start(config: Path) -> subprocess.Popen:
    return subprocess.Popen(RUN + ["--config", str(config)], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "MONITOR_LOG_LEVEL": "WARNING"})


def query(db: Path, sql: str) -> list[tuple]:
    import sqlite3
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_sigkill_at_random_moments_loses_and_doubles_nothing(tmp_path):
    rng = random.Random(7)
    db = tmp_path / "crash.db"
    config = tmp_path / "settings.yaml"
    with World(items=40, every=0.4) as world:
        config.write_text(settings_for(world, str(db)))
        for _ in range(KILLS):
            proc = start(config)
            time.sleep(rng.uniform(0.4, 1.6))   # dies during start-up, polls, writes or deliveries
            proc.send_signal(signal.SIGKILL)
            proc.wait(5)
        polls_before = query(db, "SELECT polls FROM sources")[0][0]
        proc = start(config)
        deadline = time.monotonic() + 60
        complaints = [n for n in range(world.items) if world.is_complaint(n)]
        while time.monotonic() < deadline:
            time.sleep(0.5)
            polled = query(db, "SELECT polls FROM sources")[0][0] > polls_before + 1
            if polled and world.published() == world.items and len(world.received) >= len(complaints):
                break
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
        assert proc.returncode == 0, err[-2000:]

        stored = query(db, "SELECT native_id, COUNT(*) FROM mentions GROUP BY native_id")
        assert sorted(n for n, _ in stored) == sorted(f"item-{n}" for n in range(world.items))
        assert all(count == 1 for _, count in stored)
        alerted = query(db, "SELECT m.native_id, COUNT(a.id) FROM alerts a JOIN mentions m ON m.id = a.mention_id "
                            "GROUP BY m.native_id")
        assert sorted(n for n, _ in alerted) == sorted(f"item-{n}" for n in complaints)
        assert all(count == 1 for _, count in alerted)
        keys = {k for (k,) in query(db, "SELECT idempotency_key FROM deliveries")}
        assert set(world.received) == keys, "every delivery arrived, none unknown"
        doubles = sum(c - 1 for c in world.received.values())
        print(json.dumps({"kills": KILLS, "mentions": len(stored), "alerts": len(alerted),
                          "deliveries": len(keys), "redelivered_same_key": doubles}))
