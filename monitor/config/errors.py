"""Configuration errors name the place: file, dotted path and line. They never carry secret values."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ConfigIssue:
    path: str            # dotted path, e.g. sources[0].interval
    message: str
    line: int | None = None
    file: str = ""

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.path}: {self.message}" if where else f"{self.path}: {self.message}"


class ConfigError(Exception):
    """Every problem found in the configuration at once."""

    def __init__(self, issues: list[ConfigIssue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))
