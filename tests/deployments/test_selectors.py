from datetime import UTC, datetime

import pytest
from django.http import Http404

from apps.deployments.selectors import (
    coverage_tasks,
    deployment_coverage,
    deployment_get_for_user,
    deployment_list_for_agency,
)
from tests.deployments.factories import ToolDeploymentFactory

pytestmark = pytest.mark.django_db

LIVE = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def _live(agency, tool, endpoints, since=LIVE):
    return ToolDeploymentFactory(
        agency=agency,
        tool=tool,
        stage="operational",
        endpoints_covered=endpoints,
        go_live_date=since.date(),
        operational_since=since,
    )


def _coverage(agency, directive):
    deployments = list(deployment_list_for_agency(agency=agency))
    rows = deployment_coverage(
        agency=agency, deployments=deployments, tasks=coverage_tasks(directive=directive)
    )
    return {row.task_code: row for row in rows}


def test_only_operational_ai_enabled_deployments_of_the_category_count(
    agency, directive, edr, antivirus, siem
):
    _live(agency, edr, 300)
    _live(agency, antivirus, 1000)  # not AI-enabled
    ToolDeploymentFactory(agency=agency, tool=edr, stage="deploying", endpoints_covered=400)
    _live(agency, siem, 120)

    rows = _coverage(agency, directive)

    assert (rows["T11"].covered, rows["T11"].progress.percent) == (300, 60)  # 300 / 500
    assert rows["T11"].progress.done is False
    assert rows["T11"].endpoints_needed == 200
    assert (rows["T17"].covered, rows["T17"].progress.percent) == (120, 20)  # 120 / 600
    assert rows["T17"].category_label.startswith("SIEM")


def test_coverage_sums_deployments_and_caps_at_the_endpoint_count(agency, directive, edr):
    first = datetime(2026, 11, 18, tzinfo=UTC)
    _live(agency, edr, 400, since=first)
    _live(agency, edr, 700, since=LIVE)

    row = _coverage(agency, directive)["T11"]

    assert row.reported == 1100
    assert row.covered == 1000  # capped at the agency's endpoints
    assert row.is_capped
    assert row.share_percent == 100
    assert row.progress.percent == 100
    assert row.progress.done
    assert row.progress.completed_at == LIVE  # when the running sum reached 500


def test_no_endpoint_count_means_zero_percent(agency, directive, edr):
    agency.endpoint_count = 0
    agency.save()
    ToolDeploymentFactory(agency=agency, tool=edr, stage="planned", endpoints_covered=0)
    row = _coverage(agency, directive)["T11"]
    assert (row.progress.percent, row.progress.done) == (0, False)


def test_without_a_directive_there_are_no_coverage_rows(agency):
    assert coverage_tasks(directive=None) == []


def test_a_deployment_of_another_agency_is_404_like_a_missing_one(agency, ciso, other_ciso, edr):
    deployment = ToolDeploymentFactory(agency=agency, tool=edr)
    assert deployment_get_for_user(user=ciso, agency_id=agency.pk, pk=deployment.pk) == deployment
    with pytest.raises(Http404):
        deployment_get_for_user(user=other_ciso, agency_id=agency.pk, pk=deployment.pk)
    with pytest.raises(Http404):  # through their own agency's URL
        deployment_get_for_user(user=other_ciso, agency_id=other_ciso.agency_id, pk=deployment.pk)
    with pytest.raises(Http404):
        deployment_get_for_user(user=ciso, agency_id=agency.pk, pk=deployment.pk + 1000)
