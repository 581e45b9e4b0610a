"""SIGHUP reloads the configuration; an invalid one is reported and the running one stays."""
from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.robustness.world import World, settings_for

ROOT = Path(__file__).resolve().parents[2]


def wait_for(proc: subprocess.Popen, needle: str, lines: list[str], timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        lines.append(line)
        if needle in line:
            return True
    return False


def test_sighup_rejects_a_broken_config_then_applies_a_good_one(tmp_path):
    config = tmp_path / "settings.yaml"
    with World(items=5, every=0.2) as world:
        good = settings_for(world, str(tmp_path / "r.db"))
        config.write_text(good)
        proc = subprocess.Popen([sys.executable, str(ROOT / "run.py"), "--config", str(config)], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        lines: list[str] = []
        try:
            assert wait_for(proc, "daemon.started", lines)
            config.write_text(good + "\nsla: {respond_within: whenever}\n")
            proc.send_signal(signal.SIGHUP)
            assert wait_for(proc, "config.reload_rejected", lines), "".join(lines)
            assert wait_for(proc, "sla.respond_within", lines)
            assert proc.poll() is None, "the daemon keeps running on the old configuration"
            config.write_text(good.replace("interval: 1", "interval: 2"))
            proc.send_signal(signal.SIGHUP)
            assert wait_for(proc, "config.reloaded sources=1 notifiers=1", lines), "".join(lines)
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=10)
        assert proc.returncode == 0
