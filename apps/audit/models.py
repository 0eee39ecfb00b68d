from django.conf import settings
from django.db import models


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The audit log is append-only.")

    def delete(self):
        raise PermissionError("The audit log is append-only.")


class AuditEvent(models.Model):
    """Append-only record of a change: who, when, which object, each field before → after.

    Written by the service that made the change, in the same transaction (STYLE rule 4).
    Neither the app nor the admin can change or delete a row; on PostgreSQL a trigger refuses
    UPDATE and DELETE as well."""

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        STATUS = "status", "Status changed"
        VERIFY = "verify", "Verified"
        RETURN = "return", "Returned"
        ACCEPT_NA = "accept_na", "Not applicable accepted"
        REJECT_NA = "reject_na", "Not applicable rejected"
        UPLOAD = "upload", "Evidence added"
        REQUEST = "request", "Extension requested"
        APPROVE = "approve", "Extension approved"
        DENY = "deny", "Extension denied"
        ASSESS = "assess", "Vulnerability assessed"
        DERIVE = "derive", "Progress derived"

    occurred_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
        help_text="Empty for changes made by the system (derived progress, imports).",
    )
    agency = models.ForeignKey(
        "agencies.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_events",
    )
    action = models.CharField(max_length=12, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    object_repr = models.CharField(max_length=200, blank=True)
    # {field: [before, after]} as JSON-safe strings/numbers.
    changes = models.JSONField(default=dict, blank=True)
    comment = models.TextField(blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "occurred_at"]),
            models.Index(fields=["actor", "occurred_at"]),
            models.Index(fields=["object_type", "object_id", "occurred_at"]),
            models.Index(fields=["action", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return (
            f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The audit log is append-only.")
