import pytest
from django.core.management import call_command

from apps.agencies.models import Agency
from apps.clearinghouse.models import Remediation, Vulnerability
from apps.deployments.models import ToolDeployment
from apps.directives.models import Task
from apps.tracking.models import AgencyTask

pytestmark = pytest.mark.django_db


def test_load_fleet_gives_each_agency_every_task_and_a_remediation_per_kev_entry(capsys):
    call_command("load_fleet", "--agencies", "7", "--seed", "3")
    units = Agency.objects.filter(is_synthetic=True).exclude(kind=Agency.Kind.DEPARTMENT)
    assert units.count() == 7
    tasks = Task.objects.count()
    assert AgencyTask.objects.filter(agency__in=units).count() == 7 * tasks
    assert Remediation.objects.filter(agency__in=units).count() == 7 * Vulnerability.objects.count()
    assert ToolDeployment.objects.filter(agency__in=units).count() >= 7 * 3
    assert "Loaded 7 synthetic agencies" in capsys.readouterr().out

    # Loading again replaces the synthetic fleet instead of adding to it.
    call_command("load_fleet", "--agencies", "4")
    assert Agency.objects.filter(is_synthetic=True).exclude(kind="department").count() == 4
    assert Remediation.objects.count() == 4 * Vulnerability.objects.count()
