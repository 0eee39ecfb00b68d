from django.db import models
from django.db.models import Q

from apps.core.models import TimeStampedModel


class DefenseTool(TimeStampedModel):
    """A catalog entry: a type of defense tool (vendor-neutral), AI-enabled or not."""

    class Category(models.TextChoices):
        EDR = "edr", "Endpoint detection and response (EDR)"
        SIEM_UEBA = "siem_ueba", "SIEM / user and entity behavior analytics"
        EMAIL_SECURITY = "email_security", "Email security"
        NDR = "ndr", "Network detection and response (NDR)"
        SOAR = "soar", "Security orchestration, automation and response (SOAR)"
        ITDR = "itdr", "Identity threat detection and response"
        VULN_MANAGEMENT = "vuln_management", "Vulnerability prioritization"
        WEB_PROTECTION = "web_protection", "Web application and API protection"
        CLOUD_SECURITY = "cloud_security", "Cloud security posture"

    name = models.CharField(max_length=120, unique=True)
    vendor = models.CharField(max_length=120, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    ai_enabled = models.BooleanField(default=False)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["category", "name"]
        indexes = [models.Index(fields=["category", "ai_enabled"])]

    def __str__(self) -> str:
        return self.name


class ToolDeploymentQuerySet(models.QuerySet):
    def counting_toward_coverage(self) -> "ToolDeploymentQuerySet":
        """[R11] The deployments a tool_coverage task counts: operational, of an AI-enabled
        tool (`ToolDeployment.counts_toward_coverage` is the same rule for one row)."""
        return self.filter(stage=ToolDeployment.Stage.OPERATIONAL, tool__ai_enabled=True)


class ToolDeployment(TimeStampedModel):
    """One agency's deployment of a catalog tool. Only operational deployments of AI-enabled
    tools count toward coverage tasks (the clock issue, derived tasks)."""

    class Stage(models.TextChoices):
        PLANNED = "planned", "Planned"
        PILOTING = "piloting", "Piloting"
        DEPLOYING = "deploying", "Deploying"
        OPERATIONAL = "operational", "Operational"
        RETIRED = "retired", "Retired"

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="deployments"
    )
    tool = models.ForeignKey(DefenseTool, on_delete=models.PROTECT, related_name="deployments")
    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.PLANNED)
    endpoints_covered = models.PositiveIntegerField(default=0)
    go_live_date = models.DateField(null=True, blank=True)
    operational_since = models.DateTimeField(
        null=True, blank=True, help_text="When it last became operational (coverage timing)."
    )
    product_notes = models.CharField(
        max_length=200,
        blank=True,
        help_text="The product or service in use, in the agency's words.",
    )
    version = models.PositiveIntegerField(default=1)

    objects = ToolDeploymentQuerySet.as_manager()

    class Meta:
        ordering = ["agency", "tool__category", "tool__name"]
        constraints = [
            models.CheckConstraint(
                name="deployment_stage_valid",
                condition=Q(
                    stage__in=["planned", "piloting", "deploying", "operational", "retired"]
                ),
            ),
            # An operational deployment knows when it went live and since when it counts.
            models.CheckConstraint(
                name="deployment_operational_dated",
                condition=~Q(stage="operational")
                | (Q(go_live_date__isnull=False) & Q(operational_since__isnull=False)),
            ),
        ]
        indexes = [models.Index(fields=["agency", "stage"])]

    def __str__(self) -> str:
        return f"{self.tool} at {self.agency_id} ({self.stage})"

    @property
    def counts_toward_coverage(self) -> bool:
        """[R11] True for an operational deployment of an AI-enabled tool (the row-level
        form of `ToolDeploymentQuerySet.counting_toward_coverage`; reads `tool`)."""
        return self.stage == self.Stage.OPERATIONAL and self.tool.ai_enabled
