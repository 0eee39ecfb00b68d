from collections.abc import Iterable

from django.db import transaction

from apps.agencies.selectors import reporting_units
from apps.directives.models import Directive
from apps.tracking.models import AgencyTask


@transaction.atomic
def agency_tasks_assign(*, directive: Directive, agency_ids: Iterable[int] | None = None) -> int:
    """Give every reporting unit (or the agencies named) one AgencyTask per directive task.
    Idempotent: existing rows are left as they are. Returns how many were created."""
    if agency_ids is None:
        agency_ids = reporting_units().values_list("pk", flat=True)
    agency_ids = list(agency_ids)
    task_ids = list(directive.tasks.values_list("pk", flat=True))
    existing = set(
        AgencyTask.objects.filter(task__directive=directive, agency_id__in=agency_ids).values_list(
            "agency_id", "task_id"
        )
    )
    rows = [
        AgencyTask(agency_id=a, task_id=t)
        for a in agency_ids
        for t in task_ids
        if (a, t) not in existing
    ]
    AgencyTask.objects.bulk_create(rows, batch_size=2000)
    return len(rows)
