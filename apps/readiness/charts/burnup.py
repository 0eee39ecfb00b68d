"""Burn-up chart: earned value (EV) against planned value (PV) by day of the directive."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from apps.readiness.charts._svg import (
    MISSING,
    WIDTH,
    Chart,
    Palette,
    chart_id_for,
    el,
    fit_text,
    index_text,
    make_chart,
    no_data_chart,
    num,
    pct,
    text_el,
    text_width,
)

_LEFT = 48  # room for "100 %"
_RIGHT = WIDTH - 20
_PLOT_HEIGHT = 220
_LEGEND_Y = 16
_MILESTONE_FONT = 10.5
_MILESTONE_ROW = 14
_MAX_MILESTONE_ROWS = 3
_MAX_MARKERS = 62  # beyond this many days the markers would merge into a thick line


@dataclass(frozen=True, slots=True)
class _Series:
    """How one line is drawn; the dash pattern and marker tell it apart without colour."""

    key: str  # "pv", "ev" or "comparison"; also the data column and the CSS class suffix
    label: str
    colour: str
    dash: str | None
    marker: str | None  # "circle", "square" or None


def _clamp(value: float) -> float:
    return 0.0 if value < 0 else 1.0 if value > 1 else value


def _marker(series: _Series, x: float, y: float, cls: str | None = None) -> str:
    cls = cls or f"marker marker-{series.key}"
    if series.marker == "square":
        return el(
            "rect",
            x=num(x - 3),
            y=num(y - 3),
            width=6,
            height=6,
            fill="#ffffff",
            stroke=series.colour,
            stroke_width=1.8,
            cls=cls,
        )
    return el(
        "circle",
        cx=num(x),
        cy=num(y),
        r=3.2,
        fill="#ffffff",
        stroke=series.colour,
        stroke_width=1.8,
        cls=cls,
    )


def _draw_series(series: _Series, points: list[tuple[float, float] | None]) -> list[str]:
    """One <path> with a subpath per run of known points (None breaks the line), then markers."""
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    for point in points:
        if point is None:
            if current:
                runs.append(current)
                current = []
        else:
            current.append(point)
    if current:
        runs.append(current)
    if not runs:
        return []
    d = " ".join(
        "M" + " L".join(f"{num(x)} {num(y)}" for x, y in run) for run in runs if len(run) > 1
    )
    out = []
    if d:
        out.append(
            el(
                "path",
                d=d,
                fill="none",
                stroke=series.colour,
                stroke_width=2.5 if series.key == "ev" else 2,
                stroke_dasharray=series.dash,
                stroke_linecap="round" if series.key == "comparison" else None,
                stroke_linejoin="round",
                cls=f"series series-{series.key}",
            )
        )
    known = [p for run in runs for p in run]
    if series.marker and len(points) <= _MAX_MARKERS:
        out.extend(_marker(series, x, y) for x, y in known)
    else:  # a lone point has no line to show it
        out.extend(_marker(series, *run[0]) for run in runs if len(run) == 1)
    return out


def _legend(series_list: list[_Series], left: float) -> list[str]:
    out = []
    x = left
    y = _LEGEND_Y
    for series in series_list:
        out.append(
            el(
                "line",
                x1=num(x),
                y1=y - 4,
                x2=num(x + 28),
                y2=y - 4,
                stroke=series.colour,
                stroke_width=2.5 if series.key == "ev" else 2,
                stroke_dasharray=series.dash,
                stroke_linecap="round" if series.key == "comparison" else None,
            )
        )
        if series.marker:
            out.append(_marker(series, x + 14, y - 4, cls="legend-marker"))
        out.append(text_el(x + 34, y, series.label))
        x += 34 + text_width(series.label) + 20
    return out


def _milestone_rows(
    milestones: Sequence[tuple[int, str]], x_of, plot_width: float
) -> list[tuple[int, float, str]]:
    """(row, centre x, text) per milestone: labels go to the first row where they do not
    overlap the previous label; the last row takes what is left (labels then shortened)."""
    placed = []
    row_ends = [float("-inf")] * _MAX_MILESTONE_ROWS
    for day, label in sorted(milestones, key=lambda m: m[0]):
        text = fit_text(label, min(plot_width / 2, 180), _MILESTONE_FONT)
        width = text_width(text, _MILESTONE_FONT)
        centre = min(max(x_of(day), _LEFT + width / 2), _RIGHT - width / 2)
        row = next(
            (i for i, end in enumerate(row_ends) if centre - width / 2 > end + 8),
            _MAX_MILESTONE_ROWS - 1,
        )
        row_ends[row] = centre + width / 2
        placed.append((row, centre, text))
    return placed


def burnup_chart(
    *,
    days: Sequence[int],
    ev: Sequence[float | None],
    pv: Sequence[float | None],
    today: int,
    window_days: int = 30,
    milestones: Sequence[tuple[int, str]] = (),
    comparison: Sequence[float | None] | None = None,
    comparison_label: str = "Fleet median EV",
    subject: str = "Fleet",
    title: str | None = None,
    chart_id: str | None = None,
) -> Chart:
    """EV and PV (fractions 0..1, None where there is no figure, e.g. future days) by day.

    PV is a solid line, EV a dashed line with round markers, the optional ``comparison``
    (e.g. the fleet median EV on a CISO's page) a dotted line with square markers. Today is a
    labelled vertical line; milestones are labelled dotted lines. The x axis runs from day 0
    to ``window_days`` (further if ``today`` or the data go past the deadline).
    """
    n = len(days)
    if len(ev) != n or len(pv) != n or (comparison is not None and len(comparison) != n):
        raise ValueError("days, ev, pv (and comparison) must have the same length")
    if window_days < 1:
        raise ValueError(f"window_days must be >= 1, got {window_days}")
    title = title or f"{subject} burn-up: earned against planned value"
    chart_id = chart_id_for(
        "burnup",
        chart_id,
        tuple(days),
        tuple(ev),
        tuple(pv),
        today,
        window_days,
        tuple(milestones),
        None if comparison is None else tuple(comparison),
        comparison_label,
        subject,
        title,
    )
    comp = list(comparison) if comparison is not None else [None] * n
    data = sorted(zip(days, pv, ev, comp, strict=True), key=lambda r: r[0])

    headers = ["Day", "Planned value (PV)", "Earned value (EV)"]
    if comparison is not None:
        headers.append(comparison_label)
    milestone_text: dict[int, list[str]] = {}
    for day, label in milestones:
        milestone_text.setdefault(day, []).append(label)
    if milestones:
        headers.append("Milestone")

    def cell(value: float | None) -> str:
        return MISSING if value is None else pct(value, 1)

    rows = []
    for day, p, e, c in data:
        row = [f"{day} (today)" if day == today else str(day), cell(p), cell(e)]
        if comparison is not None:
            row.append(cell(c))
        if milestones:
            row.append("; ".join(milestone_text.get(day, ())))
        rows.append(row)

    if all(p is None and e is None for _, p, e, _ in data):
        return no_data_chart(
            chart_id, title, "no earned or planned value has been recorded.", headers
        )

    description = _describe(data, today, subject, comparison_label if comparison else None)

    x_max = max(window_days, today, data[-1][0])
    plot_width = _RIGHT - _LEFT

    def x_of(day: float) -> float:
        return _LEFT + plot_width * min(max(day, 0), x_max) / x_max

    placed = _milestone_rows(milestones, x_of, plot_width)
    rows_used = max((row for row, _, _ in placed), default=-1) + 1
    plot_top = 34 + rows_used * _MILESTONE_ROW + (8 if rows_used else 0)
    bottom = plot_top + _PLOT_HEIGHT
    height = bottom + 44

    def y_of(value: float) -> float:
        return bottom - _PLOT_HEIGHT * _clamp(value)

    body: list[str] = []
    # Gridlines and y labels.
    for step in range(5):
        y = y_of(step / 4)
        body.append(
            el("line", x1=_LEFT, y1=num(y), x2=_RIGHT, y2=num(y), stroke=Palette.GRID, cls="grid")
        )
        body.append(
            text_el(_LEFT - 6, y + 4, f"{step * 25} %", text_anchor="end", fill=Palette.MUTED)
        )
    # X axis with day ticks.
    step = 5 if x_max <= 40 else 10
    # Round days, the deadline and the axis end, without two labels crowding each other.
    ticks = sorted(
        {t for t in range(0, x_max + 1, step) if t == 0 or abs(t - window_days) >= step / 2}
        | {window_days}
    )
    if x_max - ticks[-1] >= step / 2:
        ticks.append(x_max)
    body.append(
        el("line", x1=_LEFT, y1=bottom, x2=_RIGHT, y2=bottom, stroke=Palette.MUTED, cls="axis")
    )
    for day in ticks:
        x = x_of(day)
        body.append(
            el("line", x1=num(x), y1=bottom, x2=num(x), y2=bottom + 4, stroke=Palette.MUTED)
        )
        body.append(text_el(x, bottom + 17, str(day), text_anchor="middle", fill=Palette.MUTED))
    body.append(
        text_el(
            (_LEFT + _RIGHT) / 2,
            bottom + 36,
            "Day of the directive",
            text_anchor="middle",
            fill=Palette.MUTED,
        )
    )
    # Milestones: dotted lines through the plot, with a tick above it under their label.
    for (day, _label), (row, centre, text) in zip(
        sorted(milestones, key=lambda m: m[0]), placed, strict=True
    ):
        x = x_of(day)
        label_y = 34 + row * _MILESTONE_ROW + 6
        body.append(
            el(
                "line",
                x1=num(x),
                y1=plot_top - 5,
                x2=num(x),
                y2=bottom,
                stroke=Palette.MUTED,
                stroke_width=1,
                stroke_dasharray="1 3",
                cls="milestone",
            )
        )
        body.append(
            text_el(
                centre,
                label_y,
                text,
                text_anchor="middle",
                font_size=_MILESTONE_FONT,
                fill=Palette.MUTED,
            )
        )

    series = [_Series("pv", "Planned value (PV)", Palette.PLANNED, None, None)]
    series.append(_Series("ev", "Earned value (EV)", Palette.EARNED, "7 4", "circle"))
    if comparison is not None:
        series.append(
            _Series("comparison", comparison_label, Palette.COMPARISON, "0.5 4.5", "square")
        )
    columns = {"pv": 1, "ev": 2, "comparison": 3}
    for s in series:
        points = [
            None if row[columns[s.key]] is None else (x_of(row[0]), y_of(row[columns[s.key]]))
            for row in data
        ]
        body.extend(_draw_series(s, points))
    body.extend(_legend(series, _LEFT))

    if 0 <= today <= x_max:
        known = [
            (x_of(row[0]), row[column])
            for row in data
            for column in (1, 2, 3)
            if row[column] is not None
        ]
        body.extend(_today_marker(today, x_of(today), plot_top, bottom, known, plot_width / x_max))
    return make_chart(chart_id, title, description, height, body, headers, rows)


def _today_marker(
    today: int,
    x: float,
    top: float,
    bottom: float,
    known: list[tuple[float, float]],
    day_width: float,
) -> list[str]:
    """A solid vertical line and a "Today (day N)" label on a white ground, at the top of
    the plot, or at its bottom when the lines pass through the top where the label goes."""
    label = f"Today (day {today})"
    width = text_width(label, 11, bold=True)
    left_side = x + 6 + width > _RIGHT
    x0, x1 = (x - 6 - width, x - 6) if left_side else (x + 6, x + 6 + width)
    near = [v for px, v in known if x0 - day_width <= px <= x1 + day_width]
    # The label covers the top (or bottom) 22 units of the 220-unit plot, i.e. ~10 %.
    at_bottom = bool(near) and max(near) > 0.88 and min(near) > 0.12
    baseline = bottom - 6 if at_bottom else top + 14
    return [
        el(
            "line",
            x1=num(x),
            y1=top,
            x2=num(x),
            y2=bottom,
            stroke=Palette.TEXT,
            stroke_width=1.5,
            cls="today",
        ),
        el(
            "rect",
            x=num(x0 - 3),
            y=num(baseline - 12),
            width=num(width + 6),
            height=16,
            fill="#ffffff",
            fill_opacity=0.9,
        ),
        text_el(
            x1 if left_side else x0,
            baseline,
            label,
            text_anchor="end" if left_side else "start",
            font_size=11,
            font_weight="bold",
            cls="today-label",
        ),
    ]


def _describe(
    data: list[tuple[int, float | None, float | None, float | None]],
    today: int,
    subject: str,
    comparison_label: str | None,
) -> str:
    past = [row for row in data if row[0] <= today and row[2] is not None]
    if not past:
        planned = next((row[1] for row in data if row[0] == today and row[1] is not None), None)
        text = f"No earned value has been reported yet for {subject.lower()}"
        if planned is not None:
            text += f"; {pct(planned)} is planned by day {today}"
        return text + "."
    day, planned, earned, other = past[-1]
    if planned is None:
        text = f"{subject} earned value is {pct(earned)} on day {day} (no planned value)"
    else:
        text = (
            f"{subject} earned value is {pct(earned)} against {pct(planned)} planned on day {day}"
        )
        if planned > 0:
            text += f" (SPI {index_text(earned / planned)})"
    if day != today:
        text += f", the latest day with data; today is day {today}"
    text += "."
    if comparison_label is not None and other is not None:
        text += f" {comparison_label} is {pct(other)}."
    return text
