"""Server-rendered SVG charts for the portrait pages: horizontal bars, grouped columns with an
optional line (creations / closures / net balance) and lines (survival).

Plain functions that return SVG markup (a string), with no JavaScript: the charts print cleanly,
scale with their `viewBox` on a phone and work without scripts. Each chart is `role="img"` with a
`<title>` and a `<desc>` referenced by `aria-labelledby`; pages put the same figures in a data
table next to it. Colours come from the Okabe–Ito colour-blind-safe set, keeping those with at
least 3:1 contrast against white (WCAG 1.4.11 for graphical objects).
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

# Okabe–Ito colours with ≥ 3:1 contrast on white, plus the site's accent for single series.
ACCENT = "#0b5d46"
SERIES_COLOURS = ["#0072b2", "#b35900", "#1e1e1e", "#a3407f", "#007a5a"]
INK = "#1e1e1e"
MUTED = "#4a4a4a"
GRID = "#c9cfcc"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
MAX_LABEL = 60  # characters of a bar label before it is shortened (the data table has it whole)


def format_number(value: float | None, decimals: int = 0) -> str:
    """French number: narrow no-break space between thousands, decimal comma; « — » for None."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text.replace("-", "−")


def format_percent(value: float | None, decimals: int = 1) -> str:
    """A share (0.123) as « 12,3 % »."""
    return "—" if value is None else f"{format_number(value * 100, decimals)}\u00a0%"


@dataclass
class Series:
    name: str
    values: Sequence[float | None]
    colour: str = ""


def _svg_open(chart_id: str, width: float, height: float, title: str, description: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{escape(chart_id)}" '
        f'viewBox="0 0 {width:g} {height:g}" width="100%" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" '
        f'font-family="{FONT}" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
    )


def _shorten(label: str, limit: int = MAX_LABEL) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _empty(chart_id: str, title: str, message: str, width: float) -> str:
    return (
        _svg_open(chart_id, width, 60, title, message)
        + f'<text x="0" y="36" font-size="16" fill="{MUTED}">{escape(message)}</text></svg>'
    )


