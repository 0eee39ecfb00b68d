from django.contrib import admin

from apps.core.admin import NoDeleteAdmin, ViewOnlyAdmin
from apps.deployments.models import DefenseTool, ToolDeployment


@admin.register(DefenseTool)
class DefenseToolAdmin(NoDeleteAdmin):
    list_display = ("name", "category", "ai_enabled", "vendor")
    list_filter = ("category", "ai_enabled")
    search_fields = ("name", "vendor", "description")


@admin.register(ToolDeployment)
class ToolDeploymentAdmin(ViewOnlyAdmin):
    list_display = ("agency", "tool", "stage", "endpoints_covered", "go_live_date")
    list_filter = ("stage", "tool__category", "tool__ai_enabled")
    search_fields = ("agency__name", "tool__name", "product_notes")
    list_select_related = ("agency", "tool")
    autocomplete_fields = ("agency",)
