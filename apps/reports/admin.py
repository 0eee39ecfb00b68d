from django.contrib import admin

from apps.reports.models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-only: a report is requested through the portal (or the schedule) and, once
    made, never changes (issue 6: frozen). Operators may delete one."""

    list_display = (
        "pk",
        "scope",
        "agency",
        "trigger",
        "status",
        "progress",
        "requested_by",
        "created_at",
    )
    list_filter = ("scope", "status", "trigger")
    search_fields = ("agency__name", "sha256")
    list_select_related = ("agency", "requested_by")
    raw_id_fields = ("agency", "run", "requested_by")
    readonly_fields = ("sha256", "size", "pages", "file", "error", "started_at", "finished_at")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
