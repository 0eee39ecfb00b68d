"""Histogram of agencies by schedule performance index (SPI) band."""

from __future__ import annotations

import math
import statistics
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from apps.readiness.charts._svg import (
    RATING_FILL,
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
    plural,
    text_el,
    text_width,
)
from apps.readiness.scoring import DEFAULT_SETTINGS, Rating

DEFAULT_SPI_BINS: tuple[float | None, ...] = (0, 0.5, 0.75, 0.95, 1.05, 1.5, None)
NO_SPI_LABEL = "No SPI yet"

# Text under each SPI bar and in the table, so the band's rating never rests on colour alone.
_RATING_WORD = {Rating.RED: "red", Rating.AMBER: "amber", Rating.GREEN: "green", None: "mixed"}


@dataclass(frozen=True, slots=True)
class SpiBand:
    """One histogram band: [low, high), open below for the first band, above when high is None."""

    label: str
    low: float
    high: float | None
    rating: str | None  # the SPI part of the rating rule; None when the band straddles a threshold


def spi_bands(bins: Sequence[float | None] = DEFAULT_SPI_BINS) -> tuple[SpiBand, ...]:
    """The bands of ``bins``: strictly increasing edges ending with None (open top band).

    A value v falls in the band whose low <= v < high, so an edge belongs to the band above
    it (0.75 is in the band "0.75 to 0.95"), matching the rating rule ("SPI < 0.75 is red"). Values
    below the first edge fall into the first band, labelled "< {second edge}".
    """
    edges = list(bins[:-1])
    if len(bins) < 3 or bins[-1] is not None or any(e is None for e in edges):
        raise ValueError("bins must be at least two numbers followed by None, e.g. (0, 1, None)")
    if any(b >= a for a, b in zip(edges[1:], edges, strict=False)):
        raise ValueError(f"bin edges must increase strictly, got {edges}")
    red, amber = DEFAULT_SETTINGS.red_spi, DEFAULT_SETTINGS.amber_spi
    bands = []
    last = len(edges) - 1
    for i, low in enumerate(edges):
        high = edges[i + 1] if i < last else None
        if i == 0:
            label = f"< {high:.2f}"
        elif high is None:
            label = f"≥ {low:.2f}"
        else:
            label = f"{low:.2f}\u2013{high:.2f}"  # en dash
        floor = -math.inf if i == 0 else low
        ceiling = math.inf if high is None else high
        if ceiling <= red:
            rating = Rating.RED
        elif floor >= red and ceiling <= amber:
            rating = Rating.AMBER
        elif floor >= amber:
            rating = Rating.GREEN
        else:
            rating = None
        bands.append(SpiBand(label, low, high, rating))
    return tuple(bands)


def _band_index(lows: list[float], value: float) -> int:
    return max(bisect_right(lows, value) - 1, 0)


