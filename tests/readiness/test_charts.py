"""The chart module (apps.readiness.charts): SVG well-formed and accessible, tables and
descriptions that state the inputs, escaping, empty inputs, colours, speed, and the same
charts through the template partial and WeasyPrint. Pure: no database (runs with
``-p no:django`` too; the template test then skips)."""

from __future__ import annotations

import itertools
import os
import re
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from apps.readiness.charts import (
    MILESTONE_STATES,
    NO_DATA,
    Chart,
    Palette,
    burnup_chart,
    coverage_chart,
    rating_bar_chart,
    spi_bands,
    spi_distribution_chart,
)

ROOT = Path(__file__).resolve().parents[2]
NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"
D = "\u2013"  # en dash, as in the band labels

DAYS = list(range(31))
PV = [d / 30 for d in DAYS]
EV = [round(d * 0.034, 3) if d <= 12 else None for d in DAYS]
MILESTONES = [(7, "Day 7 · Inventory"), (14, "Day 14 · Harden"), (30, "Day 30 · Done")]


def burnup(**kwargs) -> Chart:
    args = {"days": DAYS, "ev": EV, "pv": PV, "today": 12, "milestones": MILESTONES}
    return burnup_chart(**(args | kwargs))


# One realistic and one empty call per chart; the ids tell them apart in test output.
CHARTS = {
    "burnup": lambda: burnup(),
    "burnup-comparison": lambda: burnup(comparison=[None if e is None else e * 0.9 for e in EV]),
    "spi": lambda: spi_distribution_chart(spis=[0.4, 0.8, 1.0, None, 1.2], highlight=0.8),
    "rating": lambda: rating_bar_chart(green=5, amber=3, red=2),
    "coverage": lambda: coverage_chart(rows=[("EDR", 0.62, 0.8), ("SIEM", 0.9, 0.8)]),
    "burnup-empty": lambda: burnup_chart(days=[], ev=[], pv=[], today=0),
    "spi-empty": lambda: spi_distribution_chart(spis=[]),
    "rating-empty": lambda: rating_bar_chart(green=0, amber=0, red=0),
    "coverage-empty": lambda: coverage_chart(rows=[]),
}


def parse(chart: Chart) -> ET.Element:
    return ET.fromstring(chart.svg)


def texts(chart: Chart) -> list[str]:
    return ["".join(t.itertext()) for t in parse(chart).iter(f"{SVG}text")]


@pytest.mark.parametrize("name", CHARTS)
def test_svg_is_well_formed_accessible_and_self_contained(name):
    chart = CHARTS[name]()
    root = parse(chart)
    cid = chart.chart_id
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == f"{cid}-title {cid}-desc"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 \d+ [\d.]+", root.get("viewBox"))
    assert "DejaVu Sans" in root.get("font-family")
    title, desc = root[0], root[1]
    assert (title.tag, title.get("id"), title.text) == (f"{SVG}title", f"{cid}-title", chart.title)
    assert (desc.tag, desc.get("id"), desc.text) == (f"{SVG}desc", f"{cid}-desc", chart.description)
    assert not chart.svg.startswith("<?xml")
    assert "<script" not in chart.svg.lower()
    assert re.findall(r"https?://[^\s\"'<>]*", chart.svg) == ["http://www.w3.org/2000/svg"]
    assert "href" not in chart.svg
    assert all(len(row) == len(chart.table.headers) for row in chart.table.rows)


@pytest.mark.parametrize("name", [n for n in CHARTS if n.endswith("-empty")])
def test_empty_inputs_give_a_chart_saying_no_data_yet(name):
    chart = CHARTS[name]()
    assert NO_DATA in texts(chart)
    assert chart.description.startswith(NO_DATA)
    assert chart.table.headers  # the template's table says "No data yet" under them
    assert chart.table.rows == ()


def test_ids_are_stable_per_input_distinct_per_chart_and_can_be_given():
    assert burnup().chart_id == burnup().chart_id  # same bytes for a frozen report
    assert burnup().svg == burnup().svg
    assert burnup().chart_id != burnup(today=13).chart_id
    ids = {CHARTS[name]().chart_id for name in CHARTS}
    assert len(ids) == len(CHARTS)
    chart = burnup(chart_id="agency-burnup")
    assert 'aria-labelledby="agency-burnup-title agency-burnup-desc"' in chart.svg
    with pytest.raises(ValueError, match="chart_id"):
        burnup(chart_id='x" onload="alert(1)')


