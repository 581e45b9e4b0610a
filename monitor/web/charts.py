"""Charts as plain geometry for server-rendered SVG (templates/chart.html).

No JavaScript chart library: the Content-Security-Policy allows no inline script or style, and SVG
drawn with presentation attributes (fill, stroke) needs neither. Every name is escaped by the
template. The plot runs left to right in both languages (time and scales read that way in Persian
dashboards too); titles, legends and tables around it follow the page's direction.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable

PALETTE = ("#2b6cb0", "#dd6b20", "#38a169", "#805ad5", "#d53f8c", "#319795", "#b7791f", "#718096")
SLA_COLOURS = {"met": "#2f855a", "missed": "#c53030", "pending": "#a0aec0"}
MAX_SERIES = len(PALETTE) - 1      # beyond this, the smallest series are summed as one "other"
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 14, 52
MAX_BAR = 90


@dataclass
class Chart:
    id: str
    title: str
    x_label: str
    y_label: str
    width: int = 900
    height: int = 280
    bars: list[dict] = field(default_factory=list)      # x, y, w, h, fill, tip
    x_ticks: list[dict] = field(default_factory=list)   # x, label
    y_ticks: list[dict] = field(default_factory=list)   # y, label
    legend: list[dict] = field(default_factory=list)    # name, fill
    empty: bool = True

    @property
    def plot(self) -> dict[str, float]:
        return {"left": LEFT, "right": self.width - RIGHT, "top": TOP, "bottom": self.height - BOTTOM,
                "middle_x": (LEFT + self.width - RIGHT) / 2, "middle_y": (TOP + self.height - BOTTOM) / 2}


def nice_step(peak: float, ticks: int = 5) -> float:
    """1, 2 or 5 times a power of ten, so that about `ticks` lines cover the peak."""
    if peak <= 0:
        return 1
    raw = peak / ticks
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return max(step, 1)      # counts: never a fractional step


def cap_series(series: list[dict], other: str) -> list[dict]:
    """Keep the largest series (they come largest first) and sum the rest, so colours stay distinct."""
    if len(series) <= MAX_SERIES:
        return series
    kept, rest = series[:MAX_SERIES - 1], series[MAX_SERIES - 1:]
    summed = [sum(values) for values in zip(*(s["counts"] for s in rest))]
    return kept + [{"name": other, "total": sum(summed), "counts": summed}]


def stacked_bars(chart: Chart, categories: list[str], series: list[dict], *, colours: list[str] | None = None,
                 ticks: list[tuple[int, str]] | None = None, digits: Callable[[str], str] = str) -> Chart:
    """One bar per category, the series stacked in it; `ticks` (index, label) chooses the x labels and
    puts them at the bucket's start, as a time axis reads (default: every category, centred under
    its bar); `digits` localises numbers (Persian digits)."""
    colours = colours or list(PALETTE)
    totals = [sum(s["counts"][i] for s in series) for i in range(len(categories))]
    plot = chart.plot
    height = plot["bottom"] - plot["top"]
    step = nice_step(max(totals, default=0))
    top_value = step * max(1, math.ceil(max(totals, default=0) / step))
    slot = (plot["right"] - plot["left"]) / max(1, len(categories))
    width = min(MAX_BAR, slot * 0.8 if slot >= 6 else slot)   # one team's bar is a bar, not a wall
    for i, category in enumerate(categories):
        base = plot["bottom"]
        for k, s in enumerate(series):
            value = s["counts"][i]
            if not value:
                continue
            h = value / top_value * height
            base -= h
            chart.bars.append({"x": round(plot["left"] + (i + 0.5) * slot - width / 2, 2), "y": round(base, 2),
                               "w": round(max(width, 0.8), 2), "h": round(h, 2), "fill": colours[k % len(colours)],
                               "tip": f"{category} · {s['name']}: {digits(str(value))}"})
    chart.y_ticks = [{"y": round(plot["bottom"] - v / top_value * height, 2), "label": digits(str(int(v)))}
                     for v in _range(0, top_value, step)]
    offset = 0.0 if ticks is not None else 0.5
    chosen = ticks if ticks is not None else list(enumerate(categories))
    chart.x_ticks = [{"x": round(plot["left"] + (i + offset) * slot, 2), "label": label} for i, label in chosen]
    chart.legend = [{"name": s["name"], "fill": colours[k % len(colours)]} for k, s in enumerate(series)]
    chart.empty = not any(totals)
    return chart


def _range(start: float, stop: float, step: float) -> list[float]:
    return [start + i * step for i in range(int(round((stop - start) / step)) + 1)]
