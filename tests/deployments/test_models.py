import pytest

from apps.deployments.models import ToolDeployment
from tests.constraints import violates
from tests.deployments.factories import DefenseToolFactory, ToolDeploymentFactory

pytestmark = pytest.mark.django_db


def test_an_operational_deployment_is_dated():
    with violates("deployment_operational_dated"):
        ToolDeploymentFactory(stage=ToolDeployment.Stage.OPERATIONAL)


def test_unknown_stage_is_refused():
    with violates("deployment_stage_valid"):
        ToolDeploymentFactory(stage="vapourware")


def test_tool_names_are_unique():
    DefenseToolFactory(name="AI-enabled NDR")
    with violates("deployments_defensetool_name_key"):
        DefenseToolFactory(name="AI-enabled NDR")


@pytest.mark.parametrize(
    ("stage", "ai_enabled", "counts"),
    [
        ("operational", True, True),
        ("operational", False, False),
        ("deploying", True, False),
        ("retired", True, False),
    ],
)
def test_the_coverage_rule_reads_the_same_on_a_row_and_in_a_query(stage, ai_enabled, counts):
    live = {"go_live_date": "2026-11-20", "operational_since": "2026-11-20T15:00Z"}
    deployment = ToolDeploymentFactory(
        stage=stage,
        tool=DefenseToolFactory(ai_enabled=ai_enabled),
        **(live if stage == "operational" else {}),
    )
    assert deployment.counts_toward_coverage is counts
    assert ToolDeployment.objects.counting_toward_coverage().filter(pk=deployment.pk).exists() is (
        counts
    )