# Burn-up ------------------------------------------------------------------------------------


def test_burnup_description_states_ev_pv_and_day():
    chart = burnup_chart(days=[0, 11, 12], ev=[0, 0.38, 0.41], pv=[0, 0.48, 0.52], today=12)
    assert chart.description == (
        "Fleet earned value is 41 % against 52 % planned on day 12 (SPI 0.78)."
    )
    assert "Today (day 12)" in texts(chart)


def test_burnup_describes_the_latest_day_with_data_and_a_comparison():
    chart = burnup(today=14, comparison=[None if e is None else 0.3 for e in EV], subject="DHS")
    assert chart.description == (
        "DHS earned value is 41 % against 40 % planned on day 12 (SPI 1.02), the latest day "
        "with data; today is day 14. Fleet median EV is 30 %."
    )


def test_burnup_without_earned_value_yet():
    chart = burnup_chart(days=[0, 1, 2], ev=[None] * 3, pv=[0, 0.03, 0.07], today=1)
    assert (
        chart.description
        == "No earned value has been reported yet for fleet; 3 % is planned by day 1."
    )
    assert parse(chart).findall(".//svg:path[@class='series series-ev']", NS) == []


def test_burnup_skips_missing_points_and_breaks_the_line():
    ev = [0.0, 0.1, None, 0.3, 0.35, None, None]
    chart = burnup_chart(days=list(range(7)), ev=ev, pv=[d / 6 for d in range(7)], today=4)
    root = parse(chart)
    markers = root.findall(".//svg:circle[@class='marker marker-ev']", NS)
    assert len(markers) == 4  # one per known point, none for None
    (path,) = root.findall(".//svg:path[@class='series series-ev']", NS)
    assert path.get("d").count("M") == 2  # days 0-1 and 3-4, nothing drawn across day 2
    assert [row[2] for row in chart.table.rows] == [
        "0.0 %", "10.0 %", "no data", "30.0 %", "35.0 %", "no data", "no data",
    ]  # fmt: skip


def test_burnup_table_marks_today_and_milestones():
    chart = burnup()
    assert chart.table.headers == ("Day", "Planned value (PV)", "Earned value (EV)", "Milestone")
    assert chart.table.rows[12] == ("12 (today)", "40.0 %", "40.8 %", "")
    assert chart.table.rows[7][3] == "Day 7 · Inventory"
    labels = texts(chart)
    assert {"Day 7 · Inventory", "Day 14 · Harden", "Day 30 · Done"} <= set(labels)
    assert {"Planned value (PV)", "Earned value (EV)"} <= set(labels)  # legend in text


def test_burnup_extends_the_axis_past_the_deadline():
    chart = burnup_chart(days=[0, 30, 33], ev=[0, 0.9, 0.95], pv=[0, 1, 1], today=33)
    labels = texts(chart)
    assert "Today (day 33)" in labels
    assert {"30", "33"} <= set(labels)


def test_burnup_rejects_series_of_different_lengths():
    with pytest.raises(ValueError, match="same length"):
        burnup_chart(days=[0, 1], ev=[0], pv=[0, 0.1], today=1)


# SPI distribution ---------------------------------------------------------------------------


def test_spi_bands_put_each_edge_in_the_band_above():
    spis = [0.0, 0.49, 0.5, 0.7499, 0.75, 0.9499, 0.95, 1.0499, 1.05, 1.4999, 1.5, 7, None, None]
    chart = spi_distribution_chart(spis=spis)
    assert chart.table.headers == ("SPI band", "Rating (SPI rule)", "Agencies")
    assert chart.table.rows == (
        ("< 0.50", "red", "2"),
        (f"0.50{D}0.75", "red", "2"),
        (f"0.75{D}0.95", "amber", "2"),
        (f"0.95{D}1.05", "green", "2"),
        (f"1.05{D}1.50", "green", "2"),
        ("≥ 1.50", "green", "2"),
        ("No SPI yet", "not rated", "2"),
    )
    assert chart.description == (
        "Of 14 agencies, 12 have an SPI: 4 below 0.75, 2 from 0.75 to under 0.95 and 6 at "
        "0.95 or above; 2 have no SPI yet. Median SPI 0.94."
    )
    # Counts on the bars, band and rating words under them: nothing rests on colour alone.
    labels = texts(chart)
    assert labels.count("2") == 7
    assert {"< 0.50", f"0.75{D}0.95", "≥ 1.50", "No SPI yet", "amber"} <= set(labels)


