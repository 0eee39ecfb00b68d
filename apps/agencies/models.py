from django.db import models
from django.db.models import F, Q

from apps.core.models import TimeStampedModel


class Agency(TimeStampedModel):
    """A federal organization. Departments hold bureaus (one level, as in the .gov registrar's
    list); a department's own figures are the roll-up of its bureaus, so only bureaus and
    independent agencies carry directive tasks ("reporting units")."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "Department"
        BUREAU = "bureau", "Bureau"
        INDEPENDENT = "independent", "Independent agency"

    class Tier(models.TextChoices):
        CFO_ACT = "cfo_act", "CFO Act agency"
        OTHER = "other", "Other agency"

    REPORTING_KINDS = (Kind.BUREAU, Kind.INDEPENDENT)

    name = models.CharField(max_length=200)
    abbreviation = models.CharField(
        max_length=32, blank=True, help_text="From the eCFR agency list; blank where none exists."
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="bureaus"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    tier = models.CharField(max_length=16, choices=Tier.choices, default=Tier.OTHER)
    endpoint_count = models.PositiveIntegerField(
        default=0, help_text="Endpoints in scope for coverage tasks."
    )
    is_synthetic = models.BooleanField(
        default=False, help_text="Created by load_fleet for benchmarks, not real reference data."
    )

    class Meta:
        verbose_name_plural = "agencies"
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="agency_bureau_has_parent",
                condition=(Q(kind="bureau") & Q(parent__isnull=False))
                | (~Q(kind="bureau") & Q(parent__isnull=True)),
            ),
            models.CheckConstraint(name="agency_not_own_parent", condition=~Q(parent=F("id"))),
            models.CheckConstraint(
                name="agency_kind_valid",
                condition=Q(kind__in=["department", "bureau", "independent"]),
            ),
            models.CheckConstraint(
                name="agency_tier_valid", condition=Q(tier__in=["cfo_act", "other"])
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="agency_top_name_unique"
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                condition=Q(parent__isnull=False),
                name="agency_bureau_name_unique",
            ),
        ]
        indexes = [models.Index(fields=["kind", "tier"]), models.Index(fields=["parent", "name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.abbreviation:
            return f"{self.name} ({self.abbreviation})"
        return self.name

    @property
    def is_reporting_unit(self) -> bool:
        return self.kind in self.REPORTING_KINDS
