"""Writes of the reports app: request a report (web request or schedule) and render it (a
Celery worker, never a web request).

A report is frozen: its request keeps the readiness figures of that moment as a run
(`readiness_run_freeze`), the render reads only that run and the records as they stood
then, and a report once done is never rendered again (STYLE rule 8: safe to run twice)."""

import hashlib
import logging
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.agencies.models import Agency
from apps.core.errors import DomainError
from apps.directives.models import Directive
from apps.directives.selectors import directive_current, directive_schedule
from apps.notices.services import notices_report_finished
from apps.readiness.clock import deadline_of, local_date
from apps.readiness.models import ReadinessRun
from apps.readiness.services import readiness_recompute, readiness_run_freeze
from apps.reports import pdf
from apps.reports.builders import report_context
from apps.reports.models import Report
from apps.reports.permissions import can_access_report

logger = logging.getLogger(__name__)

Scope, Status, Trigger = Report.Scope, Report.Status, Report.Trigger


def report_request_check(*, actor: User | None, scope: str, agency: Agency | None) -> None:
    """A well-formed request by someone allowed to make it (apps.reports.permissions); the
    scheduler (no actor) may ask for any.

    The views resolve the agency through `agency_get_for_user` first, so a CISO naming
    another agency gets the same 404 as for a missing one; this check is the last line."""
    if scope not in Scope.values:
        raise DomainError(f"Unknown report scope {scope!r}.", field="scope")
    if scope == Scope.AGENCY and agency is None:
        raise DomainError("Name the agency of an agency report.", field="agency")
    if scope == Scope.FLEET and agency is not None:
        raise DomainError("A fleet report covers every agency; name none.", field="agency")
    if actor is None:
        return
    if not actor.is_authenticated:
        raise PermissionDenied("Sign in to request a report.")
    if not can_access_report(user=actor, scope=scope, agency_id=agency.pk if agency else None):
        raise PermissionDenied("You may request reports of your own agency only.")


@transaction.atomic
def report_request(
    *,
    actor: User | None,
    scope: str,
    agency: Agency | None = None,
    trigger: str = Trigger.ON_DEMAND,
    directive: Directive | None = None,
    now: datetime | None = None,
    enqueue: bool = True,
) -> Report:
    """Queue a report of the current figures: keep them as a run (the report's frozen
    basis), create the report `queued`, and enqueue its rendering once this transaction has
    committed (the worker must find the row). `actor` None is the system (the schedule, the
    generate_report command); `enqueue=False` leaves the rendering to the caller."""
    report_request_check(actor=actor, scope=scope, agency=agency)
    directive = directive or directive_current()
    if agency is not None and not agency.readiness.filter(directive=directive).exists():
        # A department (its bureaus carry the tasks) or an agency not yet computed.
        raise DomainError(f"{agency} has no readiness figures for {directive.code} yet.")
    run = readiness_run_freeze(directive=directive, kind=ReadinessRun.Kind.REPORT, now=now)
    report = Report.objects.create(
        scope=scope,
        agency=agency if scope == Scope.AGENCY else None,
        directive=directive,
        run=run,
        trigger=trigger,
        requested_by=actor,
    )
    if enqueue:
        from apps.reports.tasks import render_report  # tasks import this module

        transaction.on_commit(lambda: render_report.delay(report.pk))
    return report


def report_render(*, report_id: int) -> Report | None:
    """Render a queued report to PDF and store it with its SHA-256.

    Idempotent: a done or failed report is left as it is. A report found `running` is a
    redelivered job whose worker died mid-render, and is rendered again. The PDF is made in
    memory and stored only once complete; the row then points at it in one update. A
    rendering error marks the report failed with the error and no file; database outages
    propagate, so the job is retried (apps.core.jobs.JOB_OPTIONS). None if the report was
    deleted before its job ran."""
    started = _start(report_id)
    if started is None:
        return Report.objects.filter(pk=report_id).first()
    report = started
    try:
        template, context = report_context(report=report, generated_at=timezone.now())
        html = pdf.render_html(template, context)
        _progress(report, 40, "Laying out the pages")
        rendered = pdf.html_to_pdf(
            html, on_laid_out=lambda pages: _progress(report, 85, f"Writing {pages} pages")
        )
        _progress(report, 95, "Storing the file")
    except (OperationalError, InterfaceError):
        raise
    except Exception as exc:  # any rendering error ends the report, with the reason
        logger.exception("Report %s failed to render", report_id)
        return report_mark_failed(report_id=report_id, error=_describe(exc))
    return _store(report_id, rendered)


