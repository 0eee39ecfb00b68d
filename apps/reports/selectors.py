"""Reads of the reports app: reports scoped to the user (STYLE rule 3), and the records a
report lists as they stood at its freeze time (the figures themselves come from
`apps.readiness.selectors` given the report's run).

Each read is one query whatever the number of agencies; the report builders call a fixed
set of them (tests/reports/test_query_counts.py)."""

from collections.abc import Iterable
from datetime import date, datetime, timedelta

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.audit.models import AuditEvent
from apps.clearinghouse.models import Remediation, Vulnerability
from apps.deployments.models import ToolDeployment
from apps.directives.models import Directive, Task
from apps.readiness.models import ReadinessRun, ReadinessSnapshot
from apps.reports.asof import rewind
from apps.reports.models import Report
from apps.reports.permissions import reports_visible_to
from apps.tracking.models import AgencyTask, Evidence, ExtensionRequest

# --- Reports, scoped to the user ------------------------------------------------------------


def report_list_for_user(*, user: User) -> QuerySet[Report]:
    """Reports the user may read (apps.reports.permissions), newest first, with what the
    list and the report's page show (its agency, directive, requester and frozen run)."""
    return (
        Report.objects.filter(reports_visible_to(user=user))
        .select_related("agency", "directive", "requested_by", "run")
        .order_by("-created_at", "-pk")
    )


def report_get_for_user(*, user: User, pk: int) -> Report:
    """The report if the user may read it; otherwise the same 404 as for a missing one, so
    another agency's report never betrays that it exists."""
    try:
        return report_list_for_user(user=user).get(pk=pk)
    except Report.DoesNotExist as exc:
        raise Http404("No such report.") from exc


def report_previous(*, report: Report) -> Report | None:
    """The report this one is compared with ("what changed since the previous report"): the
    latest earlier report of the same directive, scope and agency that did not fail."""
    return (
        Report.objects.filter(
            directive_id=report.directive_id,
            scope=report.scope,
            agency_id=report.agency_id,
            pk__lt=report.pk,
            run__isnull=False,
        )
        .exclude(status=Report.Status.FAILED)
        .select_related("run")
        .order_by("-pk")
        .first()
    )


# --- Figures series -------------------------------------------------------------------------


def daily_runs_until(*, directive: Directive, as_of: datetime) -> list[ReadinessRun]:
    """The daily series points kept up to the freeze, in day order (the burn-up)."""
    return list(
        ReadinessRun.objects.filter(
            directive=directive, kind=ReadinessRun.Kind.DAILY, computed_at__lte=as_of
        ).order_by("computed_at")
    )


def agency_series_until(
    *, agency: Agency, directive: Directive, run: ReadinessRun
) -> list[ReadinessSnapshot]:
    """The agency's daily snapshots up to the freeze, then the frozen one itself."""
    return list(
        ReadinessSnapshot.objects.filter(agency=agency, directive=directive)
        .filter(
            Q(run=run) | Q(run__kind=ReadinessRun.Kind.DAILY, run__computed_at__lte=run.computed_at)
        )
        .select_related("run")
        .order_by("run__computed_at")
    )


def snapshots_of(*, run: ReadinessRun, agency_ids: Iterable[int] | None = None) -> list:
    """(agency_id, rating, ev, pv, spi) of a run's snapshots (the previous report's basis)."""
    qs = ReadinessSnapshot.objects.filter(run=run)
    if agency_ids is not None:
        qs = qs.filter(agency_id__in=list(agency_ids))
    return list(qs.values_list("agency_id", "rating", "ev", "pv", "spi"))


# --- Records as of the freeze ---------------------------------------------------------------


def changes_after(
    *, object_type: str, as_of: datetime, agency: Agency | None = None
) -> list[AuditEvent]:
    """Audit events of one kind of record after the freeze (usually none or a few: a report
    is rendered seconds after its request)."""
    qs = AuditEvent.objects.filter(object_type=object_type, occurred_at__gt=as_of)
    if agency is not None:
        qs = qs.filter(agency=agency)
    return list(qs.only("id", "object_id", "occurred_at", "changes"))


TASK_FIELDS = ("status", "percent", "completed_at", "extended_due", "na_accepted_at", "owner")


def directive_tasks(*, directive: Directive) -> list[Task]:
    """The directive's tasks with their milestones, in milestone and code order."""
    return list(
        Task.objects.filter(directive=directive)
        .select_related("milestone")
        .order_by("milestone__day_offset", "code")
    )