@given(st.lists(st.one_of(st.none(), st.floats(0, 3, allow_nan=False)), max_size=60))
@settings(max_examples=60, deadline=None)
def test_spi_counts_match_a_direct_count(spis):
    chart = spi_distribution_chart(spis=spis)
    edges = [0, 0.5, 0.75, 0.95, 1.05, 1.5, float("inf")]
    expected = [
        sum(1 for v in spis if v is not None and lo <= v < hi)
        for lo, hi in itertools.pairwise(edges)
    ]
    expected.append(sum(1 for v in spis if v is None))
    if spis:
        assert [int(row[2]) for row in chart.table.rows] == expected
    ET.fromstring(chart.svg)


def test_spi_highlight_marks_one_position_without_names():
    chart = spi_distribution_chart(spis=[0.6, 0.8, 0.9, 1.0], highlight=0.82)
    assert chart.table.headers[-1] == "Your agency"
    assert [row[-1] for row in chart.table.rows] == ["", "", "SPI 0.82", "", "", "", ""]
    assert "Your agency: SPI 0.82" in texts(chart)
    assert chart.description.endswith(f"Your agency: SPI 0.82, in the 0.75{D}0.95 band.")
    assert parse(chart).find(".//svg:path[@class='highlight']", NS) is not None


def test_spi_custom_bins_and_bad_bins():
    bands = spi_bands((0, 0.8, 1.0, None))
    assert [(b.label, b.rating) for b in bands] == [
        ("< 0.80", None),  # straddles 0.75: neither red nor amber
        (f"0.80{D}1.00", None),
        ("≥ 1.00", "green"),
    ]
    for bad in [(0, 1), (0, 1, 2), (0, 0.5, 0.5, None), (0, None, 1, None)]:
        with pytest.raises(ValueError, match="bin"):
            spi_bands(bad)


def test_spi_when_no_agency_has_one_yet():
    chart = spi_distribution_chart(spis=[None, None])
    assert chart.description == "None of the 2 agencies has an SPI yet."
    assert chart.table.rows[-1] == ("No SPI yet", "not rated", "2")


# Rating and coverage ------------------------------------------------------------------------


def test_rating_counts_and_percentages_adding_up_to_100():
    chart = rating_bar_chart(green=1, amber=1, red=1)
    assert chart.table.rows == (
        ("Green", "1", "34 %"),
        ("Amber", "1", "33 %"),
        ("Red", "1", "33 %"),
        ("Total", "3", "100 %"),
    )
    assert chart.description == "1 of 3 agencies is green (34 %), 1 amber (33 %) and 1 red (33 %)."
    assert {"Green", "Amber", "Red", "1 (34 %)", "1 (33 %)"} <= set(texts(chart))
    with pytest.raises(ValueError, match=">= 0"):
        rating_bar_chart(green=-1, amber=0, red=0)


def test_coverage_table_status_and_description():
    chart = coverage_chart(rows=[("EDR", 0.62, 0.8), ("SIEM", 0.8, 0.8), ("Email", 0.41, 0.9)])
    assert chart.table.rows == (
        ("EDR", "62 %", "80 %", "18 points below target"),
        ("SIEM", "80 %", "80 %", "target met"),
        ("Email", "41 %", "90 %", "49 points below target"),
    )
    assert chart.description == (
        "Coverage meets its target in 1 of 3 categories. Furthest below target: Email, "
        "41 % covered against 90 %."
    )
    assert "80 % (target 80 %, met)" in texts(chart)
    assert len(parse(chart).findall(".//svg:line[@class='target']", NS)) == 6  # halo + mark
    all_met = coverage_chart(rows=[("EDR", 0.9, 0.8)])
    assert all_met.description == "Coverage meets its target in all 1 category."


# Escaping -----------------------------------------------------------------------------------


def test_labels_with_markup_characters_stay_well_formed():
    nasty = "A <b>&amp;</b> \"q\" 's' <&> \x00\x0b"
    charts = [
        coverage_chart(rows=[(nasty, 0.5, 0.8)], title=nasty),
        burnup(milestones=[(7, nasty)], subject=nasty, comparison=PV, comparison_label=nasty),
        spi_distribution_chart(spis=[1.0], highlight=1.0, highlight_label=nasty),
        rating_bar_chart(green=1, amber=0, red=0, title=nasty),
    ]
    clean = nasty.replace("\x00", "").replace("\x0b", "")
    for chart in charts:
        root = parse(chart)
        assert "<b>" not in chart.svg
        shown = {"".join(t.itertext()) for t in root.iter(f"{SVG}text")} | {
            root[0].text,
            root[1].text,
        }
        assert any(clean in s for s in shown), chart.chart_id


