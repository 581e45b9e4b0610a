"""Quiet hours per notifier: deliveries wait in the outbox until the hours end, then go in deadline
order; the excepted priorities go at once. A local webhook receiver, injected time, real SQLite."""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
from aiohttp import web

from monitor.clock import FakeClock
from monitor.config import ConfigError, load_settings
from monitor.models import Mention, Verdict
from monitor.noise.quiet import QuietHours
from monitor.notifiers.outbox import OutboxSender
from monitor.notifiers.webhook import WebhookNotifier, WebhookOptions
from monitor.store import Store

UTC = timezone.utc
NIGHT = datetime(2026, 3, 1, 19, 30, tzinfo=UTC)     # 23:00 in Tehran
TEHRAN_NIGHTS = QuietHours(time(22, 0), time(7, 0), "Asia/Tehran", ("urgent",))


async def receiver(serve):
    got: list[dict] = []

    async def hook(request):
        got.append(await request.json())
        return web.Response(status=204)
    app = web.Application()
    app.router.add_post("/hook", hook)
    return got, await serve(app)


def alerts(tmp_path, now, cases: list[tuple[str, int, str]]) -> Store:
    """cases: (text, minutes until due, priority)."""
    store = Store(tmp_path / "quiet.db")
    store.ensure_source("feed", "rss")
    mentions = [Mention(source="feed", native_id=str(i), text=text, published_at=now - timedelta(minutes=60 - due))
                for i, (text, due, _) in enumerate(cases)]
    store.save_poll("feed", mentions, None, {}, now, now)
    for mention, (_, _, priority) in zip(store.unprocessed(), cases):
        store.save_verdict(mention, Verdict(complaint=True, priority=priority), now, ["hook"])
    return store


async def test_deliveries_wait_for_the_morning_except_urgent_ones_then_go_in_deadline_order(serve, session, tmp_path):
    got, server = await receiver(serve)
    clock = FakeClock(NIGHT)
    store = alerts(tmp_path, NIGHT, [("late parcel", 40, "normal"), ("card charged twice", 10, "high"),
                                     ("leaving for good", 25, "urgent"), ("broken kettle", 5, "low")])
    sender = OutboxSender(WebhookNotifier("hook", WebhookOptions(url=f"{server.url}/hook")), store, session, clock,
                          "http://127.0.0.1:8080", quiet=TEHRAN_NIGHTS)
    assert await sender.deliver_due() == 1
    assert [g["mention"]["text"] for g in got] == ["leaving for good"], "urgent is excepted"
    clock._now = datetime(2026, 3, 2, 3, 29, tzinfo=UTC)     # 06:59 in Tehran
    assert await sender.deliver_due() == 0, "still quiet"
    clock._now = datetime(2026, 3, 2, 3, 30, tzinfo=UTC)     # 07:00
    assert await sender.deliver_due() == 3
    assert [g["mention"]["text"] for g in got[1:]] == ["broken kettle", "card charged twice", "late parcel"]
    assert store.rows("SELECT COUNT(*) n FROM deliveries WHERE state = 'sent' AND attempts = 1")[0]["n"] == 4, \
        "held deliveries are not failed attempts"


@pytest.mark.parametrize("local,quiet", [("21:59", False), ("22:00", True), ("03:00", True), ("06:59", True),
                                         ("07:00", False), ("12:00", False)])
def test_quiet_hours_across_midnight_in_the_teams_zone(local, quiet):
    hour, minute = map(int, local.split(":"))
    moment = datetime(2026, 3, 1, hour, minute, tzinfo=UTC) - timedelta(hours=3, minutes=30)
    assert TEHRAN_NIGHTS.quiet(moment) is quiet
    assert QuietHours(time(13, 0), time(14, 0)).quiet(datetime(2026, 3, 1, 13, 30, tzinfo=UTC))


def test_quiet_hours_are_read_from_settings_and_their_errors_name_file_line_and_path(tmp_path):
    config = tmp_path / "settings.yaml"
    config.write_text("""\
notifiers:
  - name: chat
    kind: console
    quiet_hours: {from: "22:00", to: "07:00", tz: Asia/Tehran, except_priority: [urgent]}
""")
    [notifier] = load_settings(config).notifiers
    assert notifier.common.quiet_hours.quiet_hours() == TEHRAN_NIGHTS
    config.write_text("""\
notifiers:
  - name: chat
    kind: console
    quiet_hours:
      from: "25:00"
      to: "07:00"
      tz: Mars/Olympus
      except_priority: [critical]
  - name: mail
    kind: console
    quiet_hours: {from: "08:00", to: "08:00", colour: blue}
""")
    with pytest.raises(ConfigError) as info:
        load_settings(config)
    found = [str(i) for i in info.value.issues]
    for line, text in [(5, "notifiers[0].quiet_hours.from: "), (7, "notifiers[0].quiet_hours.tz: "),
                       (8, "notifiers[0].quiet_hours.except_priority[0]: "),
                       (11, "notifiers[1].quiet_hours.colour: unknown key")]:
        assert any(i.startswith(f"{config}:{line}: {text}") for i in found), (text, found)
