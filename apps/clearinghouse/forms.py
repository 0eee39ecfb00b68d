"""Forms of the remediation page: the filters (GET) and the bulk mark (POST). Types and shapes
only; the rules of marking live in remediation_mark_bulk."""

from typing import Any

from django import forms

from apps.clearinghouse.models import Remediation
from apps.clearinghouse.selectors import DEFAULT_SORT, SORT_LABELS, RemediationFilters
from apps.clearinghouse.services import MARK_STATUSES
from apps.core.dates import PlausibleDateField

STATUS_FILTER_CHOICES = [("", "Any status"), *Remediation.Status.choices]


class RemediationFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "CVE ID, vendor, product or name"}
        ),
    )
    vendor = forms.ChoiceField(label="Vendor or project", required=False)
    product = forms.ChoiceField(label="Product", required=False)
    status = forms.ChoiceField(label="Status", required=False, choices=STATUS_FILTER_CHOICES)
    overdue = forms.BooleanField(label="Overdue only", required=False)
    ransomware = forms.BooleanField(label="Known ransomware use only", required=False)
    sort = forms.ChoiceField(
        label="Sort by", required=False, choices=list(SORT_LABELS.items()), initial=DEFAULT_SORT
    )

    def __init__(self, *args: Any, vendors: list[str], products: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = "form-check-input" if isinstance(field, forms.BooleanField) else "form-select"
            if name == "q":
                css = "form-control"
            field.widget.attrs.setdefault("class", css)
        self.fields["vendor"].choices = [("", "All vendors"), *((v, v) for v in vendors)]
        product_prompt = "All products" if products else "Choose a vendor first"
        self.fields["product"].choices = [("", product_prompt), *((p, p) for p in products)]

    def filters(self) -> RemediationFilters:
        """The valid part of the query: a bad value (a stale link, a hand-edited URL) drops
        that one filter rather than failing the page."""
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}
        return RemediationFilters(**data)


class _IdListField(forms.Field):
    """The ids of the checked entries (several inputs of one name)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        if not value:
            return []
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError("The selection could not be read; select again.") from exc


class RemediationMarkForm(forms.Form):
    vulnerabilities = _IdListField(
        required=True,
        error_messages={"required": "Select at least one entry to mark."},
    )
    status = forms.ChoiceField(
        label="Mark selected entries as",
        choices=[("", "Choose a status"), *((s.value, s.label) for s in MARK_STATUSES)],
    )
    resolved_on = PlausibleDateField(
        label="Date mitigated or remediated",
        required=False,
        help_text="Required for mitigated and remediated; not in the future.",
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=255,
        help_text="Applied to every selected entry; leave blank to keep existing notes.",
    )
    filters = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any):
        # Its own ids: the filter form on the same page has a "status" field too.
        kwargs.setdefault("auto_id", "mark_%s")
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs["class"] = "form-select"
        self.fields["resolved_on"].widget.attrs["class"] = "form-control"
        self.fields["note"].widget.attrs["class"] = "form-control"

    def flag_errors(self) -> None:
        """Point assistive technology at each field's error (call once all errors are in)."""
        for name, field in self.fields.items():
            if name in self.errors:
                field.widget.attrs.update(
                    {"aria-invalid": "true", "aria-describedby": f"mark-{name}-error"}
                )

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "vulnerability_ids": data["vulnerabilities"],
            "status": data["status"],
            "resolved_on": data["resolved_on"],
            "note": data["note"],
        }
