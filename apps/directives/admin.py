from django.contrib import admin

from apps.core.admin import NoDeleteAdmin
from apps.directives.models import Directive, Milestone, Task


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    can_delete = False


@admin.register(Directive)
class DirectiveAdmin(NoDeleteAdmin):
    list_display = ("code", "title", "issued_at", "window_days", "time_zone")
    search_fields = ("code", "title")
    inlines = [MilestoneInline]


@admin.register(Milestone)
class MilestoneAdmin(NoDeleteAdmin):
    list_display = ("code", "title", "directive", "day_offset")
    list_filter = ("directive",)
    search_fields = ("code", "title")


@admin.register(Task)
class TaskAdmin(NoDeleteAdmin):
    list_display = (
        "code",
        "title",
        "milestone",
        "weight",
        "category",
        "measure",
        "evidence_required",
    )
    list_filter = ("directive", "milestone__code", "category", "measure", "evidence_required")
    search_fields = ("code", "title", "guidance")
    list_select_related = ("milestone",)
