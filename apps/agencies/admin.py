from django.contrib import admin

from apps.agencies.models import Agency
from apps.core.admin import NoDeleteAdmin


class BureauInline(admin.TabularInline):
    model = Agency
    fk_name = "parent"
    fields = ("name", "abbreviation", "kind", "tier", "endpoint_count")
    extra = 0
    show_change_link = True
    can_delete = False


@admin.register(Agency)
class AgencyAdmin(NoDeleteAdmin):
    list_display = ("name", "abbreviation", "kind", "tier", "parent", "endpoint_count")
    list_filter = ("kind", "tier", "is_synthetic")
    search_fields = ("name", "abbreviation", "parent__name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)
    inlines = [BureauInline]
