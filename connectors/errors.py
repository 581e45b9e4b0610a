"""The small exception tree connectors translate their sources' failures into.

The scheduler decides what to do by type: transient errors are retried with backoff, rate limits
wait for the server's word, anything else marks the source failing until its next poll.
"""
from __future__ import annotations


class SourceError(Exception):
    """A poll failed; the message says why in words a support team can act on."""


class TransientError(SourceError):
    """Worth retrying soon: 5xx, timeouts, dropped connections."""


class RateLimited(TransientError):
    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class BadResponse(SourceError):
    """The source answered with something we cannot use: wrong type, broken body, too large."""


class AuthError(SourceError):
    """Credentials missing, wrong or expired: retrying will not help until someone acts."""
