"""The README's worked settings.yaml (a team with business hours, with every noise control) is valid,
and the errors the README quotes for it are the ones the loader gives."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]
MARKER = "    # settings.yaml for a team with business hours"
ENV = {"GOOGLE_ALERTS_FEED": "https://www.google.com/alerts/feeds/1/2", "TELEGRAM_BOT_TOKEN": "1:x",
       "SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T/B/X", "SMTP_PASSWORD": "secret"}


def example() -> str:
    lines = ROOT.joinpath("README.md").read_text(encoding="utf-8").splitlines()
    start = lines.index(MARKER)
    block = []
    for line in lines[start:]:
        if line and not line.startswith("    "):
            break
        block.append(line[4:])
    return "\n".join(block).rstrip() + "\n"


@pytest.fixture
def settings_file(tmp_path):
    (tmp_path / "rules").symlink_to(ROOT / "rules")
    return tmp_path / "settings.yaml"


def test_the_worked_example_is_a_valid_configuration(settings_file):
    settings_file.write_text(example(), encoding="utf-8")
    config = load_settings(settings_file, environ=ENV)
    s = config.settings
    assert [c.common.quiet_hours is not None for c in config.notifiers] == [True, True]
    assert [(c.common.silence_after.nothing_new, c.common.silence_after.failing) for c in config.sources] == [
        (12 * 3600, 1800), (2 * 86400, 1800), (None, None)]
    assert len(s.silences) == 2 and s.storm.priority == "urgent" and s.realert.max == 3
    assert next(r for r in config.ruleset.rules if r.name == "outage").realert.key == "rule"


def test_the_errors_the_readme_quotes_are_the_real_ones(settings_file):
    readme = ROOT.joinpath("README.md").read_text(encoding="utf-8")
    quoted = re.findall(r"`(settings\.yaml:\d+: [^`]+|storm\.notify\[0\]: [^`]+)`", readme)
    assert len(quoted) == 3, quoted
    broken = (example().replace("tz: Asia/Tehran, except", "tz: Asia/Tehrn, except")
              .replace('{term: "promo code"', '{rule: promo, term: "promo code"')
              .replace("notify: [team_chat, lead_email]", "notify: [pager]"))
    settings_file.write_text(broken, encoding="utf-8")
    found = []
    for attempt in range(2):   # name checks run once the shapes are valid: fix the zone, look again
        with pytest.raises(ConfigError) as info:
            load_settings(settings_file, environ=ENV)
        found += [str(i).replace(f"{settings_file.parent}/", "") for i in info.value.issues]
        settings_file.write_text(broken.replace("Asia/Tehrn", "Asia/Tehran"), encoding="utf-8")
    for quote in quoted:
        assert any(f.endswith(quote) for f in found), (quote, found)
