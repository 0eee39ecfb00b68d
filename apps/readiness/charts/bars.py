"""Bar charts: agencies by rating, AI-defense coverage by category."""

from __future__ import annotations

import math
from collections.abc import Sequence

from apps.readiness.charts._svg import (
    RATING_FILL,
    WIDTH,
    Chart,
    Palette,
    chart_id_for,
    el,
    fit_text,
    make_chart,
    no_data_chart,
    num,
    pct,
    plural,
    text_el,
    text_width,
)
from apps.readiness.scoring import Rating

_RATING_ROWS = (
    ("Green", Rating.GREEN),
    ("Amber", Rating.AMBER),
    ("Red", Rating.RED),
)


def _shares(counts: Sequence[int]) -> list[int]:
    """Whole percentages that add up to 100 (largest remainder)."""
    total = sum(counts)
    exact = [count * 100 / total for count in counts]
    shares = [math.floor(e) for e in exact]
    by_remainder = sorted(range(len(counts)), key=lambda i: exact[i] - shares[i], reverse=True)
    for i in by_remainder[: 100 - sum(shares)]:
        shares[i] += 1
    return shares


def rating_bar_chart(
    *, green: int, amber: int, red: int, title: str | None = None, chart_id: str | None = None
) -> Chart:
    """One bar per rating, each labelled with its name, count and share of all agencies."""
    counts = (green, amber, red)
    if any(count < 0 for count in counts):
        raise ValueError(f"counts must be >= 0, got green={green} amber={amber} red={red}")
    title = title or "Agencies by rating"
    chart_id = chart_id_for("rating", chart_id, counts, title)
    total = sum(counts)
    headers = ("Rating", "Agencies", "Share")
    if not total:
        return no_data_chart(chart_id, title, "no agency has a rating.", headers)
    shares = _shares(counts)
    rows = [
        (name, str(count), f"{share} %")
        for (name, _), count, share in zip(_RATING_ROWS, counts, shares, strict=True)
    ]
    rows.append(("Total", str(total), "100 %"))
    verb = "is" if green == 1 else "are"
    description = (
        f"{green} of {plural(total, 'agency', 'agencies')} {verb} green ({shares[0]} %), "
        f"{amber} amber ({shares[1]} %) and {red} red ({shares[2]} %)."
    )

    row_height, bar_height, top = 34, 22, 8
    label_right = 64
    bar_left = label_right + 10
    bar_span = WIDTH - bar_left - 120
    peak = max(counts)
    height = top + row_height * 3 + 4
    body = [
        el(
            "line",
            x1=bar_left,
            y1=top,
            x2=bar_left,
            y2=height - 4,
            stroke=Palette.MUTED,
            cls="axis",
        )
    ]
    for i, ((name, rating), count, share) in enumerate(
        zip(_RATING_ROWS, counts, shares, strict=True)
    ):
        y = top + row_height * i + (row_height - bar_height) / 2
        width = bar_span * count / peak
        body.append(text_el(label_right, y + 16, name, text_anchor="end", font_weight="bold"))
        if count:
            body.append(
                el(
                    "rect",
                    x=bar_left,
                    y=num(y),
                    width=num(width),
                    height=bar_height,
                    fill=RATING_FILL[rating],
                    stroke=Palette.TEXT,
                    stroke_width=1,
                    cls=f"bar bar-{rating}",
                )
            )
        body.append(text_el(bar_left + width + 8, y + 16, f"{count} ({share} %)", cls="count"))
    return make_chart(chart_id, title, description, height, body, headers, rows)


def _met(covered: float, target: float) -> bool:
    return covered >= target - 1e-9  # 0.8 reached by float sums like 0.7999999999999999


