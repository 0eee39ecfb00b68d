from django.db import models
from django.db.models import Q

from apps.core.models import TimeStampedModel
from apps.deployments.models import DefenseTool


class Directive(TimeStampedModel):
    """A push with one clock: issued at a moment, due `window_days` later, judged in its own
    time zone. More than one may exist (a later emergency directive reuses the portal)."""

    code = models.SlugField(max_length=40, unique=True)
    title = models.CharField(max_length=200)
    authority = models.TextField(blank=True)
    summary = models.TextField(blank=True)
    issued_at = models.DateTimeField(help_text="Stored in UTC.")
    window_days = models.PositiveSmallIntegerField(default=30)
    time_zone = models.CharField(max_length=64, default="America/New_York")

    class Meta:
        ordering = ["-issued_at"]
        constraints = [
            models.CheckConstraint(
                name="directive_window_positive", condition=Q(window_days__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"


class Milestone(TimeStampedModel):
    """A checkpoint of a directive at a day offset; it is due at the end of that day."""

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="milestones")
    code = models.CharField(max_length=16)
    day_offset = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["directive", "day_offset"]
        constraints = [
            models.UniqueConstraint(
                fields=["directive", "day_offset"], name="milestone_offset_unique"
            ),
            models.UniqueConstraint(fields=["directive", "code"], name="milestone_code_unique"),
            models.CheckConstraint(
                name="milestone_offset_positive", condition=Q(day_offset__gte=1)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} (day {self.day_offset}): {self.title}"


class Task(TimeStampedModel):
    """One requirement of a directive, due at its milestone."""

    class Category(models.TextChoices):
        ASSET_INVENTORY = "asset_inventory", "Asset inventory"
        VULNERABILITY_MANAGEMENT = "vulnerability_management", "Vulnerability management"
        IDENTITY_ACCESS = "identity_access", "Identity and access"
        LOGGING_DETECTION = "logging_detection", "Logging and detection"
        ENDPOINT_DEFENSE = "endpoint_defense", "Endpoint defense"
        AI_DEFENSE = "ai_defense", "AI-enabled defense"
        EMAIL_WEB = "email_web", "Email and web protection"
        NETWORK_DEFENSE = "network_defense", "Network defense"
        INCIDENT_RESPONSE = "incident_response", "Incident response"
        GOVERNANCE = "governance", "Governance and reporting"

    class Measure(models.TextChoices):
        MANUAL = "manual", "Reported by the agency"
        TOOL_COVERAGE = "tool_coverage", "Derived from AI-defense tool coverage"
        KEV_REMEDIATION = "kev_remediation", "Derived from KEV remediation"

    directive = models.ForeignKey(Directive, on_delete=models.CASCADE, related_name="tasks")
    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="tasks")
    code = models.CharField(max_length=16)
    title = models.CharField(max_length=200)
    guidance = models.TextField(blank=True)
    weight = models.PositiveSmallIntegerField(default=1)
    category = models.CharField(max_length=32, choices=Category.choices)
    evidence_required = models.BooleanField(default=True)
    measure = models.CharField(max_length=20, choices=Measure.choices, default=Measure.MANUAL)
    coverage_target = models.DecimalField(
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="tool_coverage only: share of endpoints to cover, e.g. 0.800.",
    )
    coverage_category = models.CharField(
        max_length=20, choices=DefenseTool.Category.choices, blank=True
    )

    class Meta:
        ordering = ["directive", "milestone__day_offset", "code"]
        constraints = [
            models.UniqueConstraint(fields=["directive", "code"], name="task_code_unique"),
            models.CheckConstraint(name="task_weight_positive", condition=Q(weight__gte=1)),
            models.CheckConstraint(
                name="task_measure_valid",
                condition=Q(measure__in=["manual", "tool_coverage", "kev_remediation"]),
            ),
            # A coverage task names its target and tool category; no other task has them.
            models.CheckConstraint(
                name="task_coverage_fields",
                condition=(
                    Q(measure="tool_coverage")
                    & Q(coverage_target__gt=0)
                    & Q(coverage_target__lte=1)
                    & ~Q(coverage_category="")
                )
                | (
                    ~Q(measure="tool_coverage")
                    & Q(coverage_target__isnull=True)
                    & Q(coverage_category="")
                ),
            ),
        ]
        indexes = [models.Index(fields=["directive", "measure"])]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    @property
    def is_derived(self) -> bool:
        return self.measure != self.Measure.MANUAL
