import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import TimeStampedModel


class AgencyTask(TimeStampedModel):
    """One directive task at one agency: the row CISOs update and oversight verifies.

    `version` increases on every save through the services; a write that carries an older
    version is refused (optimistic locking: no lost updates between two editors)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        BLOCKED = "blocked", "Blocked"
        COMPLETED = "completed", "Completed"
        VERIFIED = "verified", "Verified"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    DONE_STATUSES = (Status.COMPLETED, Status.VERIFIED)
    # Work the agency still owes: neither done nor claimed not applicable.
    OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.BLOCKED)

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="agency_tasks"
    )
    task = models.ForeignKey(
        "directives.Task", on_delete=models.CASCADE, related_name="agency_tasks"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NOT_STARTED)
    percent = models.PositiveSmallIntegerField(default=0)
    owner = models.CharField(max_length=120, blank=True)
    notes = models.TextField(blank=True)
    blocked_reason = models.TextField(blank=True)
    na_justification = models.TextField(blank=True)
    na_accepted_at = models.DateTimeField(null=True, blank=True)
    na_accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extended_due = models.DateField(
        null=True, blank=True, help_text="Date of the approved extension, if any."
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    returned_at = models.DateTimeField(null=True, blank=True)
    return_comment = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["agency", "task__milestone__day_offset", "task__code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "task"], name="agencytask_unique"),
            models.CheckConstraint(
                name="agencytask_status_valid",
                condition=Q(
                    status__in=[
                        "not_started",
                        "in_progress",
                        "blocked",
                        "completed",
                        "verified",
                        "not_applicable",
                    ]
                ),
            ),
            models.CheckConstraint(
                name="agencytask_percent_range", condition=Q(percent__gte=0, percent__lte=100)
            ),
            models.CheckConstraint(
                name="agencytask_blocked_has_reason",
                condition=~Q(status="blocked") | ~Q(blocked_reason=""),
            ),
            models.CheckConstraint(
                name="agencytask_done_is_complete",
                condition=~Q(status__in=["completed", "verified"])
                | (Q(percent=100) & Q(completed_at__isnull=False)),
            ),
            models.CheckConstraint(
                name="agencytask_verified_dated",
                condition=~Q(status="verified")
                | (Q(verified_at__isnull=False) & Q(verified_by__isnull=False)),
            ),
            models.CheckConstraint(
                name="agencytask_na_justified",
                condition=~Q(status="not_applicable") | ~Q(na_justification=""),
            ),
            models.CheckConstraint(
                name="agencytask_na_accepted_only_when_na",
                condition=Q(na_accepted_at__isnull=True) | Q(status="not_applicable"),
            ),
            models.CheckConstraint(name="agencytask_version_positive", condition=Q(version__gte=1)),
        ]
        indexes = [
            models.Index(fields=["agency", "status"]),
            models.Index(fields=["task", "status"]),
            models.Index(fields=["status", "completed_at"]),
            # Approved extensions are few: the readiness engine reads their distinct dates
            # (the KEV scopes) before its one heavy query, so that read must not scan.
            models.Index(
                fields=["task", "extended_due"],
                condition=Q(extended_due__isnull=False),
                name="agencytask_extended",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.task.code} at {self.agency}"

    @property
    def is_done(self) -> bool:
        return self.status in self.DONE_STATUSES

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_returned_open(self) -> bool:
        """Sent back by oversight (returned, or its not-applicable claim rejected) and not
        resubmitted since: the agency owes the work again. `returned_at` is kept once set
        (the last return), so the open status is what tells a pending return."""
        return self.returned_at is not None and self.is_open


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    # The stored name is random: the original name is kept in a column, never in a path.
    return f"evidence/{instance.agency_task.agency_id}/{uuid.uuid4().hex}"


class Evidence(TimeStampedModel):
    """A file or a link attached to an AgencyTask. Files are served only through a
    permission-checked view; the SHA-256 proves what was uploaded."""

    class Kind(models.TextChoices):
        FILE = "file", "File"
        LINK = "link", "Link"

    agency_task = models.ForeignKey(AgencyTask, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=255)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    url = models.URLField(max_length=500, blank=True)
    description = models.CharField(max_length=255, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name_plural = "evidence"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="evidence_kind_fields",
                condition=(
                    Q(kind="file")
                    & ~Q(file="")
                    & Q(sha256__regex=r"^[0-9a-f]{64}$")
                    & Q(size__gt=0)
                    & Q(url="")
                )
                | (Q(kind="link") & ~Q(url="") & Q(file="") & Q(sha256="")),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name or self.url


class ExtensionRequest(TimeStampedModel):
    """A CISO's request to move one task's due date; oversight approves or denies it."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"

    agency_task = models.ForeignKey(
        AgencyTask, on_delete=models.CASCADE, related_name="extension_requests"
    )
    requested_due = models.DateField()
    justification = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="extension_status_valid",
                condition=Q(status__in=["pending", "approved", "denied"]),
            ),
            models.CheckConstraint(name="extension_justified", condition=~Q(justification="")),
            models.CheckConstraint(
                name="extension_decision_recorded",
                condition=(
                    Q(status="pending") & Q(decided_by__isnull=True) & Q(decided_at__isnull=True)
                )
                | (
                    ~Q(status="pending") & Q(decided_by__isnull=False) & Q(decided_at__isnull=False)
                ),
            ),
            # One open request per task: a second one would race the first decision.
            models.UniqueConstraint(
                fields=["agency_task"],
                condition=Q(status="pending"),
                name="extension_one_pending",
            ),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return f"Extension to {self.requested_due} ({self.status})"