def spi_distribution_chart(
    *,
    spis: Sequence[float | None],
    bins: Sequence[float | None] = DEFAULT_SPI_BINS,
    highlight: float | None = None,
    highlight_label: str = "Your agency",
    title: str | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Histogram of agencies by SPI band (None: "No SPI yet"), bars filled by the band's
    rating and labelled with counts. ``highlight`` marks one SPI (a CISO's own agency) with
    a labelled pointer; no agency is named."""
    bands = spi_bands(bins)
    title = title or "Agencies by schedule performance index (SPI)"
    chart_id = chart_id_for(
        "spi", chart_id, tuple(spis), tuple(bins), highlight, highlight_label, title
    )
    lows = [band.low for band in bands]
    counts = [0] * (len(bands) + 1)  # the last slot counts "no SPI yet"
    values = []
    for spi in spis:
        if spi is None:
            counts[-1] += 1
            continue
        if math.isnan(spi):
            raise ValueError("an SPI is NaN; pass None for an agency without SPI")
        values.append(spi)
        counts[_band_index(lows, spi)] += 1
    if highlight is not None and math.isnan(highlight):
        raise ValueError("highlight is NaN; pass None to mark nothing")
    highlight_band = None if highlight is None else _band_index(lows, highlight)

    headers = ["SPI band", "Rating (SPI rule)", "Agencies"]
    if highlight is not None:
        headers.append(highlight_label)
    rows = []
    for i, band in enumerate(bands):
        row = [band.label, _RATING_WORD[band.rating], str(counts[i])]
        if highlight is not None:
            row.append(f"SPI {index_text(highlight)}" if i == highlight_band else "")
        rows.append(row)
    rows.append(
        [NO_SPI_LABEL, "not rated", str(counts[-1])] + ([""] if highlight is not None else [])
    )

    if not spis:
        return no_data_chart(chart_id, title, "no agency figures have been computed.", headers)

    description = _describe_spis(
        values, len(spis), bands, highlight, highlight_band, highlight_label
    )

    top = 46 if highlight is not None else 24
    plot_height = 170
    bottom = top + plot_height
    height = bottom + 58
    left, right = 16, WIDTH - 16
    slot = (right - left) / len(counts)
    bar_width = slot * 0.64
    peak = max(counts) or 1

    body: list[str] = [
        el("line", x1=left, y1=bottom, x2=right, y2=bottom, stroke=Palette.MUTED, cls="axis")
    ]
    bar_tops = []
    for i, count in enumerate(counts):
        band = bands[i] if i < len(bands) else None
        x = left + slot * i + (slot - bar_width) / 2
        bar_height = plot_height * count / peak
        y = bottom - bar_height
        bar_tops.append(y)
        fill = RATING_FILL.get(band.rating, Palette.NEUTRAL) if band else Palette.NEUTRAL
        if count:
            body.append(
                el(
                    "rect",
                    x=num(x),
                    y=num(y),
                    width=num(bar_width),
                    height=num(bar_height),
                    fill=fill,
                    stroke=Palette.TEXT,
                    stroke_width=3 if i == highlight_band else 1,
                    cls="bar",
                )
            )
        centre = x + bar_width / 2
        body.append(
            text_el(
                centre, y - 6, str(count), text_anchor="middle", font_weight="bold", cls="count"
            )
        )
        label = band.label if band else NO_SPI_LABEL
        word = _RATING_WORD[band.rating] if band else "not rated"
        body.append(
            text_el(
                centre,
                bottom + 16,
                fit_text(label, slot - 4, 11),
                text_anchor="middle",
                font_size=11,
            )
        )
        body.append(
            text_el(
                centre, bottom + 30, word, text_anchor="middle", font_size=10.5, fill=Palette.MUTED
            )
        )
    # A dashed rule sets "no SPI yet" apart from the SPI scale.
    sep = left + slot * len(bands)
    body.append(
        el(
            "line",
            x1=num(sep),
            y1=top,
            x2=num(sep),
            y2=bottom + 34,
            stroke=Palette.MUTED,
            stroke_dasharray="3 3",
        )
    )
    body.append(
        text_el(
            left + slot * len(bands) / 2,
            bottom + 50,
            "Schedule performance index (SPI); bars: number of agencies",
            text_anchor="middle",
            fill=Palette.MUTED,
        )
    )

    if highlight is not None and highlight_band is not None:
        band = bands[highlight_band]
        box = left + slot * highlight_band + (slot - bar_width) / 2
        if band.high is None:
            share = 0.5
        else:
            share = min(max((highlight - band.low) / (band.high - band.low), 0.0), 1.0)
        x = box + bar_width * share
        label = f"{highlight_label}: SPI {index_text(highlight)}"
        width = text_width(label, bold=True)
        label_x = min(max(x, left + width / 2), right - width / 2)
        body.append(text_el(label_x, 14, label, text_anchor="middle", font_weight="bold"))
        body.append(
            el(
                "path",
                d=f"M{num(x - 6)} 19 L{num(x + 6)} 19 L{num(x)} 27 Z",
                fill=Palette.TEXT,
                cls="highlight",
            )
        )
        line_end = bar_tops[highlight_band] - 20
        if line_end > 30:
            body.append(
                el(
                    "line",
                    x1=num(x),
                    y1=27,
                    x2=num(x),
                    y2=num(line_end),
                    stroke=Palette.TEXT,
                    stroke_width=1.5,
                    stroke_dasharray="3 2",
                )
            )
    return make_chart(chart_id, title, description, height, body, headers, rows)


def _describe_spis(
    values: list[float],
    total: int,
    bands: Sequence[SpiBand],
    highlight: float | None,
    highlight_band: int | None,
    highlight_label: str,
) -> str:
    red, amber = DEFAULT_SETTINGS.red_spi, DEFAULT_SETTINGS.amber_spi
    without = total - len(values)
    if not values:
        text = f"None of the {plural(total, 'agency', 'agencies')} has an SPI yet."
    else:
        n_red = sum(1 for v in values if v < red)
        n_amber = sum(1 for v in values if red <= v < amber)
        n_green = len(values) - n_red - n_amber
        text = (
            f"Of {plural(total, 'agency', 'agencies')}, {len(values)} "
            f"{'has an SPI' if len(values) == 1 else 'have an SPI'}: "
            f"{n_red} below {red:.2f}, {n_amber} from {red:.2f} to under {amber:.2f} and "
            f"{n_green} at {amber:.2f} or above"
        )
        if without:
            text += f"; {without} {'has' if without == 1 else 'have'} no SPI yet"
        text += f". Median SPI {index_text(statistics.median(values))}."
    if highlight is not None and highlight_band is not None:
        band = bands[highlight_band].label
        text += f" {highlight_label}: SPI {index_text(highlight)}, in the {band} band."
    return text