def agency_tasks_as_of(
    *, directive: Directive, as_of: datetime, agency: Agency | None = None
) -> list[AgencyTask]:
    """Agency tasks (of one agency, or of the fleet) as they stood at `as_of`: rows that
    existed then, with later changes to their status, percent, due and owner undone."""
    qs = AgencyTask.objects.filter(task__directive=directive, created_at__lte=as_of)
    if agency is not None:
        qs = qs.filter(agency=agency)
    rows = list(qs.only("id", "agency_id", "task_id", "version", *TASK_FIELDS).order_by("pk"))
    events = changes_after(object_type="agencytask", as_of=as_of, agency=agency)
    return rewind(rows, events, fields=TASK_FIELDS)


def extensions_granted(
    *, directive: Directive, as_of: datetime, agency: Agency | None = None
) -> QuerySet[ExtensionRequest]:
    """Extensions approved by `as_of`, by agency then task."""
    qs = ExtensionRequest.objects.filter(
        agency_task__task__directive=directive,
        status=ExtensionRequest.Status.APPROVED,
        decided_at__lte=as_of,
    )
    if agency is not None:
        qs = qs.filter(agency_task__agency=agency)
    return qs.select_related(
        "agency_task__agency", "agency_task__task__milestone", "decided_by"
    ).order_by("agency_task__agency__name", "agency_task__task__code", "decided_at")


def evidence_as_of(*, agency: Agency, directive: Directive, as_of: datetime) -> QuerySet[Evidence]:
    """Evidence the agency had attached by `as_of`, by task."""
    return (
        Evidence.objects.filter(
            agency_task__agency=agency,
            agency_task__task__directive=directive,
            created_at__lte=as_of,
        )
        .select_related("agency_task__task", "uploaded_by")
        .order_by("agency_task__task__code", "created_at", "pk")
    )


DEPLOYMENT_FIELDS = ("stage", "endpoints_covered", "go_live_date", "operational_since")


def deployments_as_of(*, as_of: datetime, agency: Agency | None = None) -> list[ToolDeployment]:
    """Tool deployments (of one agency, or all) as they stood at `as_of`, with their tool."""
    qs = ToolDeployment.objects.filter(created_at__lte=as_of).select_related("tool")
    if agency is not None:
        qs = qs.filter(agency=agency)
    rows = list(qs.order_by("tool__category", "tool__name", "pk"))
    events = changes_after(object_type="tooldeployment", as_of=as_of, agency=agency)
    return rewind(rows, events, fields=DEPLOYMENT_FIELDS)


def catalog_as_of(*, as_of_date: date) -> list[tuple]:
    """KEV catalog entries added by the freeze date: (id, cve_id, vendor_project, product,
    name, due_date, known_ransomware_use)."""
    return list(
        Vulnerability.objects.filter(date_added__lte=as_of_date)
        .order_by("due_date", "cve_id")
        .values_list(
            "id", "cve_id", "vendor_project", "product", "name", "due_date",
            "known_ransomware_use",
        )
    )  # fmt: skip


def catalog_counts(*, as_of_date: date) -> dict[str, int]:
    """Entries in the KEV catalog by the freeze date, and how many of them CISA's due date
    had passed (one aggregate)."""
    return Vulnerability.objects.filter(date_added__lte=as_of_date).aggregate(
        total=Count("pk"), due=Count("pk", filter=Q(due_date__lt=as_of_date))
    )


def remediation_as_of(*, agency: Agency, as_of: datetime) -> dict[int, str]:
    """{vulnerability id: status} of the agency's assessments as they stood at `as_of` (an
    entry without one was not assessed)."""
    rows = list(
        Remediation.objects.filter(agency=agency, created_at__lte=as_of).only(
            "id", "vulnerability_id", "status", "resolved_on"
        )
    )
    events = changes_after(object_type="remediation", as_of=as_of, agency=agency)
    return {r.vulnerability_id: r.status for r in rewind(rows, events, fields=("status",))}


def history_until(*, agency: Agency, as_of: datetime, days: int = 7) -> QuerySet[AuditEvent]:
    """The agency's audit events of the `days` days before `as_of`, newest first."""
    return (
        AuditEvent.objects.filter(
            agency=agency, occurred_at__gt=as_of - timedelta(days=days), occurred_at__lte=as_of
        )
        .select_related("actor")
        .order_by("-occurred_at", "-pk")
    )
