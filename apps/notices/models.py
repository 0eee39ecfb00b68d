from django.conf import settings
from django.db import models
from django.db.models import Q


class Notice(models.Model):
    """One reminder to one user about one item on one day. The unique constraint is the
    guarantee that a notice goes out once per (user, item, kind, day), however often the
    reminder job runs or is retried."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due within 3 days"
        OVERDUE = "overdue", "Overdue"
        RETURNED = "returned", "Returned by oversight"
        TURNED_RED = "turned_red", "Agency turned red"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    item_key = models.CharField(max_length=64, help_text="e.g. agencytask:42 or agency:7")
    day = models.DateField(help_text="Local date of the directive's time zone.")
    subject = models.CharField(max_length=255)
    link = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "user_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "item_key", "kind", "day"], name="notice_once_per_day"
            ),
            models.CheckConstraint(
                name="notice_kind_valid",
                condition=Q(kind__in=["due_soon", "overdue", "returned", "turned_red"]),
            ),
        ]
        indexes = [models.Index(fields=["day", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.item_key} → {self.user_id}"
