"""Writes of the notices app (STYLE rule 1): logging notices and e-mailing each once, the
daily reminders and digest, the notices of a change, and a user's own inbox.

One module per concern; everything is importable from here, e.g.
`from apps.notices.services import notices_task_reviewed`."""

from apps.notices.services.delivery import (
    DeliveryResult,
    notices_add,
    notices_deliver,
    notices_log,
)
from apps.notices.services.digest import digest_gather, digest_send
from apps.notices.services.events import (
    notices_extension_decided,
    notices_report_finished,
    notices_task_reviewed,
)
from apps.notices.services.inbox import (
    notice_email_preferences_set,
    notice_mark_read,
    notices_mark_all_read,
)
from apps.notices.services.reminders import reminders_send

__all__ = [
    "DeliveryResult",
    "digest_gather",
    "digest_send",
    "notice_email_preferences_set",
    "notice_mark_read",
    "notices_add",
    "notices_deliver",
    "notices_extension_decided",
    "notices_log",
    "notices_mark_all_read",
    "notices_report_finished",
    "notices_task_reviewed",
    "reminders_send",
]
