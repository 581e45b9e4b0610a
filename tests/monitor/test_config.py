"""Configuration is validated whole before anything runs; every error names its place and line."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from monitor.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def issues_of(path: Path, **kw) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_settings(path, **kw)
    return [str(i) for i in info.value.issues]


def test_the_shipped_settings_work_as_they_are():
    config = load_settings(ROOT / "settings.yaml")
    assert config.ruleset.rules, "the default rule pack is loaded"
    assert [n.common.kind for n in config.notifiers] == ["console"]


def test_every_error_is_listed_at_once_with_path_and_line(tmp_path):
    path = write(tmp_path, """\
store:
  path: x.db
  colour: blue
sla:
  respond_within: soon
sources:
  - name: feed
    kind: rss
  - name: other
    kind: carrier-pigeon
rules:
  - name: bad-regex
    when: {terms: ["re:(unclosed"]}
    then: {complaint: true}
""")
    found = issues_of(path)
    assert any("store.colour: unknown key" in i and ":3:" in i for i in found), found
    assert any("sla.respond_within" in i and ":5:" in i and "not a duration" in i for i in found), found
    assert any("sources[0].url" in i and "required" in i for i in found), found
    assert any("sources[1].kind" in i and "carrier-pigeon" in i and ":10:" in i for i in found), found


def test_rule_errors_name_the_rule_place_and_line(tmp_path):
    path = write(tmp_path, """\
rules:
  - name: ok
    when: {sentiment: {max: -0.5}}
    then: {complaint: true}
  - name: bad-regex
    when:
      terms: ["fine", "re:(unclosed"]
    then: {complaint: true, priority: whenever}
""")
    found = issues_of(path)
    assert any("rules[1].when.terms.any[1]" in i and "bad regular expression" in i and ":7:" in i for i in found), found


def test_malformed_yaml_names_the_line(tmp_path):
    path = write(tmp_path, "store:\n  path: [unclosed\nweb: {}\n")
    found = issues_of(path)
    assert len(found) == 1 and "invalid YAML" in found[0] and ":3" in found[0]


def test_missing_environment_variable_is_an_error_and_secrets_never_leak(tmp_path):
    path = write(tmp_path, """\
notifiers:
  - name: hook
    kind: webhook
    url: {env: HOOK_URL}
    secret: {env: HOOK_SECRET}
    timeout: -1
""")
    found = issues_of(path, environ={"HOOK_SECRET": "s3cr3t-value"})
    assert any("notifiers[0].url" in i and "HOOK_URL is not set" in i for i in found), found
    assert not any("s3cr3t-value" in i for i in found)


def test_secrets_resolve_from_the_environment_and_stay_hidden(tmp_path):
    path = write(tmp_path, """\
notifiers:
  - name: hook
    kind: webhook
    url: {env: HOOK_URL}
    secret: {env: HOOK_SECRET}
""")
    config = load_settings(path, environ={"HOOK_URL": "http://127.0.0.1:9/x", "HOOK_SECRET": "s3cr3t-value"})
    options = config.notifiers[0].options
    assert options.url == "http://127.0.0.1:9/x"
    assert options.secret.get_secret_value() == "s3cr3t-value"
    assert "s3cr3t-value" not in repr(options)


def test_rule_examples_that_fail_stop_the_start(tmp_path):
    path = write(tmp_path, """\
rules:
  - name: refunds
    when: {terms: ["refund"]}
    then: {complaint: true}
    examples:
      match: ["I want my money back"]
""")
    found = issues_of(path)
    assert any("refunds" in i and "should fire but did not" in i for i in found), found


def test_check_command_exits_2_and_lists_errors(tmp_path):
    path = write(tmp_path, "sources:\n  - name: a\n    kind: rss\n    interval: often\n")
    proc = subprocess.run([sys.executable, str(ROOT / "run.py"), "check", "--config", str(path)],
                          capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 2
    assert "sources[0].interval" in proc.stderr and "sources[0].url" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_check_command_accepts_the_shipped_settings():
    proc = subprocess.run([sys.executable, "run.py", "check"], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert "valid" in proc.stdout


def test_sla_calendar_and_escalation_are_checked(tmp_path):
    path = write(tmp_path, """\
sla:
  escalation:
    - {after: 30m, notify: [pager]}
teams:
  - name: support
    timezone: Asia/Tehran
    hours: "8 to 4"
notifiers:
  - {name: console, kind: console}
""")
    found = issues_of(path)
    assert any("sla.escalation[0].notify[0]" in i and "no notifier named 'pager'" in i and ":3:" in i for i in found), found
    assert any("teams[0]" in i and "hours must look like" in i for i in found), found
