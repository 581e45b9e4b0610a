"""The report as CSV for spreadsheets: one long table (chart, series, bucket, value), one chart or all.

Source and team names come from outside (a source is named in settings, a team by rules, and both
may be pasted from anywhere), so every text cell that a spreadsheet would read as a formula gets a
leading apostrophe (OWASP's advice for CSV injection).
"""
from __future__ import annotations

import csv
import io
from typing import Any, Iterator

CHARTS = ("source", "lang", "sla", "response")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Numbers stay numbers; text that could start a formula is made inert with a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def report_rows(report: dict[str, Any], chart: str | None = None) -> Iterator[tuple]:
    complaints = report["complaints"]
    for name, key in (("source", "by_source"), ("lang", "by_lang")):
        if chart in (None, name):
            for s in complaints[key]:
                for bucket, value in zip(complaints["buckets"], s["counts"]):
                    yield f"complaints_by_{name}", s["name"], bucket, value
    if chart in (None, "sla"):
        for team in report["sla"]["teams"]:
            for outcome in ("met", "missed", "pending"):
                yield "sla", team["team"], outcome, team[outcome]
    if chart in (None, "response"):
        labels = report["first_response"]["buckets"]
        for team in report["first_response"]["teams"]:
            for label, value in zip(labels, team["counts"]):
                yield "first_response", team["team"], label, value
            yield "first_response", team["team"], "median_minutes", team["median_minutes"]
            yield "first_response", team["team"], "p90_minutes", team["p90_minutes"]


def to_csv(rows: Iterator[tuple]) -> str:
    """UTF-8 with a byte-order mark: Excel then reads Persian and Arabic names correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(("chart", "series", "bucket", "value"))
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return "\ufeff" + out.getvalue()