def _start(report_id: int) -> Report | None:
    with transaction.atomic():
        report = (
            Report.objects.select_for_update(of=("self",))
            .select_related("directive", "run", "agency", "requested_by")
            .filter(pk=report_id)
            .first()
        )
        if report is None or report.status in (Status.DONE, Status.FAILED):
            return None  # never re-rendered: a report once made does not change
        if report.status == Status.QUEUED:  # a redelivered job keeps the first start
            report.started_at = timezone.now()
        report.status = Status.RUNNING
        report.progress, report.phase = 5, "Gathering figures"
        report.save(update_fields=["status", "progress", "phase", "started_at", "updated_at"])
    return report


def _store(report_id: int, rendered: pdf.RenderedPdf) -> Report:
    digest = hashlib.sha256(rendered.data).hexdigest()
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report_id)
        if report.status in (Status.DONE, Status.FAILED):
            # A duplicate delivery finished first; its file stands and ours is dropped.
            return report
        # upload_to names the file (random, under reports/YYYY/MM/); the bytes are complete.
        report.file.save("report.pdf", ContentFile(rendered.data), save=False)
        try:
            report.sha256 = digest
            report.size = len(rendered.data)
            report.pages = rendered.pages
            report.status = Status.DONE
            report.progress = 100
            report.error = ""
            report.finished_at = timezone.now()
            report.save(
                update_fields=[
                    "file", "sha256", "size", "pages", "status", "progress", "error",
                    "finished_at", "updated_at",
                ]
            )  # fmt: skip
            notices_report_finished(report=report)
        except BaseException:
            # The row does not point at the file: remove it, so no orphan stays behind.
            report.file.storage.delete(report.file.name)
            raise
    return report


def report_mark_failed(*, report_id: int, error: str) -> Report | None:
    """End a report that could not be rendered: failed, with the reason, and no file (a
    done report stays done; a deleted one is left alone)."""
    with transaction.atomic():
        report = Report.objects.select_for_update().filter(pk=report_id).first()
        if report is None or report.status == Status.DONE:
            return report
        report.status = Status.FAILED
        report.error = error[:4000] or "Rendering failed."
        report.finished_at = timezone.now()
        report.save(update_fields=["status", "error", "finished_at", "updated_at"])
        notices_report_finished(report=report)
    return report


def _progress(report: Report, percent: int, phase: str) -> None:
    # updated_at stays: it marks the start, from which apps.core.jobs judges a lost job.
    Report.objects.filter(pk=report.pk, status=Status.RUNNING).update(progress=percent, phase=phase)


def _describe(exc: BaseException) -> str:
    message = str(exc).strip()
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


# --- Scheduled reports ------------------------------------------------------------------


# The final report's job may fire a little early or late; figures are judged at the deadline.
FINAL_EARLY_TOLERANCE = timedelta(minutes=5)


def fleet_report_scheduled(*, trigger: str, now: datetime | None = None) -> Report | None:
    """The scheduled fleet report of the current directive: the daily one (once per local
    day, 06:00) or the "Day 30 — final" one (once per directive, at its deadline, with the
    figures judged at the deadline). Figures are recomputed first: a worker may take the
    time a web request may not. A repeated or retried job returns None instead of queueing
    a second report, even when two deliveries of it run at once; so does a final job run
    before the deadline."""
    now = now or timezone.now()
    directive = directive_current()
    schedule = directive_schedule(directive=directive)
    if trigger == Trigger.FINAL:
        deadline = schedule.clock(now).deadline
        if now < deadline - FINAL_EARLY_TOLERANCE:
            return None
        now = min(now, deadline)
    elif trigger != Trigger.DAILY:
        raise DomainError(f"{trigger!r} is not a scheduled report.")
    if _scheduled_exists(directive=directive, trigger=trigger, schedule=schedule, now=now):
        return None  # a repeated job: spare the recompute
    # The recompute writes in its own transactions (it reads outside one, by design): run it
    # before taking the lock, so the lock is held for the check and the insert only.
    readiness_recompute(directive=directive, now=now)
    with transaction.atomic():
        # Two deliveries of the job may get here together: the directive's row lock
        # makes the second wait for the first to commit, and then see its report.
        Directive.objects.select_for_update().only("pk").get(pk=directive.pk)
        if _scheduled_exists(directive=directive, trigger=trigger, schedule=schedule, now=now):
            return None
        return report_request(
            actor=None, scope=Scope.FLEET, trigger=trigger, directive=directive, now=now
        )


def _scheduled_exists(*, directive: Directive, trigger: str, schedule, now: datetime) -> bool:
    """A scheduled report of this kind already stands (a failed one does not count): the
    final one at all, the daily one made on `now`'s local day."""
    existing = Report.objects.filter(
        directive=directive, scope=Scope.FLEET, trigger=trigger
    ).exclude(status=Status.FAILED)
    if trigger == Trigger.DAILY:
        today = local_date(now, schedule.tz)
        existing = existing.filter(
            created_at__gt=deadline_of(today - timedelta(days=1), schedule.tz),
            created_at__lte=deadline_of(today, schedule.tz),
        )
    return existing.exists()
