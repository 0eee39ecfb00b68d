"""Shared pieces of the chart module: the ``Chart`` value, palette, text measuring, SVG helpers.

Every piece of text or attribute value that reaches the SVG goes through ``xml_text`` or
``xml_attr`` here (``xml.sax.saxutils`` escaping); the chart builders never put caller strings
into markup any other way.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from apps.readiness.scoring import Rating


def index_text(value: float) -> str:
    """An index such as SPI with two decimals, truncated, not rounded: an SPI of 0.748 is
    below the 0.75 red line and must not read as 0.75 (on screens, charts and PDFs alike)."""
    # The epsilon absorbs binary noise (0.29 * 100 is 28.999999999999996), so only a value
    # really below the next hundredth is cut down to it.
    return f"{math.floor(value * 100 + 1e-9) / 100:.2f}"


SVG_NS = "http://www.w3.org/2000/svg"

# DejaVu Sans ships with WeasyPrint's Debian image; Bitstream Vera and Verdana have near-identical
# metrics, so the layout below (measured for DejaVu) holds in browsers that lack it.
FONT_FAMILY = "'DejaVu Sans', 'Bitstream Vera Sans', Verdana, sans-serif"
FONT_SIZE = 12
WIDTH = 640  # viewBox width of every chart; ~1:1 with an A4 page's content box in the PDF

NO_DATA = "No data yet"
MISSING = "no data"


class Palette:
    """Chart colours. Text colours (and every line/series colour, which also labels) reach
    at least 4.5:1 against white (WCAG 2.1 AA for normal text); tests check that.

    The amber fill is lighter than that, so no text is ever drawn in it, and every bar is
    outlined in ``TEXT``, which gives the shape its contrast whatever the fill.
    """

    TEXT = "#1b1b1b"  # 17.2:1
    MUTED = "#565c65"  # 6.7:1, axis and secondary labels
    GRID = "#dfe1e2"  # decorative gridlines only
    TRACK = "#f0f0f0"  # empty part of a coverage bar (outlined)
    PLANNED = "#3d4551"  # 9.7:1, PV: solid line
    EARNED = "#005ea2"  # 6.7:1, EV: dashed line with round markers; coverage bars
    COMPARISON = "#6b3fa0"  # 7.4:1, fleet median: dotted line with square markers
    RED = "#b50909"  # 7.0:1
    AMBER = "#e5a000"  # fill only (2.2:1), outlined; text on it is TEXT (7.7:1)
    GREEN = "#00703c"  # 6.2:1
    NEUTRAL = "#71767a"  # 4.6:1, "no SPI yet" and mixed bands

    TEXT_COLOURS = (TEXT, MUTED, PLANNED, EARNED, COMPARISON, RED, GREEN, NEUTRAL)


RATING_FILL = {Rating.RED: Palette.RED, Rating.AMBER: Palette.AMBER, Rating.GREEN: Palette.GREEN}


@dataclass(frozen=True, slots=True)
class DataTable:
    """The chart's data as display strings: one header per column, rows of equal length."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True, slots=True)
class Chart:
    """A rendered chart.

    ``svg`` is inline SVG markup (no XML declaration, no script, no external reference) whose
    root has ``role="img"`` and ``aria-labelledby`` naming its ``<title>`` and ``<desc>``
    (ids ``{chart_id}-title`` and ``{chart_id}-desc``). ``description`` is one or two
    sentences stating the figures; ``table`` is the data for screen readers and print.
    """

    title: str
    description: str
    svg: str
    table: DataTable
    chart_id: str


# Advance widths of DejaVu Sans for U+0020..U+007E, in 1/1000 em (read from the font's hmtx).
_ASCII_WIDTHS = (
    318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337,
    636, 636, 636, 636, 636, 636, 636, 636, 636, 636, 337, 337, 838, 838, 838, 531,
    1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863, 748, 787,
    603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500,
    500, 613, 635, 550, 635, 615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612,
    635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636, 337, 636, 838,
)  # fmt: skip
_OTHER_WIDTH = 850  # anything else: en dash 500, >= 838, ellipsis 1000, CJK wider


def text_width(text: str, size: float = FONT_SIZE, *, bold: bool = False) -> float:
    """Estimated rendered width of ``text`` in user units (DejaVu Sans metrics)."""
    total = 0
    for ch in text:
        i = ord(ch) - 32
        total += _ASCII_WIDTHS[i] if 0 <= i < 95 else _OTHER_WIDTH
    width = total * size / 1000
    return width * 1.11 if bold else width


