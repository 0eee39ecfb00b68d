"""Set-up for the review tests: tasks brought into each queue through the CISO's own
services (so the audit log and versions are what the product makes)."""

import re
from datetime import timedelta

from django.utils import timezone

from apps.accounts.models import User
from apps.readiness.clock import local_date
from apps.tracking import services
from apps.tracking.models import AgencyTask, ExtensionRequest
from tests.tracking import files
from tests.tracking.scenario import NEW_YORK

HTMX = {"HTTP_HX_REQUEST": "true"}


def flat(response) -> str:
    """The response's HTML with every run of whitespace made one space (templates wrap
    sentences over lines)."""
    return re.sub(r"\s+", " ", response.content.decode())


def completed(agency_task: AgencyTask, ciso: User, *, file: bool = False) -> AgencyTask:
    """The CISO attaches evidence (a link, and a PDF with `file`) and marks the task done."""
    services.evidence_link_add(
        agency_task=agency_task,
        actor=ciso,
        url=f"https://records.agency.example/{agency_task.task.code}",
        description="Scan report",
    )
    if file:
        services.evidence_file_add(
            agency_task=agency_task,
            actor=ciso,
            upload=files.upload(f"{agency_task.task.code}.pdf", files.PDF),
        )
    agency_task.refresh_from_db()
    return services.agency_task_update(
        agency_task=agency_task, actor=ciso, version=agency_task.version, status="completed"
    )


def claimed_na(
    agency_task: AgencyTask, ciso: User, why: str = "We run no mainframes."
) -> AgencyTask:
    return services.agency_task_update(
        agency_task=agency_task,
        actor=ciso,
        version=agency_task.version,
        status="not_applicable",
        na_justification=why,
    )


def extension_asked(agency_task: AgencyTask, ciso: User, *, days: int = 5) -> ExtensionRequest:
    """A request for `days` days from today (the earliest allowed for an overdue task)."""
    today = local_date(timezone.now(), NEW_YORK)
    return services.extension_request_create(
        agency_task=agency_task,
        actor=ciso,
        requested_due=today + timedelta(days=days),
        justification="The replacement hardware arrives next week.",
    )
