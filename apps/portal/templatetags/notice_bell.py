"""`{% notice_bell %}`: the header's link to the user's notices with the unread count.

One query per page (notice_unread_count, on a partial index), made only where the bell is
drawn: pages for signed-in users, never an htmx fragment unless it asks for the bell."""

from django import template

from apps.notices.selectors import UNREAD_SHOWN_MAX, notice_unread_count

register = template.Library()


@register.inclusion_tag("notices/partials/_bell.html", takes_context=True)
def notice_bell(context, oob: bool = False) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"hidden": True}
    unread = notice_unread_count(user=user)
    label = f"{UNREAD_SHOWN_MAX}+" if unread > UNREAD_SHOWN_MAX else str(unread)
    return {"unread": unread, "unread_label": label, "oob": oob}