def coverage_chart(
    *,
    rows: Sequence[tuple[str, float, float]],
    title: str | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Horizontal bars of covered fraction per category (0..1) with a marker at the target."""
    title = title or "AI-defense coverage by category"
    chart_id = chart_id_for("coverage", chart_id, tuple(map(tuple, rows)), title)
    headers = ("Category", "Covered", "Target", "Status")
    table_rows = []
    gaps = []
    for label, covered, target in rows:
        gap = target - covered
        met = _met(covered, target)
        points = round(gap * 100)
        if met:
            status = "target met"
        else:
            status = (
                f"{plural(points, 'point', 'points')} below target"
                if points
                else "just below target"
            )
        table_rows.append((label, pct(covered), pct(target), status))
        gaps.append((gap, label, covered, target, met))
    if not rows:
        return no_data_chart(chart_id, title, "no coverage has been reported.", headers)

    met_count = sum(1 for *_, met in gaps if met)
    if met_count == len(rows):
        description = (
            f"Coverage meets its target in all {plural(len(rows), 'category', 'categories')}."
        )
    else:
        _gap, label, covered, target, _ = max(gaps, key=lambda g: g[0])
        description = (
            f"Coverage meets its target in {met_count} of "
            f"{plural(len(rows), 'category', 'categories')}. Furthest below target: {label}, "
            f"{pct(covered)} covered against {pct(target)}."
        )

    label_width = min(max(text_width(label) for label, _, _ in rows), 190)
    bar_left = label_width + 18
    bar_span = WIDTH - bar_left - 150
    row_height, bar_height = 30, 16
    top = 48
    height = top + row_height * len(rows) + 6

    def x_of(fraction: float) -> float:
        return bar_left + bar_span * min(max(fraction, 0.0), 1.0)

    body: list[str] = []
    # Legend: a bar swatch and the target marker, each with text.
    body.append(
        el("rect", x=bar_left, y=6, width=18, height=10, fill=Palette.EARNED, stroke=Palette.TEXT)
    )
    body.append(text_el(bar_left + 24, 15, "Covered"))
    legend_x = bar_left + 24 + text_width("Covered") + 24
    body.append(
        el(
            "line",
            x1=legend_x + 4,
            y1=3,
            x2=legend_x + 4,
            y2=19,
            stroke=Palette.TEXT,
            stroke_width=3,
        )
    )
    body.append(text_el(legend_x + 14, 15, "Target"))
    for step in range(5):
        x = x_of(step / 4)
        body.append(
            el(
                "line",
                x1=num(x),
                y1=top - 6,
                x2=num(x),
                y2=height - 4,
                stroke=Palette.GRID,
                cls="grid",
            )
        )
        body.append(
            text_el(
                x,
                top - 10,
                f"{step * 25} %",
                text_anchor="middle",
                font_size=10.5,
                fill=Palette.MUTED,
            )
        )
    for i, (label, covered, target) in enumerate(rows):
        met = _met(covered, target)
        y = top + row_height * i + (row_height - bar_height) / 2
        body.append(text_el(bar_left - 8, y + 12, fit_text(label, label_width), text_anchor="end"))
        body.append(
            el(
                "rect",
                x=bar_left,
                y=num(y),
                width=bar_span,
                height=bar_height,
                fill=Palette.TRACK,
                stroke=Palette.MUTED,
                stroke_width=0.75,
            )
        )
        if covered > 0:
            body.append(
                el(
                    "rect",
                    x=bar_left,
                    y=num(y),
                    width=num(x_of(covered) - bar_left),
                    height=bar_height,
                    fill=Palette.EARNED,
                    stroke=Palette.TEXT,
                    stroke_width=1,
                    cls="bar",
                )
            )
        tx = x_of(target)
        for colour, stroke_width in (("#ffffff", 5), (Palette.TEXT, 2.5)):  # white halo on bars
            body.append(
                el(
                    "line",
                    x1=num(tx),
                    y1=num(y - 4),
                    x2=num(tx),
                    y2=num(y + bar_height + 4),
                    stroke=colour,
                    stroke_width=stroke_width,
                    cls="target",
                )
            )
        body.append(
            text_el(
                bar_left + bar_span + 10,
                y + 12,
                f"{pct(covered)} (target {pct(target)}{', met' if met else ''})",
                font_size=11,
            )
        )
    return make_chart(chart_id, title, description, height, body, headers, table_rows)
