from django.contrib import admin

from apps.core.admin import ViewOnlyAdmin
from apps.tracking.models import AgencyTask, Evidence, ExtensionRequest


@admin.register(AgencyTask)
class AgencyTaskAdmin(ViewOnlyAdmin):
    list_display = (
        "agency",
        "task",
        "status",
        "percent",
        "extended_due",
        "completed_at",
        "version",
    )
    list_filter = ("status", "task__directive", "task__milestone__code", "task__measure")
    search_fields = ("agency__name", "agency__abbreviation", "task__code", "task__title")
    list_select_related = ("agency", "task")
    autocomplete_fields = ("agency",)
    raw_id_fields = ("task", "verified_by", "na_accepted_by")
    readonly_fields = ("version",)


@admin.register(Evidence)
class EvidenceAdmin(ViewOnlyAdmin):
    list_display = (
        "agency_task",
        "kind",
        "original_name",
        "size",
        "sha256",
        "uploaded_by",
        "created_at",
    )
    list_filter = ("kind",)
    search_fields = ("original_name", "url", "sha256", "agency_task__agency__name")
    list_select_related = ("agency_task__agency", "agency_task__task", "uploaded_by")
    raw_id_fields = ("agency_task", "uploaded_by")
    readonly_fields = ("sha256", "size", "content_type")


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ViewOnlyAdmin):
    list_display = (
        "agency_task",
        "requested_due",
        "status",
        "requested_by",
        "decided_by",
        "decided_at",
    )
    list_filter = ("status",)
    search_fields = ("agency_task__agency__name", "agency_task__task__code", "justification")
    list_select_related = ("agency_task__agency", "agency_task__task", "requested_by", "decided_by")
    raw_id_fields = ("agency_task", "requested_by", "decided_by")
