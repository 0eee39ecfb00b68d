"""Figures as the reports print them: one decimal for percentages, two for SPI, instants in
ET. The PDF and the report pages share these, and the tests compare against them."""

from datetime import datetime

from django import template

from apps.reports.builders import common

register = template.Library()


@register.filter
def pct(value: float | None) -> str:
    """0.4235 → "42.4%"; None → "—"."""
    return common.pct(value)


@register.filter
def spi(value: float | None) -> str:
    """1.0449 → "1.04"; None (nothing planned yet) → "—"."""
    return common.spi(value)


@register.filter
def et(value: datetime | None) -> str:
    """An instant in the directive's zone: "Nov 27, 2026, 6:00 AM ET"."""
    return common.local_time(value)


@register.filter
def rating_label(value: str | None) -> str:
    return common.RATING_LABELS.get(value or "", "Not rated")


@register.filter
def get(mapping: dict, key):
    """mapping[key] (0 when absent), for counts keyed by state."""
    return mapping.get(key, 0)
