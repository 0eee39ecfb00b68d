from django.contrib import admin

from apps.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("day", "user", "kind", "item_key", "subject", "sent_at")
    list_filter = ("kind", "day")
    search_fields = ("user__username", "item_key", "subject")
    list_select_related = ("user",)

    def has_change_permission(self, request, obj=None):
        return False
