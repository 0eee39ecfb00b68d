import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.agencies.models import Agency
from apps.clearinghouse.models import FeedImport, Remediation, Vulnerability
from apps.core.fixtures import fixture_path
from apps.demo.services import load_reference_data
from apps.deployments.models import DefenseTool, ToolDeployment
from apps.directives.models import Directive, Milestone, Task
from apps.readiness.models import AgencyReadiness, ReadinessRun
from apps.tracking.models import AgencyTask, Evidence, ExtensionRequest

pytestmark = pytest.mark.django_db


def _fixture(name):
    return json.loads(fixture_path(name).read_text())


def test_reference_data_loads_with_the_expected_counts():
    directive = load_reference_data()
    spec = _fixture("directive_30day.json")
    kev = _fixture("known_exploited_vulnerabilities.json")

    top_level = Agency.objects.filter(parent__isnull=True)
    assert top_level.count() == 130
    assert Agency.objects.filter(kind=Agency.Kind.BUREAU).count() == 194
    assert Agency.objects.filter(kind=Agency.Kind.DEPARTMENT).count() == 16
    assert top_level.filter(tier=Agency.Tier.CFO_ACT).count() == 24
    assert Vulnerability.objects.count() == kev["count"] == 1674
    assert DefenseTool.objects.count() == len(_fixture("defense_tools.json"))
    assert Milestone.objects.filter(directive=directive).count() == 4
    assert list(directive.milestones.values_list("day_offset", flat=True)) == [7, 14, 21, 30]
    assert Task.objects.filter(directive=directive).count() == len(spec["tasks"])
    assert 20 <= len(spec["tasks"]) <= 30
    assert directive.window_days == 30
    assert directive.time_zone == "America/New_York"


def test_abbreviations_come_from_ecfr_and_are_left_blank_where_it_has_none():
    load_reference_data()
    dhs = Agency.objects.get(name="Department of Homeland Security", parent=None)
    assert dhs.abbreviation == "DHS"
    assert dhs.bureaus.filter(name="Cybersecurity and Infrastructure Security Agency").get(
    ).abbreviation == ""  # fmt: skip
    assert Agency.objects.get(
        name="National Aeronautics and Space Administration"
    ).abbreviation == ("NASA")


def test_non_executive_bodies_and_budget_accounts_are_left_out():
    load_reference_data()
    names = set(Agency.objects.values_list("name", flat=True))
    for excluded in ("Senate", "Library of Congress", "Supreme Court of the United States",
                     "Military Retirement", "District of Columbia"):  # fmt: skip
        assert excluded not in names
    # Registry additions the registrar's list lacks:
    assert {"National Science Foundation", "Office of Personnel Management"} <= names


def _fingerprint():
    models = (Agency, Directive, Milestone, Task, AgencyTask, Evidence, ExtensionRequest,
              DefenseTool, ToolDeployment, Vulnerability, Remediation, FeedImport)  # fmt: skip
    return {
        m.__name__: (
            m.objects.count(),
            str(m.objects.order_by("-updated_at").values_list("updated_at", flat=True).first()),
        )
        for m in models
    } | {
        "issued_at": str(Directive.objects.get().issued_at),
        "runs": list(ReadinessRun.objects.values_list("pk", "computed_at")),
        "figures": list(AgencyReadiness.objects.values_list("computed_at", flat=True).distinct()),
    }


def test_seed_demo_twice_changes_nothing_the_second_time(capsys):
    call_command("seed_demo", "--day", "12")
    first = _fingerprint()
    out = capsys.readouterr().out
    assert "oversight" in out
    assert "ready-in-30-demo" in out
    assert AgencyTask.objects.count() == 308 * Task.objects.count()
    assert Remediation.objects.exists()
    assert ToolDeployment.objects.exists()

    call_command("seed_demo", "--day", "12")
    assert _fingerprint() == first
    assert "new rows: 0 tasks, 0 deployments, 0 remediation records" in capsys.readouterr().out


def test_seed_demo_gives_agencies_a_realistic_spread():
    call_command("seed_demo", "--day", "12")
    statuses = set(AgencyTask.objects.values_list("status", flat=True))
    assert {"not_started", "in_progress", "blocked", "completed", "verified"} <= statuses
    assert ExtensionRequest.objects.filter(status="pending").exists()
    assert ExtensionRequest.objects.filter(status="approved").exists()
    assert AgencyTask.objects.filter(extended_due__isnull=False).exists()
    assert ToolDeployment.objects.filter(stage="operational", tool__ai_enabled=True).exists()
    assert Remediation.objects.filter(status="remediated").exists()
    # Every completion lies in the past, and a reported one within the directive's window
    # (coverage reached with tools live before the directive is done since then).
    directive = Directive.objects.get()
    done = AgencyTask.objects.filter(completed_at__isnull=False)
    assert not done.filter(completed_at__gt=timezone.now()).exists()
    assert not done.filter(task__measure="manual", completed_at__lt=directive.issued_at).exists()
    # The figures are computed and the burn-up has its past days.
    assert AgencyReadiness.objects.count() == 308
    assert ReadinessRun.objects.filter(kind="daily").count() == 12


def test_seed_demo_on_another_day_moves_every_recorded_date_with_the_clock():
    call_command("seed_demo", "--day", "10")
    task = AgencyTask.objects.filter(extended_due__isnull=False).first()
    done = AgencyTask.objects.filter(completed_at__isnull=False).first()
    extension = ExtensionRequest.objects.filter(decided_at__isnull=False).first()
    deployment = ToolDeployment.objects.filter(go_live_date__isnull=False).first()
    before = {
        "extended_due": task.extended_due,
        "completed_at": done.completed_at,
        "requested_due": extension.requested_due,
        "decided_at": extension.decided_at,
        "go_live_date": deployment.go_live_date,
        "operational_since": deployment.operational_since,
    }

    call_command("seed_demo", "--day", "12")  # issued two days earlier

    for row in (task, done, extension, deployment):
        row.refresh_from_db()
    two_days = timedelta(days=2)
    assert {
        "extended_due": task.extended_due,
        "completed_at": done.completed_at,
        "requested_due": extension.requested_due,
        "decided_at": extension.decided_at,
        "go_live_date": deployment.go_live_date,
        "operational_since": deployment.operational_since,
    } == {name: value - two_days for name, value in before.items()}
    assert not ToolDeployment.objects.filter(stage="operational", go_live_date=None).exists()
