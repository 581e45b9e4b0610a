"""The shape of settings.yaml. Unknown keys are errors: a setting silently ignored is a bug."""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, field_validator, model_validator

from rules.durations import parse_duration

Duration = Annotated[int, BeforeValidator(parse_duration)]
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]
Priority = Literal["urgent", "high", "normal", "low"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StoreSettings(Strict):
    path: str = "data/monitor.db"


class WebUser(Strict):
    name: Name
    password_hash: str = Field(pattern=r"^scrypt\$")   # from `python run.py hash-password`


class WebSettings(Strict):
    enabled: bool = True
    users: list[WebUser] = []          # none: a one-time login is printed at start
    api_tokens: list[SecretStr] = []   # for scripts: Authorization: Bearer <token>
    host: str = "127.0.0.1"          # loopback unless the team decides otherwise
    port: int = Field(8080, ge=0, le=65535)
    public_url: str | None = None     # how links in notifications reach the dashboard


class EscalationLevel(Strict):
    after: Duration = 0                # after the breach
    notify: list[str] = Field(min_length=1)   # notifier names


class SlaSettings(Strict):
    respond_within: Duration = 3600   # 39% of people expect an answer within the hour
    warn_before: Duration = 900
    # Deadline per priority, used when the rule that decided does not set respond_within itself.
    policies: dict[str, Duration] = {"urgent": 900, "high": 3600, "normal": 3600, "low": 4 * 3600}
    escalation: list[EscalationLevel] = []   # climbs after a breach until someone claims the alert
    tick: Duration = 5                         # how often deadlines are checked
    alert_max_age: Duration = 7 * 86400   # a feed that suddenly replays its history must not page anyone


class Brand(Strict):
    name: str
    terms: list[str] = Field(min_length=1)
    own_handles: list[str] = []       # the brand's own accounts: their posts are never complaints


class Team(Strict):
    name: Name
    timezone: str = "UTC"
    hours: str | None = None           # "08:00-16:00": the SLA clock runs only then; absent = 24/7
    days_off: list[str] = []           # ["fri"], ["fri", "sat"], ["sat", "sun"]
    # YAML reads an unquoted 2026-03-21 as a date, a quoted one as a string: both are accepted.
    holidays: list[date] = []          # [2026-03-21]

    @model_validator(mode="after")
    def _calendar_is_valid(self):
        from monitor.sla.calendar import parse_calendar
        parse_calendar(self.timezone, self.hours, self.days_off, self.holidays)
        return self

    def calendar(self):
        from monitor.sla.calendar import parse_calendar
        return parse_calendar(self.timezone, self.hours, self.days_off, self.holidays)


def _silence_after(value):
    """`silence_after: 12h` is shorthand for nothing_new; null or false: never alert for this source."""
    if value is None or value is False:
        return {"nothing_new": None, "failing": None}
    if isinstance(value, (int, float, str)) and not isinstance(value, bool):
        return {"nothing_new": value}
    return value


class SilenceAfter(Strict):
    nothing_new: Duration | None = 6 * 3600   # no new mention for this long (None: never alert)
    failing: Duration | None = 30 * 60        # every poll failing for this long (None: never alert)


class SourceSettings(BaseModel):
    """Common to every source; the rest of the keys belong to the connector's own options."""
    model_config = ConfigDict(extra="allow")
    name: Name
    kind: str
    enabled: bool = True
    interval: Duration = 300
    jitter: float = Field(0.1, ge=0, le=0.5)    # share of the interval, so sources don't poll in lockstep
    timeout: Duration = 20
    max_interval: Duration = 3600               # cap on backoff and Retry-After
    silence_after: Annotated[SilenceAfter, BeforeValidator(_silence_after)] = SilenceAfter()

    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class QuietHoursSettings(Strict):
    """quiet_hours: {from: "22:00", to: "07:00", tz: Asia/Tehran, except_priority: [urgent]}"""
    start: time = Field(alias="from")
    end: time = Field(alias="to")
    tz: str = "UTC"
    except_priority: list[Priority] = []

    @field_validator("tz")
    @classmethod
    def _zone(cls, value: str) -> str:
        return _zone_name(value)

    @model_validator(mode="after")
    def _not_empty(self):
        if self.start == self.end:
            raise ValueError("quiet hours must start and end at different times")
        return self

    def quiet_hours(self):
        from monitor.noise.quiet import QuietHours
        return QuietHours(self.start, self.end, self.tz, tuple(self.except_priority))


class NotifierSettings(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: Name
    kind: str
    enabled: bool = True
    quiet_hours: QuietHoursSettings | None = None

    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


def _zone_name(value: str) -> str:
    from zoneinfo import ZoneInfo
    try:
        ZoneInfo(value)
    except (ValueError, LookupError) as exc:   # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"unknown time zone {value!r}") from exc
    return value


class RealertSettings(Strict):
    """At most `max` alerts that page someone per `per` for one author (thread, source, rule)."""
    max: int = Field(ge=1)
    per: Duration = 3600
    key: Literal["author", "thread", "source", "rule"] = "author"

    def limit(self):
        from monitor.noise.realert import RealertLimit
        return RealertLimit(self.max, self.per, self.key)


class SilenceSettings(Strict):
    """A silence written in settings.yaml: page nobody about what it names, until `until`."""
    rule: str | None = None
    source: str | None = None
    term: str | None = None
    team: str | None = None
    starts: datetime | None = Field(None, alias="from")
    until: datetime
    by: str = Field(min_length=1)
    reason: str = Field(min_length=1)

    @field_validator("starts", "until")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        # A time written without a zone is read as UTC, like every time the monitor stores.
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value

    @field_validator("term")
    @classmethod
    def _term(cls, value: str | None) -> str | None:
        if value is not None:
            from rules.conditions import RuleError, compile_term
            try:
                compile_term(value, "term")
            except RuleError as exc:
                raise ValueError(exc.message) from exc
        return value

    @model_validator(mode="after")
    def _names_something(self):
        if not any((self.rule, self.source, self.term, self.team)):
            raise ValueError("a silence names at least one of rule, source, term, team")
        if self.starts is not None and self.until <= self.starts:
            raise ValueError("`until` must be after `from`")
        return self

    def silence(self, index: int):
        from monitor.noise.silences import Silence
        starts = self.starts or datetime.min.replace(tzinfo=timezone.utc)
        return Silence(f"settings silences[{index}]", starts, self.until, self.by, self.reason,
                       self.rule, self.source, self.term, self.team)


class StormSettings(Strict):
    """A storm: the last `window` holds at least max(min_count, mean + k·stddev) complaints, where the
    mean and stddev are of the per-window counts over the `baseline` before it."""
    enabled: bool = True
    window: Duration = 3600
    baseline: Duration = 24 * 3600
    k: float = Field(3.0, gt=0)
    min_count: int = Field(10, ge=1)
    top_terms: int = Field(5, ge=0, le=20)
    examples: int = Field(3, ge=0, le=10)
    notify: list[str] = []            # notifier names; empty: every notifier
    priority: Priority = "high"       # quiet hours let a storm through only if they except this
    check_every: Duration = 60

    @model_validator(mode="after")
    def _buckets(self):
        if self.window <= 0 or self.baseline < 3 * self.window:
            raise ValueError("the baseline must hold at least three windows (e.g. window 1h, baseline 24h)")
        return self


class SourceSilenceSettings(Strict):
    """Where the notice goes when a source has failed, or brought nothing new, for too long (each
    source's `silence_after` says how long)."""
    notify: list[str] = []            # notifier names; empty: every notifier
    priority: Priority = "normal"
    check_every: Duration = 60


class Settings(Strict):
    store: StoreSettings = StoreSettings()
    web: WebSettings = WebSettings()
    sla: SlaSettings = SlaSettings()
    brands: list[Brand] = []
    teams: list[Team] = [Team(name="support")]
    sources: list[SourceSettings] = []
    notifiers: list[NotifierSettings] = []
    rule_files: list[str] = []        # YAML files holding lists of rules, relative to settings.yaml
    rules: list[Any] = []             # checked by the rule compiler, which knows the vocabulary
    # Noise control: the default realert limit over all rules (a rule may add its own); null: none.
    realert: RealertSettings | None = RealertSettings(max=3, per=3600, key="author")   # = DEFAULT_REALERT
    silences: list[SilenceSettings] = []
    storm: StormSettings = StormSettings()
    source_silence: SourceSilenceSettings = SourceSilenceSettings()
