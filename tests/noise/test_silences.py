"""Silences: by rule, source, term and/or team, for a while, with who and why. A silenced alert is
on the queue and pages nobody; an expired silence stops applying. Real SQLite, injected time."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from monitor.clock import FakeClock
from monitor.config import ConfigError, load_settings
from monitor.noise.gate import NoiseGate
from monitor.noise.silences import Silence, SilenceBook
from monitor.sla.ticker import SlaTicker
from monitor.store.silences import add_silence, expire_silence
from tests.noise.queue import T0, complain, muted_note, new_store, paged

ROOT = Path(__file__).resolve().parents[2]


def silence(store, clock, minutes=60, **what) -> int:
    return add_silence(store, starts_at=clock.now(), ends_at=clock.now() + timedelta(minutes=minutes), by="sara",
                       reason="known outage, status page is up", now=clock.now(), **what)


def test_a_silenced_alert_is_on_the_queue_and_pages_nobody_and_says_who_and_why(tmp_path):
    clock = FakeClock(T0)
    store = new_store(tmp_path, NoiseGate(silences=SilenceBook()))
    sid = silence(store, clock, term="outage")
    quiet = complain(store, clock, "Is this OUTAGE ever going to end?", author="a")
    loud = complain(store, clock, "my parcel never arrived", author="b")
    assert quiet and store.alert(quiet)["state"] == "open", "nothing is lost"
    assert paged(store) == [loud]
    note = muted_note(store, quiet)
    assert note.startswith(f"silence #{sid} by sara until 2026-03-01T13:00:00Z: known outage")


# Each case: what the silence names, the alert, and whether it is silenced.
CASES = {
    "term, Persian against Arabic-keyboard spelling": ({"term": "تاخیر"}, {"text": "تأخير كبير في الطلب"}, True),
    "term on word boundaries only": ({"term": "down"}, {"text": "the download failed"}, False),
    "term with a stem": ({"term": "refund*"}, {"text": "Refunds never came"}, True),
    "term phrase across odd spacing": ({"term": "never arrived"}, {"text": "it NEVER\u200c  arrived"}, True),
    "rule": ({"rule": "late-delivery"}, {"rules": ("spam-ish", "late-delivery")}, True),
    "source": ({"source": "appstore"}, {"source": "playstore"}, False),
    "team": ({"team": "billing"}, {"team": "billing"}, True),
    "every field must hold": ({"rule": "late-delivery", "source": "appstore"},
                              {"rules": ("late-delivery",), "source": "playstore"}, False),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_what_a_silence_covers(tmp_path, case):
    what, alert, silenced = CASES[case]
    clock = FakeClock(T0)
    store = new_store(tmp_path, NoiseGate(silences=SilenceBook()))
    silence(store, clock, **what)
    alert_id = complain(store, clock, **{"text": "my parcel is late", **alert})
    assert (alert_id not in paged(store)) is silenced


def test_an_expired_silence_stops_applying_and_a_later_breach_pages(tmp_path):
    clock = FakeClock(T0)
    store = new_store(tmp_path, NoiseGate(silences=SilenceBook()))
    sid = silence(store, clock, minutes=120, source="appstore")
    during = complain(store, clock, "app crashes on login", source="appstore", author="a")
    clock.advance(600)
    expire_silence(store, sid, "omid", clock.now())
    after = complain(store, clock, "app still crashes", source="appstore", author="b")
    assert paged(store) == [after]
    clock.advance(3600)
    SlaTicker(store, clock, warn_before=900, notifiers=["chat"], ladder=[]).tick()
    breached = store.rows("""SELECT d.alert_id FROM deliveries d JOIN events e ON e.id = d.event_id
                             WHERE e.kind = 'breached' ORDER BY d.alert_id""")
    assert [r["alert_id"] for r in breached] == [during, after], "the silence is over: the breach pages"
    with pytest.raises(ValueError, match="already over"):
        expire_silence(store, sid, "omid", clock.now())


def test_a_silence_ends_by_itself_and_a_breach_during_it_pages_nobody(tmp_path):
    clock = FakeClock(T0)
    store = new_store(tmp_path, NoiseGate(silences=SilenceBook()))
    silence(store, clock, minutes=90, team="support")
    alert_id = complain(store, clock, "still waiting")
    clock.advance(3600)
    SlaTicker(store, clock, warn_before=900, notifiers=["chat"], ladder=[]).tick()
    assert not store.rows("SELECT 1 FROM deliveries WHERE alert_id = ?", (alert_id,))
    note = store.rows("SELECT note FROM events WHERE kind = 'breached'")[0]["note"]
    assert note.startswith("(notified nobody: silence #1 by sara")
    clock.advance(31 * 60)
    assert complain(store, clock, "hello? anyone?", author="z") in paged(store)


def test_silences_from_settings_apply_until_their_end(tmp_path):
    config = tmp_path / "settings.yaml"
    config.write_text("""\
teams: [{name: support}, {name: billing}]
silences:
  - {term: "re:promo\\\\s*code", until: 2026-03-01T13:00:00Z, by: sara, reason: promo week noise}
  - {team: billing, from: 2026-03-01T14:00:00Z, until: 2026-03-01T15:00:00Z, by: omid, reason: migration}
