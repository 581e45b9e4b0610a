"""Realert limits: beyond N alerts per period for one author, thread, source or rule, an alert is
still queued but pages nobody, and a `muted` event says why. Real SQLite, injected time."""
from __future__ import annotations

import pytest

from monitor.clock import FakeClock
from monitor.noise.gate import NoiseGate
from monitor.noise.realert import RealertLimit
from monitor.queue import act
from monitor.sla.ticker import SlaTicker
from rules.engine import compile_rules
from tests.noise.queue import T0, complain, muted_note, new_store, paged


def test_one_author_pages_the_team_three_times_an_hour_however_often_they_complain(tmp_path):
    clock = FakeClock(T0)
    store = new_store(tmp_path, NoiseGate())   # the default: 3 per hour per author, over all rules
    alerts = []
    for i in range(6):   # six sites, six different posts: no incident grouping can fold them together
        alerts.append(complain(store, clock, f"complaint number {i}", source=f"site{i}", author="angry_al"))
        clock.advance(300)
    assert all(alerts) and store.rows("SELECT COUNT(*) n FROM alerts")[0]["n"] == 6, "nothing is lost"
    assert paged(store) == alerts[:3]
    for alert_id in alerts[3:]:
        note = muted_note(store, alert_id)
        assert note.startswith("realert: 3 alerts already paged for author 'angry_al'"), note
        assert "max 3 per 1h by author" in note
        assert store.alert(alert_id)["muted"] == note
    clock.advance(3600)
    again = complain(store, clock, "and another thing", source="site9", author="angry_al")
    assert again in paged(store), "an hour later the author may page the team again"


def test_alerts_without_an_author_are_not_limited_by_author(tmp_path):
    clock = FakeClock(T0)
    store = new_store(tmp_path, NoiseGate())
    alerts = [complain(store, clock, f"feed item {i}", source=f"s{i}") for i in range(5)]
    assert paged(store) == alerts


@pytest.mark.parametrize("key,shared", [
    ("author", {"author": "sara"}),
    ("thread", {"thread": "t-42", "source": "forum"}),
    ("source", {"source": "appstore"}),
    ("rule", {}),
], ids=["author", "thread", "source", "rule"])
def test_a_rules_own_limit_counts_per_key_and_only_for_that_rule(tmp_path, key, shared):
    ruleset, errors = compile_rules([{"name": "outage", "when": {"terms": ["down"]}, "then": {"complaint": True},
                                      "realert": {"max": 1, "per": "30m", "key": key}}])
    assert not errors
    clock = FakeClock(T0)
    store = new_store(tmp_path, NoiseGate(None, {"outage": ruleset.rules[0].realert}))
    distinct = iter(range(100))

    def alert(rules=("outage",), **fields):
        base = {"source": f"src{next(distinct)}", "author": f"user{next(distinct)}"}
        alert_id = complain(store, clock, f"site is down {next(distinct)}", rules=rules, **{**base, **fields})
        # Resolved at once, so the next post in the same thread is an alert of its own, not an incident.
        act(store, alert_id, "resolve", "sara", clock.now())
        return alert_id

    first = alert(**shared)
    second = alert(**shared)
    other_rule = alert(rules=("late-delivery",), **shared)
    assert first in paged(store) and other_rule in paged(store)
    assert second not in paged(store), f"the second alert sharing the {key} is held"
    assert f"for {key} " in muted_note(store, second) and "max 1 per 30m" in muted_note(store, second)
    if key != "rule":
        assert alert() in paged(store), f"an alert with another {key} pages as usual"
    clock.advance(31 * 60)
    assert alert(**shared) in paged(store), "the window has passed"


def test_a_held_alert_stays_quiet_through_warning_breach_and_escalation(tmp_path):
    from monitor.sla.ticker import Level
    clock = FakeClock(T0)
    store = new_store(tmp_path, NoiseGate(RealertLimit(1, 3600, "author")))
    loud = complain(store, clock, "first", source="a", author="al")
    held = complain(store, clock, "second", source="b", author="al")
    ticker = SlaTicker(store, clock, warn_before=900, notifiers=["chat"], ladder=[Level(0, ["lead"])])
    clock.advance(3600)
    assert {kind for _, kind in ticker.tick()} == {"breached", "escalated-1"}
    kinds = [r["kind"] for r in store.rows(
        "SELECT e.kind FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.alert_id = ?", (held,))]
    assert kinds == [], "a held alert pages nobody, whatever happens to it"
    assert len(store.rows("SELECT 1 FROM deliveries WHERE alert_id = ?", (loud,))) == 3
    breach = store.rows("SELECT note FROM events WHERE alert_id = ? AND kind = 'breached'", (held,))[0]["note"]
    assert breach.startswith("(notified nobody: realert:")


@pytest.mark.parametrize("spec,path,line,message", [
    ("{max: 0}", "realert.max", 5, "at least 1"),
    ("{max: 3, per: soon}", "realert.per", 5, "not a duration"),
    ("\n      max: 3\n      key: colour", "realert.key", 7, "author, thread, source, rule"),
    ("{max: 3, every: 1h}", "realert.every", 5, "unknown key"),
    ("3 per hour", "realert", 5, "expects {max: 3, per: 1h, key: author}"),
], ids=["max", "per", "key", "unknown", "not-a-mapping"])
def test_a_bad_realert_in_a_rule_names_its_file_line_and_path(tmp_path, spec, path, line, message):
    from monitor.config import ConfigError, load_settings
    config = tmp_path / "settings.yaml"
    config.write_text(f"""\
rules:
  - name: noisy
    when: {{terms: [down]}}
    then: {{complaint: true}}
    realert: {spec}
""")
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    [issue] = info.value.issues
    assert (issue.path, issue.line) == (f"rules[0].{path}", line) and message in issue.message
    assert str(issue).startswith(f"{config}:{line}: rules[0].{path}: ")


def test_the_default_limit_is_configurable_and_can_be_switched_off(tmp_path):
    from monitor.config import ConfigError, load_settings
    config = tmp_path / "settings.yaml"
    config.write_text("realert: {max: 10, per: 2h, key: thread}\n")
    assert load_settings(config).settings.realert.limit() == RealertLimit(10, 7200, "thread")
    config.write_text("realert: null\n")
    assert load_settings(config).settings.realert is None
    config.write_text("storm: {}\nrealert:\n  max: 2\n  key: everyone\n")
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    assert [str(i) for i in info.value.issues] == [f"{config}:4: realert.key: Input should be 'author', 'thread', "
                                                   "'source' or 'rule'"]
