"""Notifiers: how alerts leave the process. Explicit registry; each kind validates its own options."""
from monitor.notifiers.chat import SlackNotifier, TeamsNotifier, TelegramNotifier
from monitor.notifiers.console import ConsoleNotifier
from monitor.notifiers.email import EmailNotifier
from monitor.notifiers.webhook import WebhookNotifier

NOTIFIERS = {
    "console": ConsoleNotifier,
    "webhook": WebhookNotifier,
    "slack": SlackNotifier,
    "teams": TeamsNotifier,
    "telegram": TelegramNotifier,
    "email": EmailNotifier,
}
