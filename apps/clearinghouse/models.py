from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.core.models import TimeStampedModel


class Vulnerability(TimeStampedModel):
    """A clearinghouse entry. The KEV catalog is the first feed; rows are upserted by CVE."""

    cve_id = models.CharField(max_length=32, unique=True)
    vendor_project = models.CharField(max_length=200)
    product = models.CharField(max_length=200)
    name = models.CharField(max_length=400)
    date_added = models.DateField()
    short_description = models.TextField()
    required_action = models.TextField()
    due_date = models.DateField()
    known_ransomware_use = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    cwes = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=16, default="kev")

    class Meta:
        verbose_name_plural = "vulnerabilities"
        ordering = ["-date_added", "cve_id"]
        constraints = [
            models.CheckConstraint(
                name="vulnerability_cve_format",
                condition=Q(cve_id__regex=r"^CVE-[0-9]{4}-[0-9]{4,}$"),
            ),
        ]
        indexes = [
            models.Index(fields=["due_date"]),
            models.Index(fields=["vendor_project", "product"]),
        ]

    def __str__(self) -> str:
        return self.cve_id


class Remediation(TimeStampedModel):
    """An agency's assessment of one clearinghouse entry. Created on assessment: an entry
    with no row for the agency is "not assessed", which counts as open."""

    class Status(models.TextChoices):
        NOT_ASSESSED = "not_assessed", "Not assessed"
        NOT_AFFECTED = "not_affected", "Not affected"
        AFFECTED = "affected", "Affected"
        MITIGATED = "mitigated", "Mitigated"
        REMEDIATED = "remediated", "Remediated"

    # Fixed or worked around: dated (resolved_on), and done for a KEV task [R12].
    CLOSED_STATUSES = (Status.MITIGATED, Status.REMEDIATED)
    # Closed, or not present: no longer open, so never overdue and out of a KEV task's
    # remaining work. Open is the rest: not assessed (no row) or affected.
    SETTLED_STATUSES = (*CLOSED_STATUSES, Status.NOT_AFFECTED)

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="remediations"
    )
    vulnerability = models.ForeignKey(
        Vulnerability, on_delete=models.CASCADE, related_name="remediations"
    )
    status = models.CharField(max_length=16, choices=Status.choices)
    assessed_at = models.DateTimeField()
    resolved_on = models.DateField(null=True, blank=True, help_text="Date mitigated or remediated.")
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "vulnerability"], name="remediation_unique"),
            models.CheckConstraint(
                name="remediation_status_valid",
                # "Not assessed" is the absence of a row, never a stored status.
                condition=Q(status__in=["not_affected", "affected", "mitigated", "remediated"]),
            ),
            models.CheckConstraint(
                name="remediation_resolved_dated",
                condition=(Q(status__in=["mitigated", "remediated"]) & Q(resolved_on__isnull=False))
                | (~Q(status__in=["mitigated", "remediated"]) & Q(resolved_on__isnull=True)),
            ),
        ]
        indexes = [models.Index(fields=["agency", "status"])]

    def __str__(self) -> str:
        return f"{self.vulnerability_id} at {self.agency_id}: {self.status}"


class FeedImport(TimeStampedModel):
    """One run of a clearinghouse feed import: succeeded with its counts, or failed with the
    reason (and then changed nothing)."""

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    source = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    catalog_version = models.CharField(max_length=32, blank=True)
    entries = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                name="feedimport_failed_has_error",
                condition=~Q(status="failed") | ~Q(error=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.status}"
