import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import TimeStampedModel


def report_upload_to(instance: "Report", filename: str) -> str:
    return f"reports/{instance.created_at:%Y/%m}/{uuid.uuid4().hex}.pdf"


class Report(TimeStampedModel):
    """A PDF status report: rendered by a worker from the frozen figures of `run`, never in a
    web request, and never changed once done."""

    class Scope(models.TextChoices):
        FLEET = "fleet", "Fleet"
        AGENCY = "agency", "Agency"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        ON_DEMAND = "on_demand", "On demand"
        DAILY = "daily", "Daily"
        FINAL = "final", "Day 30 final"

    scope = models.CharField(max_length=8, choices=Scope.choices)
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    directive = models.ForeignKey(
        "directives.Directive", on_delete=models.CASCADE, related_name="reports"
    )
    run = models.ForeignKey(
        "readiness.ReadinessRun",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reports",
    )
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.ON_DEMAND)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    # What the job is doing, in words ("Laying out the pages"), while queued or running.
    phase = models.CharField(max_length=80, blank=True)
    # Renderings lost with their worker (apps.core.jobs.lost_jobs_sweep re-queues the first).
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=report_upload_to, blank=True, max_length=255)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    pages = models.PositiveIntegerField(default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="report_scope_agency",
                condition=(Q(scope="agency") & Q(agency__isnull=False))
                | (Q(scope="fleet") & Q(agency__isnull=True)),
            ),
            models.CheckConstraint(
                name="report_status_valid",
                condition=Q(status__in=["queued", "running", "done", "failed"]),
            ),
            models.CheckConstraint(
                name="report_progress_range", condition=Q(progress__gte=0, progress__lte=100)
            ),
            # A finished report has its file and digest; a failed one has its error and no file.
            models.CheckConstraint(
                name="report_done_has_file",
                condition=~Q(status="done")
                | (~Q(file="") & Q(sha256__regex=r"^[0-9a-f]{64}$") & Q(size__gt=0)),
            ),
            models.CheckConstraint(
                name="report_failed_has_error_no_file",
                condition=~Q(status="failed") | (~Q(error="") & Q(file="")),
            ),
        ]
        indexes = [
            models.Index(fields=["scope", "agency", "created_at"]),
            models.Index(fields=["status"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} report #{self.pk} ({self.status})"
