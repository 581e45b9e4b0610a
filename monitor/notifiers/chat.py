"""Chat notifiers: Slack (incoming webhook, Block Kit), Microsoft Teams (workflow webhook, Adaptive
Card) and Telegram (bot sendMessage, HTML). Each escapes customer text for its own format.
"""
from __future__ import annotations

import html
import json

import aiohttp
from pydantic import Field, SecretStr

from connectors.http import retry_after_seconds
from monitor.notifiers.base import (DeliveryError, Message, Notice, Notifier, NotifierOptions, cap,
                                    notice_body, retryable, why)
from monitor.notifiers.words import say, time_left

SLACK_TEXT_CAP = 2900     # a section block holds 3,000 characters
TELEGRAM_TEXT_CAP = 3500  # a message holds 4,096 after entities are parsed
AUTHOR_CAP = 100          # characters of the author in a headline: a feed's author field has no limit


def slack_escape(text: str) -> str:
    """Slack reads <...> as links and mentions (<!channel>, <@U123>): escape & < > so none fire."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def headline(message: Message) -> str:
    a, m, lang = message.alert, message.mention, message.lang
    who = cap(m["author"]["handle"] or m["author"]["name"] or say("someone", lang), AUTHOR_CAP)
    event = message.event.upper() if lang == "en" else say(message.event, lang)
    return (f"{event} · {say(a['priority'], lang)} · {m['source']} · @{who} · "
            f"{time_left(message.time_left, lang)}")


def open_alert(message: Message) -> str:
    return f"{say('Open alert', message.lang)} #{message.alert['id']}"


async def post_json(session: aiohttp.ClientSession, url: str, payload: dict, timeout: float,
                    key: str) -> str:
    """POST and translate failures (base.retryable). The idempotency key travels as a header: chat
    services ignore it, a proxy or receiver in between can drop the double a timeout may cause."""
    try:
        async with session.post(url, data=json.dumps(payload, ensure_ascii=False).encode(),
                                headers={"Content-Type": "application/json", "Idempotency-Key": key},
                                timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
            body = await resp.text(errors="replace")
            if resp.status < 300:
                return body
            raise DeliveryError(f"HTTP {resp.status}", retry=retryable(resp.status),
                                retry_after=retry_after_seconds(resp.headers.get("Retry-After"))
                                or _body_retry_after(body))
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise DeliveryError(f"{exc.__class__.__name__}") from exc


def _body_retry_after(body: str) -> float | None:
    """Telegram says how long to wait in the body: {"parameters": {"retry_after": 35}}."""
    try:
        wait = (json.loads(body).get("parameters") or {}).get("retry_after")
    except (ValueError, AttributeError):
        return None
    return float(wait) if isinstance(wait, (int, float)) and not isinstance(wait, bool) and wait > 0 else None


class ChatWebhookOptions(NotifierOptions):
    webhook_url: SecretStr                 # an incoming webhook's URL is itself the secret
    timeout: float = Field(10, gt=0)


class _ChatWebhook(Notifier):
    """A chat service reached by POSTing one JSON payload to a secret webhook URL."""
    Options = ChatWebhookOptions

    @staticmethod
    def payload(message: Message) -> dict:
        raise NotImplementedError

    @staticmethod
    def notice_payload(notice: Notice) -> dict:
        raise NotImplementedError

    async def send(self, session, message: Message) -> None:
        await post_json(session, self.options.webhook_url.get_secret_value(), self.payload(message),
                        self.options.timeout, message.idempotency_key)

    async def send_notice(self, session, notice: Notice) -> None:
        await post_json(session, self.options.webhook_url.get_secret_value(), self.notice_payload(notice),
                        self.options.timeout, notice.idempotency_key)


def slack_payload(message: Message) -> dict:
    m = message.mention
    title = slack_escape(headline(message))
    link = message.link.replace(">", "%3E").replace("|", "%7C")
    return {
        "text": title,   # the notification preview; blocks carry the rest
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*"}},
            {"type": "section", "text": {"type": "plain_text", "text": cap(m["text"], SLACK_TEXT_CAP), "emoji": True}},
            *([{"type": "context", "elements": [{"type": "plain_text", "text": reason, "emoji": True}]}]
              if (reason := why(message)) else []),
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"<{link}|{slack_escape(open_alert(message))}>"}]},
        ],
        "unfurl_links": False, "unfurl_media": False,
    }


def slack_notice_payload(notice: Notice) -> dict:
    """The title escaped for mrkdwn; the body, with customer words, as plain_text that pings nobody."""
    title = slack_escape(notice.title)
    link = notice.link.replace(">", "%3E").replace("|", "%7C")
    blocks = [{"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*"}}]
    body = "\n".join(notice_body(notice))
    if body:
        blocks.append({"type": "section", "text": {"type": "plain_text", "text": cap(body, SLACK_TEXT_CAP), "emoji": True}})
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": f"<{link}|{slack_escape(say('Open the monitor', notice.lang))}>"}]})
    return {"text": title, "blocks": blocks, "unfurl_links": False, "unfurl_media": False}


class SlackNotifier(_ChatWebhook):
    kind = "slack"
    payload = staticmethod(slack_payload)
    notice_payload = staticmethod(slack_notice_payload)


def teams_payload(message: Message) -> dict:
    """An Adaptive Card as Teams workflow webhooks expect; TextBlocks render no HTML and only light markdown."""
    text = teams_escape(cap(message.mention["text"]))
    card = {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "version": "1.4",
            "body": [{"type": "TextBlock", "text": teams_escape(headline(message)), "weight": "Bolder", "wrap": True},
                     {"type": "TextBlock", "text": text, "wrap": True},
                     *([{"type": "TextBlock", "text": teams_escape(reason), "wrap": True, "isSubtle": True}]
                       if (reason := why(message)) else [])],
            "actions": [{"type": "Action.OpenUrl", "title": open_alert(message), "url": message.link}]}
    return {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
                                                "content": card}]}


def teams_notice_payload(notice: Notice) -> dict:
    blocks = [{"type": "TextBlock", "text": teams_escape(notice.title), "weight": "Bolder", "wrap": True}]
    blocks += [{"type": "TextBlock", "text": teams_escape(line), "wrap": True} for line in notice_body(notice)]
    card = {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "version": "1.4",
            "body": blocks, "actions": [{"type": "Action.OpenUrl", "title": say("Open the monitor", notice.lang), "url": notice.link}]}
    return {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
                                                "content": card}]}


class TeamsNotifier(_ChatWebhook):
    kind = "teams"
    payload = staticmethod(teams_payload)
    notice_payload = staticmethod(teams_notice_payload)


def teams_escape(text: str) -> str:
    """TextBlocks read a little markdown: escape what could make a link or emphasis out of customer text."""
    for ch in "\\[]()*_~`#>":
        text = text.replace(ch, "\\" + ch)
    return text


class TelegramNotifyOptions(NotifierOptions):
    token: SecretStr
    chat_id: str = Field(min_length=1)
    base_url: str = "https://api.telegram.org"
    timeout: float = Field(10, gt=0)


class TelegramNotifier(Notifier):
    kind = "telegram"
    Options = TelegramNotifyOptions

    async def send(self, session, message: Message) -> None:
        await self._send(session, telegram_payload(message, self.options.chat_id), message.idempotency_key)

    async def send_notice(self, session, notice: Notice) -> None:
        await self._send(session, telegram_notice_payload(notice, self.options.chat_id), notice.idempotency_key)

    async def _send(self, session, payload: dict, key: str) -> None:
        url = f"{self.options.base_url.rstrip('/')}/bot{self.options.token.get_secret_value()}/sendMessage"
        body = await post_json(session, url, payload, self.options.timeout, key)
        if '"ok":true' not in body.replace(" ", ""):
            raise DeliveryError("Telegram answered without ok:true", retry=True)


def telegram_payload(message: Message, chat_id: str) -> dict:
    """parse_mode HTML: every piece of customer text goes through html.escape, so no tag can break it."""
    m = message.mention
    reason = why(message)
    # Telegram counts the whole message against its 4,096: the Why lines come off the text's share.
    text = (f"<b>{html.escape(headline(message))}</b>\n\n"
            f"{html.escape(cap(m['text'], TELEGRAM_TEXT_CAP - len(reason)))}\n\n"
            + (f"<i>{html.escape(reason)}</i>\n\n" if reason else "")
            + f"<a href=\"{html.escape(message.link, quote=True)}\">{html.escape(open_alert(message))}</a>")
    return {"chat_id": chat_id, "text": text, "parse_mode": "HTML", "disable_web_page_preview": True}


def telegram_notice_payload(notice: Notice, chat_id: str) -> dict:
    body = html.escape(cap("\n".join(notice_body(notice)), TELEGRAM_TEXT_CAP))
    text = (f"<b>{html.escape(notice.title)}</b>\n\n{body}\n\n"
            f"<a href=\"{html.escape(notice.link, quote=True)}\">{html.escape(say('Open the monitor', notice.lang))}</a>")
    return {"chat_id": chat_id, "text": text, "parse_mode": "HTML", "disable_web_page_preview": True}
