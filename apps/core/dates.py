"""Bounds on the dates people type, so that a typo (year 1, year 9999) is refused with a
message instead of reaching date arithmetic that overflows, or a record nobody could mean.

The portal's records start with the directives it tracks: no date a person enters means
anything before EARLIEST_DATE, and none a filter or plan reaches past LATEST_DATE."""

from datetime import date

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.dateformat import format as date_format

EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2099, 12, 31)


def date_text(value: date) -> str:
    """A date as the portal writes it in messages: "Jan 1, 2000"."""
    return date_format(value, "M j, Y")


class PlausibleDateField(forms.DateField):
    """A form date between `earliest` and `latest` (both included), with a message that
    names the range, and the same range given to the browser's date picker."""

    def __init__(self, *, earliest: date = EARLIEST_DATE, latest: date = LATEST_DATE, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
        super().__init__(**kwargs)
        self.set_range(earliest, latest)

    def set_range(self, earliest: date, latest: date) -> None:
        message = f"Enter a date between {date_text(earliest)} and {date_text(latest)}."
        self.validators = [
            MinValueValidator(earliest, message=message),
            MaxValueValidator(latest, message=message),
        ]
        self.widget.attrs.update({"min": earliest.isoformat(), "max": latest.isoformat()})