def fit_text(text: str, max_width: float, size: float = FONT_SIZE) -> str:
    """``text``, shortened with an ellipsis so that it fits ``max_width``."""
    if text_width(text, size) <= max_width:
        return text
    budget = max_width - text_width("…", size)
    out = text
    while out and text_width(out, size) > budget:
        out = out[:-1]
    return out.rstrip() + "…"


def pct(fraction: float, digits: int = 0) -> str:
    """0.415 -> "42 %" (digits=0) or "41.5 %" (digits=1)."""
    return f"{fraction * 100:.{digits}f} %"


def plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def num(value: float) -> str:
    """A coordinate: one decimal, no "-0.0"."""
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


_ID_RE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*\Z")
# Characters XML 1.0 does not allow even escaped (C0 controls but tab/LF/CR, lone surrogates,
# U+FFFE/U+FFFF): dropped, so any label still yields a well-formed document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: object) -> str:
    """``value`` as escaped XML character data."""
    return escape(_NOT_XML.sub("", str(value)))


def xml_attr(value: object) -> str:
    """``value`` as a quoted, escaped XML attribute value."""
    return quoteattr(_NOT_XML.sub("", str(value)))


def chart_id_for(kind: str, chart_id: str | None, *inputs: object) -> str:
    """The id prefix of a chart's elements.

    Given: checked and returned. Absent: derived from the chart kind and its inputs, so the
    same call gives the same bytes (frozen reports) and different charts get different ids.
    Two charts of the same kind with identical inputs on one page need an explicit id.
    """
    if chart_id is not None:
        if not _ID_RE.match(chart_id):
            raise ValueError(
                f"chart_id must start with a letter and hold only letters, digits, '-' "
                f"and '_', got {chart_id!r}"
            )
        return chart_id
    digest = hashlib.blake2s(repr(inputs).encode(), digest_size=5).hexdigest()
    return f"chart-{kind}-{digest}"


def _attrs(attributes: dict[str, object]) -> str:
    return "".join(
        f" {'class' if name == 'cls' else name.replace('_', '-')}={xml_attr(value)}"
        for name, value in attributes.items()
        if value is not None
    )


def el(tag: str, **attributes: object) -> str:
    """An empty element; ``stroke_width=2`` becomes ``stroke-width="2"``, ``cls`` becomes
    ``class``, and None values are left out. Values are escaped."""
    return f"<{tag}{_attrs(attributes)}/>"


def text_el(x: float, y: float, content: str, **attributes: object) -> str:
    """A <text> element at baseline ``y``; ``content`` is escaped."""
    return f'<text x="{num(x)}" y="{num(y)}"{_attrs(attributes)}>{xml_text(content)}</text>'


def svg_document(
    chart_id: str, title: str, description: str, height: float, body: Iterable[str]
) -> str:
    """The <svg> root around ``body``, ``WIDTH`` wide, scaling to its container."""
    return "".join(
        (
            f'<svg xmlns="{SVG_NS}" class="chart-svg" viewBox="0 0 {WIDTH} {num(height)}" '
            f'width="100%" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
            f'font-family={xml_attr(FONT_FAMILY)} font-size="{FONT_SIZE}" '
            f'fill="{Palette.TEXT}">',
            f'<title id="{chart_id}-title">{xml_text(title)}</title>',
            f'<desc id="{chart_id}-desc">{xml_text(description)}</desc>',
            *body,
            "</svg>",
        )
    )


def make_chart(
    chart_id: str,
    title: str,
    description: str,
    height: float,
    body: Iterable[str],
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
) -> Chart:
    return Chart(
        title=title,
        description=description,
        svg=svg_document(chart_id, title, description, height, body),
        table=DataTable(headers=tuple(headers), rows=tuple(tuple(row) for row in rows)),
        chart_id=chart_id,
    )


def no_data_chart(chart_id: str, title: str, detail: str, headers: Sequence[str]) -> Chart:
    """A valid chart that says "No data yet" (in the picture, the description and the table)."""
    height = 120
    body = (
        el(
            "rect",
            x=1,
            y=1,
            width=WIDTH - 2,
            height=height - 2,
            fill="none",
            stroke=Palette.GRID,
            stroke_width=2,
            stroke_dasharray="6 4",
        ),
        text_el(WIDTH / 2, height / 2 + 5, NO_DATA, text_anchor="middle", font_size=16),
        text_el(
            WIDTH / 2,
            height / 2 + 26,
            fit_text(detail, WIDTH - 40, 11),
            text_anchor="middle",
            font_size=11,
            fill=Palette.MUTED,
        ),
    )
    return make_chart(chart_id, title, f"{NO_DATA}: {detail}", height, body, headers, ())
