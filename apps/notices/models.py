from django.conf import settings
from django.db import models
from django.db.models import Q

from apps.accounts.models import User


class NoticeKind(models.TextChoices):
    """What a notice is about; a user turns e-mail off per kind."""

    DUE_SOON = "due_soon", "Due soon"
    OVERDUE = "overdue", "Overdue"
    RETURNED = "returned", "Task returned"
    VERIFIED = "verified", "Task verified"
    EXTENSION_APPROVED = "extension_approved", "Extension approved"
    EXTENSION_DENIED = "extension_denied", "Extension denied"
    REPORT_READY = "report_ready", "Report ready"
    REPORT_FAILED = "report_failed", "Report failed"
    TURNED_RED = "turned_red", "Agency turned red"
    DIGEST = "digest", "Daily review digest"


class Notice(models.Model):
    """One notice to one user: a reminder of the day, or news of a change made to their
    records (a task verified or returned, an extension decided, a report finished), or
    oversight's daily digest. It is both the in-app inbox (read_at) and the log that e-mails
    each notice once (sent_at): the unique constraint keeps one row per (user, item, kind,
    day) however often a job runs or is retried, and delivery marks each row once."""

    Kind = NoticeKind

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    item_key = models.CharField(
        max_length=64,
        help_text="What the notice is about, e.g. agencytask:42 (a reminder), "
        "agencytask:42@v7 (one change of it), extension:9, report:5, digest.",
    )
    day = models.DateField(help_text="Local date of the directive's time zone.")
    subject = models.CharField(max_length=255)
    body = models.TextField(blank=True, help_text="The detail: a comment, the digest's items.")
    link = models.CharField(max_length=255, blank=True, help_text="The portal page it is about.")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Delivery is settled once: e-mailed, or not because the user turned the kind off (or
    # has no address). Either way the notice stays in the app.
    sent_at = models.DateTimeField(null=True, blank=True, help_text="When delivery was settled.")
    emailed = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "item_key", "kind", "day"], name="notice_once_per_day"
            ),
            models.CheckConstraint(
                name="notice_kind_valid",
                condition=Q(kind__in=NoticeKind.values),
            ),
            models.CheckConstraint(
                name="notice_emailed_when_sent",
                condition=Q(emailed=False) | Q(sent_at__isnull=False),
            ),
        ]
        indexes = [
            models.Index(fields=["day", "sent_at"]),
            # The inbox, newest first; the header's unread count; what waits for delivery.
            models.Index(fields=["user", "-created_at"], name="notice_inbox"),
            models.Index(fields=["user"], condition=Q(read_at__isnull=True), name="notice_unread"),
            models.Index(
                fields=["user"], condition=Q(sent_at__isnull=True), name="notice_undelivered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.kind} {self.item_key} → {self.user_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


K = Notice.Kind

# What each role is told (and so what its e-mail preferences list), in the order shown.
KINDS_BY_ROLE: dict[str, tuple[str, ...]] = {
    User.Role.AGENCY_CISO: (
        K.RETURNED, K.VERIFIED, K.EXTENSION_APPROVED, K.EXTENSION_DENIED, K.DUE_SOON, K.OVERDUE,
        K.REPORT_READY, K.REPORT_FAILED,
    ),
    User.Role.OVERSIGHT: (K.DIGEST, K.TURNED_RED, K.REPORT_READY, K.REPORT_FAILED),
    User.Role.LEADERSHIP: (K.REPORT_READY, K.REPORT_FAILED),
}  # fmt: skip

KIND_DESCRIPTIONS: dict[str, str] = {
    K.RETURNED: "Oversight sent a task back to your agency, or did not accept that it "
    "does not apply.",
    K.VERIFIED: "Oversight verified a task, or accepted that it does not apply.",
    K.EXTENSION_APPROVED: "Oversight approved an extension of a task's due date.",
    K.EXTENSION_DENIED: "Oversight denied an extension request.",
    K.DUE_SOON: "A task of your agency is due within a few days (each morning).",
    K.OVERDUE: "A task of your agency is past its due date (each morning).",
    K.REPORT_READY: "A PDF report you asked for is ready to download.",
    K.REPORT_FAILED: "A PDF report you asked for could not be made.",
    K.TURNED_RED: "An agency's rating turned red (each morning).",
    K.DIGEST: "New submissions to verify and pending extension requests (each morning).",
}


class EmailOptOut(models.Model):
    """A kind of notice a user asked not to be e-mailed about. They still see those notices
    in the app; no row means e-mail is on (the default)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Notice.Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_opt_out_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} no e-mail for {self.kind}"
