"""The shape of settings.yaml. Unknown keys are errors: a setting silently ignored is a bug."""
from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, SecretStr, model_validator

from rules.durations import parse_duration

Duration = Annotated[int, BeforeValidator(parse_duration)]
Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.-]{1,64}$")]


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
    holidays: list[str] = []           # ["2026-03-21"]

    @model_validator(mode="after")
    def _calendar_is_valid(self):
        from monitor.sla.calendar import parse_calendar
        parse_calendar(self.timezone, self.hours, self.days_off, self.holidays)
        return self

    def calendar(self):
        from monitor.sla.calendar import parse_calendar
        return parse_calendar(self.timezone, self.hours, self.days_off, self.holidays)


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

    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class NotifierSettings(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: Name
    kind: str
    enabled: bool = True

    def options(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


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
