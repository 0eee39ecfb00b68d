"""The `portal` template tags: the figures of apps.portal.formatting as filters, and badges.

Badges always carry their meaning in words; colour only repeats it (WCAG 1.4.1).
"""

from django import template
from django.utils.html import format_html

from apps.portal import formatting
from apps.portal.formatting import (
    CLOCK_STATE_LABELS,
    EXTENSION_LABELS,
    RATING_LABELS,
    STATUS_LABELS,
)

register = template.Library()

# Every figure a template writes goes through apps.portal.formatting (STYLE rule 16).
_FILTERS = ("pct", "ratio", "person", "deadline", "day", "iso", "moment", "heat_state", "elapsed")
for _name in _FILTERS:
    register.filter(_name, getattr(formatting, _name))


def _badge(kind: str, value: str, labels: dict[str, str]) -> str:
    return format_html(
        '<span class="badge badge-{} badge-{}-{}">{}</span>',
        kind,
        kind,
        value,
        labels.get(value, value),
    )


@register.simple_tag
def status_badge(status: str) -> str:
    return _badge("status", status, STATUS_LABELS)


@register.simple_tag
def clock_badge(state: str) -> str:
    return _badge("clock", state, CLOCK_STATE_LABELS)


@register.simple_tag
def rating_badge(rating: str | None) -> str:
    if not rating:
        return format_html('<span class="badge badge-rating badge-rating-none">Not rated</span>')
    return _badge("rating", rating, RATING_LABELS)


@register.simple_tag
def extension_badge(status: str) -> str:
    return _badge("extension", status, EXTENSION_LABELS)


@register.simple_tag
def page_url(url: str, query: str, number: int) -> str:
    """One page of a paginated list: `url` (empty: this page), the query string kept from
    the request (without "page"), then page=N. Escaped where it is output."""
    return f"{url}?{query}&page={number}" if query else f"{url}?page={number}"
