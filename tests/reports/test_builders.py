"""Pieces of the report builders: figures printed as on the screens, the coverage rule, the
heat-map cell, and the import cost of the web processes."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from apps.deployments.models import DefenseTool, ToolDeployment
from apps.directives.models import Task
from apps.readiness.selectors import Burnup
from apps.reports.builders.common import coverage_rows, spi_delta

ROOT = Path(__file__).resolve().parents[2]


def test_spi_and_its_change_truncate_as_on_the_screens():
    delta = spi_delta(0.756, 0.748)  # 0.748 is below the 0.75 red line: never "0.75"
    assert (delta.before, delta.after, delta.change) == ("0.75", "0.74", "-0.01")
    assert spi_delta(None, 0.9).change == "—"


def test_coverage_is_capped_at_each_agencys_endpoints():
    edr = DefenseTool(name="EDR", category=DefenseTool.Category.EDR, ai_enabled=True)
    since = datetime(2026, 11, 1, tzinfo=UTC)

    def deployment(agency_id: int, endpoints: int, stage=ToolDeployment.Stage.OPERATIONAL):
        return ToolDeployment(
            agency_id=agency_id, tool=edr, stage=stage, endpoints_covered=endpoints,
            operational_since=since,
        )  # fmt: skip

    task = Task(
        code="T05", measure=Task.Measure.TOOL_COVERAGE, coverage_target=Decimal("0.8"),
        coverage_category=DefenseTool.Category.EDR,
    )  # fmt: skip
    rows = coverage_rows(
        tasks=[task],
        endpoints={1: 100, 2: 100},
        deployments=[
            deployment(1, 150),  # more than the agency's 100 endpoints: counts 100
            deployment(2, 30),
            deployment(2, 50, stage=ToolDeployment.Stage.PILOTING),  # not operational
        ],
    )
    assert rows == [("T05 · AI-enabled EDR", 130 / 200, 0.8)]


def test_a_heat_map_cell_without_a_state_reads_pending():
    from apps.portal.formatting import heat_state

    html = render_to_string(
        "reports/pdf/partials/_heat_cell.html", {"state": heat_state({"M1": "met"}, "M9")}
    )
    assert html.count("<td") == 1
    assert "Pending" in html


def test_the_burnup_extends_past_the_deadline_for_todays_point():
    series = Burnup.from_points(window_days=3, points={0: (0.0, 0.0), 2: (0.2, 0.4)})
    assert series.rows == [(0, 0.0, 0.0, None, None), (2, 0.4, 0.2, 0.5, None)]
    later = series.with_point(5, 0.9, 1.0)
    assert later.days == [0, 1, 2, 3, 4, 5]
    assert later.rows[-1] == (5, 1.0, 0.9, 0.9, None)


@pytest.mark.slow
def test_the_web_processes_do_not_load_weasyprint():
    code = (
        "import sys, django; django.setup(); import config.urls; print('weasyprint' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"},
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