def bar_chart(
    bars: Sequence[tuple[str, float | None]],
    *,
    title: str,
    chart_id: str,
    description: str = "",
    value_format: Callable[[float | None], str] = format_number,
    colour: str = ACCENT,
    width: float = 640,
    empty_message: str = "Aucune donnée à représenter.",
) -> str:
    """Horizontal bars, one per (label, value), in the given order. Each label sits on its own
    line above its bar so that long French labels stay readable on a phone. Bar lengths are
    proportional to the values (zero at the left edge); None counts as no bar."""
    values = [v or 0 for _, v in bars]
    if not bars or not any(values):
        return _empty(chart_id, title, empty_message, width)
    top = max(values)
    value_room = 110  # room right of the longest bar for its value
    usable = width - value_room
    row = 46
    height = row * len(bars) + 8
    parts = [_svg_open(chart_id, width, height, title, description or title)]
    for index, ((label, value), length) in enumerate(zip(bars, values, strict=True)):
        y = index * row
        bar_width = max(usable * max(length, 0) / top, 0) if top > 0 else 0
        parts.append(
            f'<g class="bar"><text x="0" y="{y + 16}" font-size="15" fill="{INK}">'
            f"{escape(_shorten(label))}</text>"
            f'<rect x="0" y="{y + 22}" width="{bar_width:.1f}" height="16" fill="{colour}">'
            f"<title>{escape(label)} : {escape(value_format(value))}</title></rect>"
            f'<text x="{bar_width + 6:.1f}" y="{y + 35}" font-size="14" fill="{INK}">'
            f"{escape(value_format(value))}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def nice_ticks(low: float, high: float, count: int = 4) -> list[float]:
    """Round tick values covering [low, high] (low ≤ 0 ≤ high expected), about `count` steps."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    start, end = math.floor(low / step) * step, math.ceil(high / step) * step
    count = max(1, round((end - start) / step))
    return [round(start + i * step, 10) for i in range(count + 1)]


@dataclass
class _Frame:
    """Plot area of a chart with a vertical value axis."""

    left: float
    top: float
    width: float
    height: float
    low: float
    high: float

    def y(self, value: float) -> float:
        span = self.high - self.low or 1
        return self.top + self.height * (self.high - value) / span


def _axes(frame: _Frame, ticks: list[float], categories: Sequence[str], step: float, fmt) -> str:
    parts = []
    for tick in ticks:
        y = frame.y(tick)
        stroke = INK if tick == 0 else GRID
        parts.append(
            f'<line x1="{frame.left}" x2="{frame.left + frame.width}" y1="{y:.1f}" '
            f'y2="{y:.1f}" stroke="{stroke}" stroke-width="1"/>'
            f'<text x="{frame.left - 6}" y="{y + 5:.1f}" font-size="13" text-anchor="end" '
            f'fill="{MUTED}">{escape(fmt(tick))}</text>'
        )
    # At most ~12 category labels, so that years stay legible.
    every = max(1, math.ceil(len(categories) / 12))
    base = frame.top + frame.height + 18
    for index, category in enumerate(categories):
        if index % every:
            continue
        x = frame.left + step * (index + 0.5)
        parts.append(
            f'<text x="{x:.1f}" y="{base}" font-size="13" text-anchor="middle" '
            f'fill="{MUTED}">{escape(category)}</text>'
        )
    return "".join(parts)


def _legend(
    series: Sequence[Series], y: float, line_names: set[str], width: float
) -> tuple[str, float]:
    """(legend markup, its height): items left to right, wrapping to a new line at the width."""
    parts, x, row = [], 0.0, 0
    for item in series:
        item_width = 34 + 8.2 * len(item.name)
        if x and x + item_width > width:
            x, row = 0.0, row + 1
        top = y + row * 22
        if item.name in line_names:
            mark = (
                f'<line x1="{x}" x2="{x + 18}" y1="{top - 5}" y2="{top - 5}" '
                f'stroke="{item.colour}" stroke-width="3"/>'
            )
        else:
            mark = f'<rect x="{x}" y="{top - 12}" width="14" height="14" fill="{item.colour}"/>'
        parts.append(
            f'{mark}<text x="{x + 22}" y="{top}" font-size="14" fill="{INK}">'
            f"{escape(item.name)}</text>"
        )
        x += item_width
    return "".join(parts), 22 * (row + 1)


def _coloured(series: Sequence[Series], offset: int = 0) -> list[Series]:
    return [
        Series(s.name, list(s.values), s.colour or SERIES_COLOURS[(i + offset) % 5])
        for i, s in enumerate(series)
    ]


def column_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    chart_id: str,
    description: str = "",
    line: Series | None = None,
    value_format: Callable[[float | None], str] = format_number,
    width: float = 640,
    height: float = 300,
    empty_message: str = "Aucune donnée à représenter.",
) -> str:
    """Grouped vertical columns (one group per category, one column per series) with an optional
    line drawn over them (e.g. the net balance of creations and closures). Negative values go
    below the zero line."""
    series = _coloured(series)
    if line is not None:
        line = _coloured([line], offset=2)[0]
    every_value = [v for s in [*series, *([line] if line else [])] for v in s.values if v]
    if not categories or not every_value:
        return _empty(chart_id, title, empty_message, width)
    ticks = nice_ticks(min(0, *every_value), max(0, *every_value))
    legend, legend_height = _legend(
        [*series, *([line] if line else [])], 16, {line.name} if line else set(), width
    )
    height += legend_height - 22
    frame = _Frame(
        70, 12 + legend_height, width - 80, height - legend_height - 42, ticks[0], ticks[-1]
    )
    step = frame.width / len(categories)
    parts = [_svg_open(chart_id, width, height, title, description or title), legend]
    parts.append(_axes(frame, ticks, categories, step, value_format))
    column = step * 0.8 / max(len(series), 1)
    zero = frame.y(0)
    for s_index, item in enumerate(series):
        for index, value in enumerate(item.values):
            if not value:
                continue
            x = frame.left + step * index + step * 0.1 + column * s_index
            y = frame.y(value)
            top, bar_height = (y, zero - y) if value > 0 else (zero, y - zero)
            parts.append(
                f'<rect x="{x:.1f}" y="{top:.1f}" width="{column:.1f}" '
                f'height="{bar_height:.1f}" fill="{item.colour}"><title>'
                f"{escape(item.name)} {escape(categories[index])} : "
                f"{escape(value_format(value))}</title></rect>"
            )
    if line is not None:
        parts.append(_polyline(frame, step, line, value_format, categories))
    parts.append("</svg>")
    return "".join(parts)


def _polyline(frame: _Frame, step: float, item: Series, fmt, categories) -> str:
    points = [
        (frame.left + step * (index + 0.5), frame.y(value), value, index)
        for index, value in enumerate(item.values)
        if value is not None
    ]
    if not points:
        return ""
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
    dots = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{item.colour}"><title>'
        f"{escape(item.name)} {escape(categories[i])} : {escape(fmt(v))}</title></circle>"
        for x, y, v, i in points
    )
    return (
        f'<polyline points="{path}" fill="none" stroke="{item.colour}" stroke-width="2.5"/>{dots}'
    )


def line_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    chart_id: str,
    description: str = "",
    value_format: Callable[[float | None], str] = format_percent,
    low: float = 0.0,
    high: float | None = None,
    width: float = 640,
    height: float = 300,
    empty_message: str = "Aucune donnée à représenter.",
) -> str:
    """One line per series over the categories (e.g. survival rate by years since creation);
    the value axis runs from `low` to `high` (default: the largest value)."""
    series = _coloured(series)
    values = [v for s in series for v in s.values if v is not None]
    if not categories or not values:
        return _empty(chart_id, title, empty_message, width)
    ticks = nice_ticks(min(low, *values), high if high is not None else max(values))
    legend, legend_height = _legend(series, 16, {s.name for s in series}, width)
    height += legend_height - 22
    frame = _Frame(
        70, 12 + legend_height, width - 80, height - legend_height - 42, ticks[0], ticks[-1]
    )
    step = frame.width / len(categories)
    parts = [_svg_open(chart_id, width, height, title, description or title), legend]
    parts.append(_axes(frame, ticks, categories, step, value_format))
    for item in series:
        parts.append(_polyline(frame, step, item, value_format, categories))
    parts.append("</svg>")
    return "".join(parts)
