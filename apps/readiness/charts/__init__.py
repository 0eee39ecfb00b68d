"""Server-side SVG charts, the same in the dashboards and in the PDF reports.

Pure functions: plain values in, a ``Chart`` out (``title``, ``description``, ``svg``,
``table``, ``chart_id``). The SVG is hand-written markup with every caller string escaped; it
has no script, no external reference and no XML declaration, carries ``role="img"`` and
``aria-labelledby`` naming its <title> and <desc>, scales with its container (viewBox,
width 100 %) and fixes its font (DejaVu Sans) so WeasyPrint and browsers lay it out alike.
Series differ by dash pattern, marker or direct text label as well as by colour. Render a
chart with ``templates/readiness/partials/_chart.html``, which adds the caption and the data
table; ``static/css/charts.css`` styles both and the milestone heat map (``MILESTONE_STATES``).

Element ids inside a chart start with its ``chart_id``. By default that is derived from the
chart's inputs (same inputs, same bytes); pass ``chart_id`` when one page shows two charts of
the same kind with the same data.
"""

from apps.readiness.charts._svg import FONT_FAMILY, NO_DATA, Chart, DataTable, Palette
from apps.readiness.charts.bars import coverage_chart, rating_bar_chart
from apps.readiness.charts.burnup import burnup_chart
from apps.readiness.charts.heatmap import MILESTONE_STATES, MilestoneState
from apps.readiness.charts.spi import (
    DEFAULT_SPI_BINS,
    NO_SPI_LABEL,
    SpiBand,
    spi_bands,
    spi_distribution_chart,
)

__all__ = [
    "DEFAULT_SPI_BINS",
    "FONT_FAMILY",
    "MILESTONE_STATES",
    "NO_DATA",
    "NO_SPI_LABEL",
    "Chart",
    "DataTable",
    "MilestoneState",
    "Palette",
    "SpiBand",
    "burnup_chart",
    "coverage_chart",
    "rating_bar_chart",
    "spi_bands",
    "spi_distribution_chart",
]
