"""The audit log's filters (GET). Dates are calendar days in the display time zone
(PORTAL_DISPLAY_TIME_ZONE), both ends included."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils import timezone

from apps.audit.models import AuditEvent
from apps.audit.selectors import OBJECT_TYPES, AuditFilters, FilterOptions
from apps.core.dates import PlausibleDateField

SYSTEM = "system"  # the user filter's value for changes made by the system (no actor)


class AuditFilterForm(forms.Form):
    agency = forms.TypedChoiceField(label="Agency", required=False, coerce=int, empty_value=None)
    user = forms.ChoiceField(label="User", required=False)
    action = forms.ChoiceField(
        label="Action", required=False, choices=[("", "All actions"), *AuditEvent.Action.choices]
    )
    object_type = forms.ChoiceField(
        label="Record type",
        required=False,
        choices=[("", "All record types"), *OBJECT_TYPES.items()],
    )
    date_from = PlausibleDateField(label="From", required=False)
    date_to = PlausibleDateField(label="To", required=False)

    def __init__(self, *args, options: FilterOptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "All agencies"), *options.agencies]
        self.fields["user"].choices = [
            ("", "All users"),
            (SYSTEM, "System (derived progress, imports)"),
            *((str(pk), label) for pk, label in options.users),
        ]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = (
                "form-control form-control-sm"
                if name.startswith("date_")
                else "form-select form-select-sm"
            )

    def full_clean(self):
        super().full_clean()
        # Mark refused fields for assistive technology and link them to their message.
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] += " is-invalid"
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return data

    def filters(self) -> AuditFilters:
        """The valid filters (an invalid one is left out and shown as an error)."""
        if not self.is_bound:
            return AuditFilters()
        self.is_valid()
        data = self.cleaned_data
        user = data.get("user") or ""
        start, end = data.get("date_from"), data.get("date_to")
        tz = timezone.get_current_timezone()
        return AuditFilters(
            agency=data.get("agency"),
            actor=int(user) if user.isdigit() else None,
            system_only=user == SYSTEM,
            action=data.get("action") or "",
            object_type=data.get("object_type") or "",
            start=datetime.combine(start, time.min, tzinfo=tz) if start else None,
            # The whole last day: up to the first instant of the next one.
            end=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz) if end else None,
        )
