"""The services that make a change tell the people it concerns, in the change's own
transaction: oversight's reviews and extension decisions tell the agency's CISOs, a report
tells whoever asked for it."""

import pytest
from django.urls import reverse

from apps.core.errors import DomainError, StaleVersion
from apps.notices.models import Notice
from apps.readiness.services import readiness_recompute
from apps.reports.models import Report
from apps.reports.services import fleet_report_scheduled, report_mark_failed, report_request
from apps.tracking import services
from tests.accounts.factories import CisoFactory
from tests.review.scenario import claimed_na, completed, extension_asked

pytestmark = pytest.mark.django_db
K = Notice.Kind


def _notices(**filters) -> list[tuple]:
    return list(
        Notice.objects.filter(**filters)
        .order_by("user__username", "pk")
        .values_list("user__username", "kind", "subject")
    )


def test_a_verification_tells_every_active_ciso_of_the_agency_and_no_one_else(scene):
    deputy = CisoFactory(agency=scene.agency, username="deputy-a")
    CisoFactory(agency=scene.agency, username="gone-a", is_active=False)
    task = completed(scene.task("T02"), scene.ciso)

    services.agency_task_verify(
        agency_task=task, actor=scene.oversight, version=task.version, comment="Well evidenced."
    )

    subject = "T02 was verified by oversight: Harden system 2"
    assert _notices() == [("ciso-a", K.VERIFIED, subject), (deputy.username, K.VERIFIED, subject)]
    notice = Notice.objects.get(user=scene.ciso)
    assert notice.body == "Oversight's comment: Well evidenced."
    assert notice.link == reverse(
        "tracking:agency_task_detail", kwargs={"agency_id": scene.agency.pk, "pk": task.pk}
    )
    assert notice.sent_at is None  # e-mailed by a worker once the change commits
    assert notice.read_at is None


def test_each_review_of_the_same_task_is_news_again(scene):
    task = completed(scene.task("T02"), scene.ciso)
    task = services.agency_task_return(
        agency_task=task, actor=scene.oversight, version=task.version, comment="Add the scan."
    )
    task = completed(task, scene.ciso)
    services.agency_task_verify(agency_task=task, actor=scene.oversight, version=task.version)

    assert [kind for _, kind, _ in _notices(user=scene.ciso)] == [K.RETURNED, K.VERIFIED]
    returned = Notice.objects.get(user=scene.ciso, kind=K.RETURNED)
    assert returned.subject == "T02 was returned by oversight: Harden system 2"
    assert returned.body == "Oversight's comment: Add the scan."


def test_a_decision_on_a_not_applicable_claim_is_told_too(scene):
    accepted = claimed_na(scene.task("T03"), scene.ciso)
    rejected = claimed_na(scene.task("T04"), scene.ciso)
    services.agency_task_na_accept(
        agency_task=accepted, actor=scene.oversight, version=accepted.version
    )
    services.agency_task_na_reject(
        agency_task=rejected, actor=scene.oversight, version=rejected.version,
        comment="Your agency runs two mainframes.",
    )  # fmt: skip

    assert _notices(user=scene.ciso) == [
        ("ciso-a", K.VERIFIED, "Oversight accepted that T03 does not apply: Harden system 3"),
        ("ciso-a", K.RETURNED, "Oversight did not accept that T04 does not apply: Harden system 4"),
    ]


def test_a_refused_change_tells_no_one(scene):
    task = completed(scene.task("T02"), scene.ciso)
    with pytest.raises(StaleVersion):
        services.agency_task_verify(
            agency_task=task, actor=scene.oversight, version=task.version - 1
        )
    with pytest.raises(DomainError):
        services.agency_task_return(
            agency_task=task, actor=scene.oversight, version=task.version, comment=""
        )
    assert not Notice.objects.exists()


def test_extension_decisions_tell_the_agency_with_the_date_and_the_reason(scene):
    approved = extension_asked(scene.task("T01"), scene.ciso, days=5)
    denied = extension_asked(scene.task("T05"), scene.ciso, days=6)

    services.extension_request_decide(extension=approved, actor=scene.oversight, approve=True)
    services.extension_request_decide(
        extension=denied, actor=scene.oversight, approve=False, comment="Not justified."
    )

    due = approved.requested_due
    assert _notices(user=scene.ciso) == [
        ("ciso-a", K.EXTENSION_APPROVED,
         f"Extension of T01 approved: now due {due:%b} {due.day}, {due.year}"),
        ("ciso-a", K.EXTENSION_DENIED,
         f"Extension of T05 to {denied.requested_due:%b} {denied.requested_due.day}, "
         f"{denied.requested_due.year} denied"),
    ]  # fmt: skip
    assert Notice.objects.get(kind=K.EXTENSION_DENIED).body == "Oversight's comment: Not justified."
    assert not Notice.objects.filter(user=scene.other_ciso).exists()


def test_a_report_tells_whoever_asked_and_a_scheduled_one_no_one(scene):
    readiness_recompute(directive=scene.directive)
    asked = report_request(
        actor=scene.leadership, scope=Report.Scope.FLEET, agency=None, enqueue=False
    )
    report_mark_failed(report_id=asked.pk, error="MemoryError: out of memory")
    fleet_report_scheduled(trigger=Report.Trigger.DAILY)
    scheduled = Report.objects.get(trigger=Report.Trigger.DAILY)
    report_mark_failed(report_id=scheduled.pk, error="MemoryError: out of memory")

    notice = Notice.objects.get()
    assert (notice.user, notice.kind) == (scene.leadership, K.REPORT_FAILED)
    assert notice.subject == f"Fleet report #{asked.pk} could not be made"
    assert "MemoryError: out of memory" in notice.body
    assert notice.link == f"/reports/{asked.pk}/"
