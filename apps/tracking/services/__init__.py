"""Writes of the tracking app (STYLE rule 1): agency tasks, evidence, extension requests.

One module per entity; everything is importable from here, e.g.
`from apps.tracking.services import agency_task_update`. The role rules and the state
machine they enforce live in `apps.tracking.permissions`."""

from apps.tracking.services.evidence import evidence_file_add, evidence_link_add
from apps.tracking.services.extensions import (
    extension_bounds,
    extension_request_create,
    extension_request_decide,
)
from apps.tracking.services.tasks import (
    TASK_AUDIT_FIELDS,
    agency_task_na_accept,
    agency_task_na_reject,
    agency_task_return,
    agency_task_save_audited,
    agency_task_update,
    agency_task_verify,
    agency_tasks_assign,
)

__all__ = [
    "TASK_AUDIT_FIELDS",
    "agency_task_na_accept",
    "agency_task_na_reject",
    "agency_task_return",
    "agency_task_save_audited",
    "agency_task_update",
    "agency_task_verify",
    "agency_tasks_assign",
    "evidence_file_add",
    "evidence_link_add",
    "extension_bounds",
    "extension_request_create",
    "extension_request_decide",
]
