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
