from django import forms

from apps.agencies.models import Agency
from apps.readiness.models import Rating
from apps.readiness.selectors import AGENCY_SORTS, departments_with_units

SORT_LABELS = {
    "risk": "Risk (red first)",
    "rating": "Rating",
    "-ev": "EV, highest first",
    "ev": "EV, lowest first",
    "spi": "SPI, lowest first",
    "-spi": "SPI, highest first",
    "name": "Name, A–Z",
    "-name": "Name, Z–A",
}


class AgencyTableFilterForm(forms.Form):
    """Filters of the fleet's agency table (GET; every field optional)."""

    q = forms.CharField(label="Search agencies", required=False, max_length=100)
    department = forms.TypedChoiceField(
        label="Department", required=False, coerce=int, empty_value=None
    )
    tier = forms.ChoiceField(
        label="Tier", required=False, choices=[("", "All tiers"), *Agency.Tier.choices]
    )
    rating = forms.ChoiceField(
        label="Rating", required=False, choices=[("", "All ratings"), *Rating.choices]
    )
    sort = forms.ChoiceField(
        label="Sort by",
        required=False,
        choices=[(key, SORT_LABELS[key]) for key in AGENCY_SORTS],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "All departments")] + [
            (d.pk, d.display_name) for d in departments_with_units()
        ]

    def filters(self) -> dict:
        """The cleaned filters; an invalid value is ignored rather than failing the page."""
        if not self.is_valid():
            return {"sort": "risk"}
        data = self.cleaned_data
        return {
            "search": data.get("q") or "",
            "department": data.get("department"),
            "tier": data.get("tier") or None,
            "rating": data.get("rating") or None,
            "sort": data.get("sort") or "risk",
        }
