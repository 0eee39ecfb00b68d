from django.contrib import admin

from apps.core.admin import ViewOnlyAdmin
from apps.readiness.models import AgencyReadiness, ReadinessRun, ReadinessSnapshot

FIGURES = ("ev", "pv", "spi", "rating", "forecast_at", "computed_at")


@admin.register(AgencyReadiness)
class AgencyReadinessAdmin(ViewOnlyAdmin):
    list_display = ("agency", "directive", *FIGURES)
    list_filter = ("directive", "rating")
    search_fields = ("agency__name", "agency__abbreviation")
    list_select_related = ("agency", "directive")


@admin.register(ReadinessRun)
class ReadinessRunAdmin(ViewOnlyAdmin):
    list_display = (
        "directive",
        "kind",
        "computed_at",
        "day_number",
        "ev",
        "pv",
        "spi",
        "green",
        "amber",
        "red",
    )
    list_filter = ("directive", "kind")


@admin.register(ReadinessSnapshot)
class ReadinessSnapshotAdmin(ViewOnlyAdmin):
    list_display = ("agency", "run", *FIGURES)
    list_filter = ("directive", "rating")
    search_fields = ("agency__name",)
    list_select_related = ("agency", "run")
    raw_id_fields = ("run", "agency")
