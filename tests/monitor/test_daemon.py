"""The real daemon as a subprocess: the demo puts alerts on the queue, signals stop it cleanly."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
RUN = [sys.executable, str(ROOT / "run.py")]


def queue(db: Path) -> list[dict]:
    out = subprocess.run(RUN + ["queue", "list", "--json", "--db", str(db)], capture_output=True, text=True,
                         cwd=ROOT, check=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def start(db: Path, *extra: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(RUN + ["--demo", "--db", str(db), "--port", "0", *extra], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_demo_puts_complaints_on_the_queue_and_stops_within_5_seconds(tmp_path, sig):
    db = tmp_path / "demo.db"
    proc = start(db)
    try:
        deadline = time.monotonic() + 60
        alerts = []
        while time.monotonic() < deadline and len(alerts) < 3:
            time.sleep(0.5)
            alerts = queue(db) if db.exists() else []
        assert len(alerts) >= 3, "the demo's opening complaints reach the queue within a minute"
        assert all(set(a) >= {"id", "mention_id", "state", "priority", "team", "due_at", "rules"} for a in alerts)
        assert all(a["rules"] for a in alerts)
    finally:
        stopped_at = time.monotonic()
        proc.send_signal(sig)
        out, err = proc.communicate(timeout=10)
    assert time.monotonic() - stopped_at < 5
    assert proc.returncode == 0, err[-2000:]
    assert "queue list" in out and "Dashboard: http://127.0.0.1:" in out, "the terminal says where to look"
    assert "daemon.stopped" in err


def test_once_polls_processes_and_exits(tmp_path):
    db = tmp_path / "once.db"
    proc = subprocess.run(RUN + ["--demo", "--once", "--db", str(db)], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr[-2000:]
    mentions = subprocess.run(RUN + ["mentions", "list", "--json", "--db", str(db)], cwd=ROOT,
                              capture_output=True, text=True, check=True).stdout.splitlines()
    rows = [json.loads(m) for m in mentions]
    assert len(rows) >= 5
    assert {r["lang"] for r in rows} >= {"en", "fa", "ar"}
    assert {r["source"] for r in rows} == {"demo-google-alerts", "demo-telegram"}, "two real wire formats"
    for r in rows:
        assert set(r) >= {"id", "source", "native_id", "url", "author", "text", "lang", "published_at", "rating"}
        assert r["published_at"].endswith("Z") and r["rating"] is None
    alerts = queue(db)
    assert alerts, "complaints from the first poll are on the queue"
    again = subprocess.run(RUN + ["--demo", "--once", "--db", str(db)], cwd=ROOT, capture_output=True, text=True,
                           timeout=60)
    assert again.returncode == 0
    assert len(queue(db)) == len(alerts), "a second run alerts nothing twice"
    count = subprocess.run(RUN + ["mentions", "list", "--json", "--db", str(db)], cwd=ROOT, capture_output=True,
                           text=True, check=True).stdout.count("\n")
    assert count == len(rows), "a second run stores nothing twice"

