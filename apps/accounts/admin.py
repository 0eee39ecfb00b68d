from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Accounts are deactivated (is_active), never deleted: the audit log names their actor."""

    list_display = ("username", "email", "role", "agency", "is_active", "is_staff", "last_login")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "email", "first_name", "last_name", "agency__name")
    list_select_related = ("agency",)
    autocomplete_fields = ("agency",)
    fieldsets = (*BaseUserAdmin.fieldsets, ("Portal", {"fields": ("role", "agency")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, ("Portal", {"fields": ("role", "agency")}))

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
