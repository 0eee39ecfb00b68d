"""The notices of a change, told by the service that makes it, in its transaction.

Each function here is called by one service of another app (never by a signal): oversight's
review of a task (apps.tracking.services.tasks), the decision on an extension request
(apps.tracking.services.extensions), the end of a report's rendering (apps.reports.services).
They log the notices (apps.notices.services.delivery.notices_add); a worker e-mails them once
the change has committed."""

from datetime import datetime

from django.urls import reverse

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.notices.models import Notice
from apps.notices.services.delivery import notices_add
from apps.reports.models import Report
from apps.tracking.models import AgencyTask, ExtensionRequest

Kind = Notice.Kind
Action = AuditEvent.Action

# Oversight's review of a task, by the audit action that records it: (kind, subject).
_REVIEWS = {
    Action.VERIFY: (Kind.VERIFIED, "{code} was verified by oversight"),
    Action.ACCEPT_NA: (Kind.VERIFIED, "Oversight accepted that {code} does not apply"),
    Action.RETURN: (Kind.RETURNED, "{code} was returned by oversight"),
    Action.REJECT_NA: (Kind.RETURNED, "Oversight did not accept that {code} does not apply"),
}


def _agency_cisos(agency_id: int) -> list[User]:
    """Who is told of a change to an agency's records: its active CISOs (one query)."""
    cisos = User.objects.filter(role=User.Role.AGENCY_CISO, agency_id=agency_id, is_active=True)
    return list(cisos)


def _comment(comment: str) -> str:
    return f"Oversight's comment: {comment}" if comment else ""


def notices_task_reviewed(
    *, agency_task: AgencyTask, action: str, comment: str = "", now: datetime | None = None
) -> None:
    """Tell the agency's CISOs that oversight verified or returned `agency_task` (or
    accepted or rejected its not-applicable claim). Call after the task is saved: its new
    version names this change, so a later review of the same task is news again."""
    kind, subject = _REVIEWS[action]
    task = agency_task.task
    notices_add(
        users=_agency_cisos(agency_task.agency_id),
        kind=kind,
        item_key=f"agencytask:{agency_task.pk}@v{agency_task.version}",
        subject=f"{subject.format(code=task.code)}: {task.title}",
        body=_comment(comment),
        link=reverse(
            "tracking:agency_task_detail",
            kwargs={"agency_id": agency_task.agency_id, "pk": agency_task.pk},
        ),
        now=now,
    )


def notices_extension_decided(*, extension: ExtensionRequest, now: datetime | None = None) -> None:
    """Tell the agency's CISOs that oversight approved or denied an extension request."""
    agency_task = extension.agency_task
    code = agency_task.task.code
    if extension.status == ExtensionRequest.Status.APPROVED:
        kind = Kind.EXTENSION_APPROVED
        subject = f"Extension of {code} approved: now due {extension.requested_due:%b %-d, %Y}"
    else:
        kind = Kind.EXTENSION_DENIED
        subject = f"Extension of {code} to {extension.requested_due:%b %-d, %Y} denied"
    notices_add(
        users=_agency_cisos(agency_task.agency_id),
        kind=kind,
        item_key=f"extension:{extension.pk}",
        subject=subject,
        body=_comment(extension.decision_comment),
        link=reverse("tracking:extension_list", kwargs={"agency_id": agency_task.agency_id}),
        now=now,
    )


def notices_report_finished(*, report: Report, now: datetime | None = None) -> None:
    """Tell whoever asked for a report that it is ready, or that it failed (and why). A
    scheduled report has no one to tell: it is on the reports page."""
    if report.requested_by_id is None:
        return
    what = f"{report.agency.display_name} report" if report.agency else "Fleet report"
    if report.status == Report.Status.DONE:
        kind, subject, body = Kind.REPORT_READY, f"{what} #{report.pk} is ready", ""
    else:
        kind = Kind.REPORT_FAILED
        subject = f"{what} #{report.pk} could not be made"
        body = f"{report.error}\n\nRequest it again from the reports page."
    notices_add(
        users=[report.requested_by],
        kind=kind,
        item_key=f"report:{report.pk}",
        subject=subject,
        body=body,
        link=reverse("reports:report_detail", kwargs={"pk": report.pk}),
        now=now,
    )
