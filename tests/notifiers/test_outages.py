"""Every notifier kind through outages in simulated time: down for an hour, erroring for an hour,
rate limited with Retry-After, one message refused, the endpoint gone, slow. Whatever happens, nothing
is lost, nothing is doubled (what a receiver keeps by idempotency key), and the backlog goes out in
deadline order when the service is back. Local services on loopback; a real SQLite outbox."""
from __future__ import annotations

import pytest

from monitor.clock import FakeClock
from monitor.notifiers.outbox import OutboxSender
from tests.notifiers.receivers import T0, store_with_alerts
from tests.notifiers.services import start_service

KINDS = ["slack", "teams", "telegram", "webhook", "email"]
NAME = "out"
AGES = [5, 40, 20]          # minutes since posted: alerts 1, 2, 3 are due in the order 2, 3, 1
IN_DEADLINE_ORDER = [f"{NAME}:2:2", f"{NAME}:3:3", f"{NAME}:1:1"]


async def pass_time(sender, clock, minutes: int, step: int = 60) -> int:
    """Let `minutes` pass, the sender trying whatever is due every `step` seconds; returns how many it sent."""
    sent = 0
    for _ in range(minutes * 60 // step):
        clock.advance(step)
        sent += await sender.deliver_due()
    return sent


async def down_for_an_hour(service, sender, clock):
    await service.down()
    assert await sender.deliver_due() == 0
    assert await pass_time(sender, clock, 60) == 0
    await service.up()
    assert await pass_time(sender, clock, 6) == 3
    return IN_DEADLINE_ORDER


async def failing_for_an_hour(service, sender, clock):
    service.fault = "error"          # 5xx (SMTP: 451, try later)
    assert await pass_time(sender, clock, 60) == 0
    service.fault = None
    assert await pass_time(sender, clock, 6) == 3
    return IN_DEADLINE_ORDER


async def rate_limited(service, sender, clock):
    service.once = ["busy"]          # 429 with Retry-After: 120 (Telegram: in the body; SMTP: 421)
    assert await sender.deliver_due() == 0
    if service.kind != "email":      # SMTP names no time to wait: plain backoff applies
        asked = service.requests
        clock.advance(119)
        assert await sender.deliver_due() == 0 and service.requests == asked, "Retry-After is honoured"
        clock.advance(1)
        assert await sender.deliver_due() == 3
    else:
        assert await pass_time(sender, clock, 6) == 3
    return IN_DEADLINE_ORDER


async def one_message_refused(service, sender, clock):
    service.once = ["refuse"]        # 400/422 (SMTP: 550): this message will never be accepted
    assert await sender.deliver_due() == 2, "the rest are not held behind a message that cannot go"
    failed = sender.store.rows("SELECT idempotency_key, state, last_error FROM deliveries WHERE state != 'sent'")
    assert [(f["idempotency_key"], f["state"]) for f in failed] == [(IN_DEADLINE_ORDER[0], "failed")]
    assert failed[0]["last_error"], "kept with its reason, not lost without a trace"
    assert await pass_time(sender, clock, 60) == 0, "not retried"
    return IN_DEADLINE_ORDER[1:]


async def endpoint_gone_for_an_hour(service, sender, clock):
    service.fault = "gone"           # 404/410, Telegram 401: wrong URL or token until someone fixes it
    assert await pass_time(sender, clock, 60) == 0
    service.fault = None
    assert await pass_time(sender, clock, 6) == 3, "nothing was dropped while it was misconfigured"
    return IN_DEADLINE_ORDER


async def slow(service, sender, clock):
    service.once = ["slow"]          # accepts, but answers after the sender's timeout
    assert await sender.deliver_due() == 0
    assert await pass_time(sender, clock, 6) == 3
    assert service.received.count(IN_DEADLINE_ORDER[0]) == 2, "the retry is a double on the wire..."
    return IN_DEADLINE_ORDER


SCENARIOS = {f.__name__: f for f in (down_for_an_hour, failing_for_an_hour, rate_limited, one_message_refused,
                                     endpoint_gone_for_an_hour, slow)}
CASES = [(kind, name) for kind in KINDS for name in SCENARIOS
         if not (kind == "email" and name == "endpoint_gone_for_an_hour")]   # SMTP has no such answer


@pytest.mark.parametrize("kind,scenario", CASES, ids=[f"{k}-{s}" for k, s in CASES])
async def test_nothing_lost_nothing_doubled_deadline_order_on_recovery(kind, scenario, tmp_path, session):
    service = await start_service(kind)
    try:
        store = store_with_alerts(tmp_path, NAME, AGES)
        clock = FakeClock(T0)
        sender = OutboxSender(service.notifier(NAME), store, session, clock, "http://127.0.0.1:8080")
        expected = await SCENARIOS[scenario](service, sender, clock)
        assert service.kept() == expected, "...that carries the same idempotency key, so a receiver drops it"
        sent = store.rows("SELECT idempotency_key FROM deliveries WHERE state = 'sent'")
        assert sorted(r["idempotency_key"] for r in sent) == sorted(expected), "each marked sent, once"
        assert await pass_time(sender, clock, 30) == 0 and service.kept() == expected, "nothing sent twice later"
    finally:
        await service.close()
