"""Every kind of notice, made the way the product makes it: the change through its service
(which logs the notice and queues its e-mail once the change commits), or the daily job
that logs it. Each case also names its recipient and how its job runs once more.

Used by tests/notices/test_delivery.py to prove, for every kind, that a notice is e-mailed
once across two runs of its job, and that a kind turned off is not e-mailed but shows."""

from collections.abc import Callable
from dataclasses import dataclass

from apps.accounts.models import User
from apps.notices.models import Notice
from apps.notices.tasks import deliver_notices, deliver_pending, send_digest, send_reminders
from apps.readiness.services import readiness_recompute
from apps.reports.models import Report
from apps.reports.services import report_mark_failed, report_request
from apps.tracking import services
from tests.review.scenario import completed, extension_asked
from tests.tracking.scenario import World

K = Notice.Kind


def _verified(w: World, capture) -> None:
    task = completed(w.task("T02"), w.ciso)
    with capture(execute=True):
        services.agency_task_verify(agency_task=task, actor=w.oversight, version=task.version)


def _returned(w: World, capture) -> None:
    task = completed(w.task("T02"), w.ciso)
    with capture(execute=True):
        services.agency_task_return(
            agency_task=task, actor=w.oversight, version=task.version,
            comment="The scan covers one site of three.",
        )  # fmt: skip


def _extension(approve: bool):
    def make(w: World, capture) -> None:
        extension = extension_asked(w.task("T01"), w.ciso)
        with capture(execute=True):
            services.extension_request_decide(
                extension=extension, actor=w.oversight, approve=approve,
                comment="" if approve else "The milestone cannot move.",
            )  # fmt: skip

    return make


def _report_ready(w: World, capture) -> None:
    readiness_recompute(directive=w.directive)
    with capture(execute=True):  # the rendering job runs, then the delivery it queues
        report_request(actor=w.ciso, scope=Report.Scope.AGENCY, agency=w.agency)


def _report_failed(w: World, capture) -> None:
    readiness_recompute(directive=w.directive)
    report = report_request(actor=w.ciso, scope=Report.Scope.AGENCY, agency=w.agency, enqueue=False)
    with capture(execute=True):
        report_mark_failed(report_id=report.pk, error="MemoryError: the worker ran out of memory")


def _reminders(w: World, capture) -> None:
    send_reminders.delay()


def _turned_red(w: World, capture) -> None:
    readiness_recompute(directive=w.directive)  # T01 and T05 of a passed milestone: red
    send_reminders.delay()


def _digest(w: World, capture) -> None:
    completed(w.task("T02"), w.ciso)
    extension_asked(w.task("T01"), w.ciso)
    send_digest.delay()


def _deliver_again(user: User) -> dict:
    # The job queued on commit, delivered a second time, then the periodic sweep.
    first = deliver_notices.delay([user.pk]).get()
    second = deliver_pending.delay().get()
    return {"sent": first["sent"] + second["sent"]}


@dataclass(frozen=True)
class Case:
    recipient: Callable[[World], User]
    make: Callable[[World, object], None]  # (world, django_capture_on_commit_callbacks)
    again: Callable[[User], dict]  # the job once more; its result counts what it sent


def _ciso(w: World) -> User:
    return w.ciso


def _oversight(w: World) -> User:
    return w.oversight


CASES: dict[str, Case] = {
    K.VERIFIED: Case(_ciso, _verified, _deliver_again),
    K.RETURNED: Case(_ciso, _returned, _deliver_again),
    K.EXTENSION_APPROVED: Case(_ciso, _extension(True), _deliver_again),
    K.EXTENSION_DENIED: Case(_ciso, _extension(False), _deliver_again),
    K.REPORT_READY: Case(_ciso, _report_ready, _deliver_again),
    K.REPORT_FAILED: Case(_ciso, _report_failed, _deliver_again),
    K.DUE_SOON: Case(_ciso, _reminders, lambda user: send_reminders.delay().get()),
    K.OVERDUE: Case(_ciso, _reminders, lambda user: send_reminders.delay().get()),
    K.TURNED_RED: Case(_oversight, _turned_red, lambda user: send_reminders.delay().get()),
    K.DIGEST: Case(_oversight, _digest, lambda user: send_digest.delay().get()),
}
