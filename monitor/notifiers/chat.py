"""Chat notifiers: Slack (incoming webhook, Block Kit), Microsoft Teams (workflow webhook, Adaptive
Card) and Telegram (bot sendMessage, HTML). Each escapes customer text for its own format.
"""
from __future__ import annotations

import html
import json

import aiohttp
from pydantic import Field, SecretStr

from connectors.http import retry_after_seconds
from monitor.notifiers.base import DeliveryError, Message, Notifier, NotifierOptions, cap, describe_time_left

SLACK_TEXT_CAP = 2900     # a section block holds 3,000 characters
TELEGRAM_TEXT_CAP = 3500  # a message holds 4,096 after entities are parsed
AUTHOR_CAP = 100          # characters of the author in a headline: a feed's author field has no limit


def slack_escape(text: str) -> str:
    """Slack reads <...> as links and mentions (<!channel>, <@U123>): escape & < > so none fire."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def headline(message: Message) -> str:
    a, m = message.alert, message.mention
    who = cap(m["author"]["handle"] or m["author"]["name"] or "someone", AUTHOR_CAP)
    return (f"{message.event.upper()} · {a['priority']} · {m['source']} · @{who} · "
            f"{describe_time_left(message.time_left)}")


async def post_json(session: aiohttp.ClientSession, url: str, payload: dict, timeout: float,
                    headers: dict | None = None) -> str:
    """POST and translate failures: 429/5xx/timeouts are retried, other 4xx are not."""
    try:
        async with session.post(url, data=json.dumps(payload, ensure_ascii=False).encode(),
                                headers={"Content-Type": "application/json", **(headers or {})},
                                timeout=aiohttp.ClientTimeout(total=timeout)) as resp:
            body = await resp.text(errors="replace")
            if resp.status < 300:
                return body
            retry = resp.status in (408, 425, 429) or resp.status >= 500
            raise DeliveryError(f"HTTP {resp.status}", retry=retry,
                                retry_after=retry_after_seconds(resp.headers.get("Retry-After")))
    except (aiohttp.ClientError, TimeoutError) as exc:
        raise DeliveryError(f"{exc.__class__.__name__}") from exc


class ChatWebhookOptions(NotifierOptions):
    webhook_url: SecretStr                 # an incoming webhook's URL is itself the secret
    timeout: float = Field(10, gt=0)


class _ChatWebhook(Notifier):
    """A chat service reached by POSTing one JSON payload to a secret webhook URL."""
    Options = ChatWebhookOptions

    @staticmethod
    def payload(message: Message) -> dict:
        raise NotImplementedError

    async def send(self, session, message: Message) -> None:
        await post_json(session, self.options.webhook_url.get_secret_value(), self.payload(message),
                        self.options.timeout)


def slack_payload(message: Message) -> dict:
    m = message.mention
    title = slack_escape(headline(message))
    link = message.link.replace(">", "%3E").replace("|", "%7C")
    return {
        "text": title,   # the notification preview; blocks carry the rest
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": f"*{title}*"}},
            {"type": "section", "text": {"type": "plain_text", "text": cap(m["text"], SLACK_TEXT_CAP), "emoji": True}},
            {"type": "context", "elements": [{"type": "mrkdwn", "text": f"<{link}|Open alert #{message.alert['id']}>"}]},
        ],
        "unfurl_links": False, "unfurl_media": False,
    }


class SlackNotifier(_ChatWebhook):
    kind = "slack"
    payload = staticmethod(slack_payload)


def teams_payload(message: Message) -> dict:
    """An Adaptive Card as Teams workflow webhooks expect; TextBlocks render no HTML and only light markdown."""
    text = teams_escape(cap(message.mention["text"]))
    card = {"type": "AdaptiveCard", "$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "version": "1.4",
            "body": [{"type": "TextBlock", "text": teams_escape(headline(message)), "weight": "Bolder", "wrap": True},
                     {"type": "TextBlock", "text": text, "wrap": True}],
            "actions": [{"type": "Action.OpenUrl", "title": f"Open alert #{message.alert['id']}", "url": message.link}]}
    return {"type": "message", "attachments": [{"contentType": "application/vnd.microsoft.card.adaptive",
                                                "content": card}]}


class TeamsNotifier(_ChatWebhook):
    kind = "teams"
    payload = staticmethod(teams_payload)


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
        url = f"{self.options.base_url.rstrip('/')}/bot{self.options.token.get_secret_value()}/sendMessage"
        body = await post_json(session, url, telegram_payload(message, self.options.chat_id), self.options.timeout)
        if '"ok":true' not in body.replace(" ", ""):
            raise DeliveryError("Telegram answered without ok:true", retry=True)


def telegram_payload(message: Message, chat_id: str) -> dict:
    """parse_mode HTML: every piece of customer text goes through html.escape, so no tag can break it."""
    m = message.mention
    text = (f"<b>{html.escape(headline(message))}</b>\n\n{html.escape(cap(m['text'], TELEGRAM_TEXT_CAP))}\n\n"
            f"<a href=\"{html.escape(message.link, quote=True)}\">Open alert #{message.alert['id']}</a>")
    return {"chat_id": chat_id, "text": text, "parse_mode": "HTML", "disable_web_page_preview": True}
