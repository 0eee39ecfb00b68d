from django.contrib import admin

from apps.core.admin import ViewOnlyAdmin
from apps.notices.models import EmailOptOut, Notice


@admin.register(Notice)
class NoticeAdmin(ViewOnlyAdmin):
    """The log that sends each notice once: deleting a row would send it again."""

    list_display = ("created_at", "user", "kind", "item_key", "subject", "sent_at", "emailed",
                    "read_at")  # fmt: skip
    list_filter = ("kind", "emailed", "day")
    search_fields = ("user__username", "item_key", "subject")
    list_select_related = ("user",)


@admin.register(EmailOptOut)
class EmailOptOutAdmin(ViewOnlyAdmin):
    """Kinds of notice users chose not to be e-mailed about (they change it themselves)."""

    list_display = ("user", "kind", "created_at")
    list_filter = ("kind",)
    search_fields = ("user__username",)
    list_select_related = ("user",)
