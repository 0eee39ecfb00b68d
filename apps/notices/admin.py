from django.contrib import admin

from apps.core.admin import ViewOnlyAdmin
from apps.notices.models import Notice


@admin.register(Notice)
class NoticeAdmin(ViewOnlyAdmin):
    """The log that sends each notice once: deleting a row would send it again."""

    list_display = ("day", "user", "kind", "item_key", "subject", "sent_at")
    list_filter = ("kind", "day")
    search_fields = ("user__username", "item_key", "subject")
    list_select_related = ("user",)