@given(st.text(max_size=40))
@settings(max_examples=80, deadline=None)
def test_any_label_gives_well_formed_svg(label):
    chart = coverage_chart(rows=[(label, 0.3, 0.5)], title=label or None)
    ET.fromstring(chart.svg)


# Heat map states and colours ----------------------------------------------------------------


def contrast(foreground: str, background: str = "#ffffff") -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("colour", Palette.TEXT_COLOURS)
def test_text_and_line_colours_meet_aa_on_white(colour):
    assert contrast(colour) >= 4.5


def test_milestone_states_have_label_class_and_distinct_icon():
    assert list(MILESTONE_STATES) == ["met", "met_late", "at_risk", "overdue", "pending"]
    assert len({s.icon for s in MILESTONE_STATES.values()}) == 5
    assert len({s.css_class for s in MILESTONE_STATES.values()}) == 5
    assert MILESTONE_STATES["met_late"].label == "Met late"


def test_heat_map_classes_exist_in_css_with_aa_contrast():
    css = (ROOT / "static/css/charts.css").read_text()
    rules = dict(re.findall(r"\.(heat-[\w-]+)\s*\{([^}]*)\}", css))
    for state in MILESTONE_STATES.values():
        body = rules[state.css_class]
        background = re.search(r"background-color:\s*(#[0-9a-f]{6})", body).group(1)
        colour = re.search(r"(?<![-\w])color:\s*(#[0-9a-f]{6})", body).group(1)
        assert contrast(colour, background) >= 4.5, state.key


# Speed, template, PDF -----------------------------------------------------------------------


def test_each_chart_renders_in_under_5_ms_for_500_agencies():
    spis = [None if i % 17 == 0 else (i % 160) / 100 for i in range(500)]
    calls = [
        lambda: burnup(comparison=[None if e is None else e * 0.9 for e in EV]),
        lambda: spi_distribution_chart(spis=spis, highlight=0.83),
        lambda: rating_bar_chart(green=212, amber=170, red=118),
        lambda: coverage_chart(rows=[(f"Category {i}", i / 8, 0.8) for i in range(8)]),
    ]
    for call in calls:
        best = min(_timed(call) for _ in range(5))
        assert best < 0.005, f"{call().chart_id}: {best * 1000:.1f} ms"


def _timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def test_partial_renders_figure_caption_svg_and_hidden_table():
    from django.conf import settings as django_settings

    if not (django_settings.configured or os.environ.get("DJANGO_SETTINGS_MODULE")):
        pytest.skip("needs Django settings (run without -p no:django)")
    from django.template import Context, Engine

    engine = Engine(dirs=[str(ROOT / "templates")])
    template = engine.get_template("readiness/partials/_chart.html")
    chart = coverage_chart(rows=[("EDR <&>", 0.5, 0.8)], title="Coverage <&>")
    html = template.render(Context({"chart": chart}))
    assert chart.svg in html  # inline, not escaped
    assert '<figcaption class="chart-caption">' in html
    assert "Coverage &lt;&amp;&gt;" in html  # caption text escaped by the template
    assert '<div class="chart-data-wrap visually-hidden">' in html
    assert '<th scope="row">EDR &lt;&amp;&gt;</th>' in html
    assert html.index("<figcaption") < html.index("<svg") < html.index("<table")
    empty = template.render(Context({"chart": coverage_chart(rows=[])}))
    assert '<td colspan="4">No data yet</td>' in empty


def test_charts_render_to_pdf_with_weasyprint():
    from weasyprint import HTML

    figures = "".join(
        f"<figure><figcaption>{name}</figcaption>{CHARTS[name]().svg}</figure>"
        for name in ("burnup-comparison", "spi", "rating", "coverage", "burnup-empty")
    )
    page = f'<!DOCTYPE html><html lang="en"><meta charset="utf-8"><body>{figures}</body></html>'
    pdf = HTML(string=page).write_pdf()
    assert pdf.startswith(b"%PDF")