""")
    settings = load_settings(config).settings
    book = SilenceBook([s.silence(i) for i, s in enumerate(settings.silences)])
    clock = FakeClock(T0)
    store = new_store(tmp_path, NoiseGate(silences=book))
    promo = complain(store, clock, "your PROMO code does not work", author="a")
    billing_before = complain(store, clock, "charged twice", team="billing", author="b")
    clock.advance(2 * 3600 + 60)
    billing_during = complain(store, clock, "charged twice again", team="billing", author="c")
    promo_after = complain(store, clock, "promo code still broken", author="d")
    assert paged(store) == [billing_before, promo_after]
    assert muted_note(store, promo).startswith("silence settings silences[0] by sara")
    assert muted_note(store, billing_during).startswith("silence settings silences[1] by omid")


def issues(config: Path, text: str) -> list[str]:
    config.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    return [str(i) for i in info.value.issues]


def test_bad_silences_in_settings_are_errors_with_file_line_and_path(tmp_path):
    config = tmp_path / "settings.yaml"
    found = issues(config, """\
silences:
  - {until: 2026-03-01T13:00:00Z, by: sara, reason: nothing named}
  - {term: "re:(unclosed", until: 2026-03-01T13:00:00Z, by: sara, reason: r}
  - {source: x, until: 2026-03-01T13:00:00Z, by: sara}
  - {team: support, from: 2026-03-02T00:00:00Z, until: 2026-03-01T13:00:00Z, by: sara, reason: r}
  - {team: support, until: tomorrow, by: sara, reason: r}
""")
    expected = [(2, "silences[0]: a silence names at least one of rule, source, term, team"),
                (3, "silences[1].term: bad regular expression"),
                (4, "silences[2].reason: required key is missing"),
                (5, "silences[3]: `until` must be after `from`"),
                (6, "silences[4].until: Input should be a valid datetime")]
    for line, text in expected:
        assert any(i.startswith(f"{config}:{line}: {text}") for i in found), (text, found)
    assert len(found) == len(expected), found


def test_a_silence_naming_an_unknown_rule_source_or_team_is_an_error(tmp_path):
    # Checked once the shapes are valid, since the rule names are known only after the rules compile.
    config = tmp_path / "settings.yaml"
    found = issues(config, """\
silences:
  - {rule: no-such-rule, until: 2026-03-01T13:00:00Z, by: sara, reason: r}
  - {source: nowhere, team: nobody, until: 2026-03-01T13:00:00Z, by: sara, reason: r}
""")
    assert found == [f"{config}:2: silences[0].rule: no rule named 'no-such-rule'",
                     f"{config}:3: silences[1].source: no source named 'nowhere'",
                     f"{config}:3: silences[1].team: no team named 'nobody'"]


def test_the_silence_command_adds_lists_and_expires(tmp_path):
    db = tmp_path / "cli.db"
    config = tmp_path / "settings.yaml"
    config.write_text("sources: [{name: appstore, kind: rss, url: 'http://127.0.0.1:9/feed'}]\n")
    run = [sys.executable, str(ROOT / "run.py"), "silence"]
    common = ["--db", str(db), "--config", str(config)]
    added = subprocess.run(run + ["add", "--source", "appstore", "--term", "crash*", "--for", "2h", "--by", "sara",
                                  "--reason", "release 4.2 crash, fix shipping"] + common,
                           capture_output=True, text=True, cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert added.stdout.startswith("silence #1 until ")
    listed = [json.loads(line) for line in subprocess.run(run + ["list", "--json"] + common, capture_output=True,
                                                          text=True, cwd=tmp_path, check=True).stdout.splitlines()]
    assert [(s["source"], s["term"], s["created_by"], s["reason"]) for s in listed] == [
        ("appstore", "crash*", "sara", "release 4.2 crash, fix shipping")]
    bad = subprocess.run(run + ["add", "--source", "apstore", "--for", "soon"] + common, capture_output=True,
                         text=True, cwd=tmp_path)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "--reason is required" in bad.stderr and "--for: not a duration" in bad.stderr
    assert "no source named 'apstore'" in bad.stderr
    expired = subprocess.run(run + ["expire", "1", "--by", "omid"] + common, capture_output=True, text=True,
                             cwd=tmp_path)
    assert expired.returncode == 0 and "expired" in expired.stdout
    assert subprocess.run(run + ["list"] + common, capture_output=True, text=True, cwd=tmp_path).stdout.strip() \
        == "no silences"


def test_a_silence_must_name_something_and_end_after_it_starts(tmp_path):
    store = new_store(tmp_path)
    with pytest.raises(ValueError, match="names at least one"):
        add_silence(store, starts_at=T0, ends_at=T0 + timedelta(hours=1), by="s", reason="r", now=T0)
    with pytest.raises(ValueError, match="end after"):
        add_silence(store, starts_at=T0, ends_at=T0, by="s", reason="r", now=T0, team="support")
    assert Silence("x", T0, T0 + timedelta(hours=1), "s", "r", team="support").active(T0)
