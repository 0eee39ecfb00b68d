from django.db import models
from django.db.models import Q

from apps.core.models import TimeStampedModel


class Rating(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"


class Figures(models.Model):
    """The readiness figures of one agency (or of the fleet) at one moment.

    EV and PV are fractions 0..1; the weight sums are kept so that fleet and roll-up figures
    are computed from sums, never by averaging agency ratios."""

    computed_at = models.DateTimeField()
    day_number = models.IntegerField()
    ev = models.FloatField()
    pv = models.FloatField()
    spi = models.FloatField(null=True, blank=True)
    rating = models.CharField(max_length=8, choices=Rating.choices)
    forecast_at = models.DateTimeField(null=True, blank=True)
    earned_weight = models.FloatField(default=0)
    planned_weight = models.FloatField(default=0)
    weight_total = models.FloatField(default=0)
    tasks_total = models.PositiveIntegerField(default=0)
    tasks_done = models.PositiveIntegerField(default=0)
    tasks_late = models.PositiveIntegerField(default=0)
    tasks_overdue = models.PositiveIntegerField(default=0)
    tasks_at_risk = models.PositiveIntegerField(default=0)
    tasks_on_track = models.PositiveIntegerField(default=0)
    tasks_not_applicable = models.PositiveIntegerField(default=0)
    kev_overdue = models.PositiveIntegerField(default=0)
    ai_coverage = models.FloatField(
        null=True, blank=True, help_text="Share of endpoints covered by operational AI-enabled EDR."
    )
    # {milestone code: met | met_late | at_risk | overdue | pending} for the heat map.
    milestone_states = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    @classmethod
    def figure_constraints(cls, prefix: str) -> list[models.BaseConstraint]:
        return [
            models.CheckConstraint(name=f"{prefix}_ev_range", condition=Q(ev__gte=0, ev__lte=1)),
            models.CheckConstraint(name=f"{prefix}_pv_range", condition=Q(pv__gte=0, pv__lte=1)),
            models.CheckConstraint(
                name=f"{prefix}_spi_nonneg", condition=Q(spi__isnull=True) | Q(spi__gte=0)
            ),
            models.CheckConstraint(
                name=f"{prefix}_rating_valid", condition=Q(rating__in=["green", "amber", "red"])
            ),
        ]


class AgencyReadiness(Figures):
    """Each agency's current figures for a directive, replaced in place on every computation
    (the dashboards read this table; the series lives in ReadinessSnapshot).

    Every fleet recompute rewrites every row (every 15 minutes), so the table keeps only
    the indexes that its reads need: the unique (directive, agency) serves both the
    fleet's reads (a directive's few hundred rows, sorted in memory) and one agency's.
    Each further index was one more write per row per recompute. The table is kept half
    empty (fillfactor 50, migration 0004) so those rewrites stay in place."""

    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="readiness", db_index=False
    )
    directive = models.ForeignKey(
        "directives.Directive",
        on_delete=models.CASCADE,
        related_name="agency_readiness",
        db_index=False,
    )
    # When the agency last turned red (None while it is not red): oversight is reminded of
    # agencies that turned red since the previous reminder.
    red_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "agency readiness"
        constraints = [
            models.UniqueConstraint(
                fields=["directive", "agency"], name="readiness_current_unique"
            ),
            *Figures.figure_constraints("readiness"),
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.rating} EV {self.ev:.2f}"


class ReadinessRun(TimeStampedModel):
    """One fleet computation whose figures were kept: the daily series point, or the frozen
    basis of a report. Holds the fleet's own figures; per-agency rows are its snapshots."""

    class Kind(models.TextChoices):
        DAILY = "daily", "Daily snapshot"
        REPORT = "report", "Report basis"
        MANUAL = "manual", "Manual"

    directive = models.ForeignKey(
        "directives.Directive", on_delete=models.CASCADE, related_name="readiness_runs"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    computed_at = models.DateTimeField()
    day_number = models.IntegerField()
    snapshot_date = models.DateField(help_text="Local date of the directive's time zone.")
    ev = models.FloatField()
    pv = models.FloatField()
    spi = models.FloatField(null=True, blank=True)
    agencies = models.PositiveIntegerField(default=0)
    green = models.PositiveIntegerField(default=0)
    amber = models.PositiveIntegerField(default=0)
    red = models.PositiveIntegerField(default=0)
    median_ev = models.FloatField(null=True, blank=True)
    median_spi = models.FloatField(null=True, blank=True)
    tasks_overdue = models.PositiveIntegerField(default=0)
    kev_overdue = models.PositiveIntegerField(default=0)
    ai_coverage = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["directive", "computed_at"]
        constraints = [
            # The daily series has one point per local day, so a retried job cannot double it.
            models.UniqueConstraint(
                fields=["directive", "snapshot_date"],
                condition=Q(kind="daily"),
                name="readinessrun_one_daily",
            ),
            models.CheckConstraint(name="readinessrun_ev_range", condition=Q(ev__gte=0, ev__lte=1)),
            models.CheckConstraint(name="readinessrun_pv_range", condition=Q(pv__gte=0, pv__lte=1)),
        ]
        indexes = [models.Index(fields=["directive", "kind", "computed_at"])]

    def __str__(self) -> str:
        return f"{self.directive_id} {self.kind} {self.computed_at:%Y-%m-%d %H:%M}"


class ReadinessSnapshot(Figures):
    """One agency's figures as kept by a ReadinessRun (a point of its time series)."""

    run = models.ForeignKey(ReadinessRun, on_delete=models.CASCADE, related_name="snapshots")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, related_name="snapshots"
    )
    directive = models.ForeignKey(
        "directives.Directive", on_delete=models.CASCADE, related_name="snapshots"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "agency"], name="snapshot_unique"),
            *Figures.figure_constraints("snapshot"),
        ]
        indexes = [models.Index(fields=["agency", "directive", "computed_at"])]

    def __str__(self) -> str:
        return f"{self.agency_id} @ {self.computed_at:%Y-%m-%d %H:%M} {self.rating}"
