from django.contrib import admin

from apps.audit.models import AuditEvent
from apps.core.admin import ViewOnlyAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(ViewOnlyAdmin):
    """Read-only: the audit log has no add, change or delete path (DESIGN: audit log)."""

    list_display = (
        "occurred_at",
        "actor",
        "agency",
        "action",
        "object_type",
        "object_id",
        "object_repr",
    )
    list_filter = ("action", "object_type")
    search_fields = ("object_repr", "object_id", "actor__username", "agency__name", "comment")
    list_select_related = ("actor", "agency")
    date_hierarchy = "occurred_at"
