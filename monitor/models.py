"""The records that flow through the monitor: plain dataclasses, no behaviour beyond small helpers."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

RAW_CAP = 16_384  # bytes of the original payload kept for debugging; the rest is dropped


@dataclass
class Author:
    handle: str = ""
    name: str = ""
    followers: int | None = None


@dataclass
class Mention:
    source: str                      # the configured source's name, e.g. "google_alerts"
    native_id: str                   # the source's own id; unique together with source
    text: str                        # plain text: HTML stripped, entities decoded
    published_at: datetime           # UTC, as the source says; the SLA clock starts here
    url: str = ""
    author: Author = field(default_factory=Author)
    lang: str | None = None          # the source's hint; detection may override it
    rating: float | None = None      # reviews only (1-5 stars)
    thread_id: str | None = None
    reply_to: str | None = None
    engagement: dict[str, int] = field(default_factory=dict)
    kind: str = ""                   # the connector's kind, e.g. "rss"
    raw: str = ""                    # original payload, capped at RAW_CAP
    fetched_at: datetime | None = None
    id: int | None = None            # the store's row id once stored


@dataclass
class Sentiment:
    polarity: float                  # -1 .. 1
    subjectivity: float              # 0 .. 1
    evidence: list[str] = field(default_factory=list)  # words or cues that moved the score


@dataclass
class Scores:
    """Everything the rules can read about a text besides the mention's own fields."""
    lang: str
    normalized: str
    sentiment: Sentiment
    complaint: float = 0.0           # 0 .. 1, how strongly the text reads as a complaint
    cues: list[str] = field(default_factory=list)  # complaint cues found, e.g. "delay:still waiting"
    is_question: bool = False
    addressed: bool = False          # written to an account (@handle): in support, usually to the brand
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Verdict:
    complaint: bool
    priority: str = "normal"
    respond_within: int = 3600       # seconds
    respond_within_set: bool = False # a rule set it explicitly (else the priority's policy decides)
    due_at: datetime | None = None   # published_at + respond_within, in the team's working time
    team: str = "support"
    tags: list[str] = field(default_factory=list)
    suppressed: bool = False
    rules: list[str] = field(default_factory=list)          # names of the rules that fired
    explanation: list[dict[str, Any]] = field(default_factory=list)  # per rule: conditions that held
    lang: str = "und"
    sentiment: float = 0.0
    complaint_score: float = 0.0


@dataclass
class Batch:
    """What one poll of a source returns."""
    mentions: list[Mention]
    cursor: dict[str, Any] | None    # opaque JSON the store keeps for the next poll
    retry_after: float | None = None # seconds the server asked us to wait
    quota: dict[str, Any] = field(default_factory=dict)  # remaining quota as the source reports it
