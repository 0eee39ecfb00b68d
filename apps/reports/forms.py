from django import forms

from apps.reports.models import Report


class ReportRequestForm(forms.Form):
    """What the request buttons post: a scope and, for an agency report, the agency's id.
    Whether the user may ask for it is the service's and the agency selector's business."""

    scope = forms.ChoiceField(choices=Report.Scope.choices)
    agency = forms.IntegerField(required=False, min_value=1)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("scope") == Report.Scope.AGENCY and not cleaned.get("agency"):
            self.add_error("agency", "Choose the agency of an agency report.")
        return cleaned
