"""The tracking permission predicates for templates that show many tasks (the board's
rows), so a row asks `apps.tracking.permissions` rather than testing statuses itself."""

from django import template

from apps.tracking import permissions
from apps.tracking.models import AgencyTask

register = template.Library()


@register.simple_tag(takes_context=True)
def task_fields_editable(context, agency_task: AgencyTask) -> bool:
    """`permissions.task_fields_editable` for the signed-in user (no query)."""
    return permissions.task_fields_editable(user=context["user"], agency_task=agency_task)
