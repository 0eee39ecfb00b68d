"""Forms of the deployment pages: types and shapes only; the rules live in the services."""

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.contrib.humanize.templatetags.humanize import intcomma

from apps.agencies.models import Agency
from apps.core.dates import PlausibleDateField
from apps.deployments.models import DefenseTool, ToolDeployment
from apps.deployments.services import MAX_ENDPOINT_COUNT


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # the template owns the <form> (action, CSRF, buttons)
    return helper


class DeploymentForm(forms.Form):
    tool = forms.TypedChoiceField(coerce=int, label="Tool type")
    product_notes = forms.CharField(
        label="Product or service",
        max_length=200,
        required=False,
        help_text="The product in use, in your words (optional), e.g. the vendor's product name.",
    )
    stage = forms.ChoiceField(
        choices=ToolDeployment.Stage.choices,
        help_text="Only operational deployments of AI-enabled tools count toward coverage.",
    )
    endpoints_covered = forms.IntegerField(label="Endpoints covered", min_value=0)
    go_live_date = PlausibleDateField(
        label="Go-live date",
        required=False,
        help_text="Required once operational; before that, the planned date if known.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, tools: list[DefenseTool], agency: Agency, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.tools = {t.pk: t for t in tools}
        labels = dict(DefenseTool.Category.choices)
        groups: dict[str, list[tuple[int, str]]] = {}
        for t in tools:
            label = f"{t.name} (AI-enabled)" if t.ai_enabled else f"{t.name} (not AI-enabled)"
            groups.setdefault(labels.get(t.category, t.category), []).append((t.pk, label))
        self.fields["tool"].choices = [("", "Choose a tool type"), *groups.items()]
        count = agency.endpoint_count
        covered = self.fields["endpoints_covered"]
        covered.help_text = (
            f"At most {intcomma(count)}, the agency's endpoint count (correct it on the "
            "deployments page if it is out of date)."
        )
        covered.widget.attrs.update({"max": count, "inputmode": "numeric"})
        self.helper = _helper()

    def clean_tool(self) -> DefenseTool:
        tool = self.tools.get(self.cleaned_data["tool"])
        if tool is None:
            raise forms.ValidationError("Choose a tool type from the catalog.")
        return tool

    def service_kwargs(self) -> dict[str, Any]:
        """The cleaned values as the deployment services take them."""
        data = self.cleaned_data
        return {
            "tool": data["tool"],
            "stage": data["stage"],
            "endpoints_covered": data["endpoints_covered"],
            "go_live_date": data["go_live_date"],
            "product_notes": data["product_notes"],
        }

    @staticmethod
    def initial_from(deployment: ToolDeployment) -> dict[str, Any]:
        return {
            "tool": deployment.tool_id,
            "product_notes": deployment.product_notes,
            "stage": deployment.stage,
            "endpoints_covered": deployment.endpoints_covered,
            "go_live_date": deployment.go_live_date,
            "version": deployment.version,
        }


class EndpointCountForm(forms.Form):
    endpoint_count = forms.IntegerField(
        label="Endpoints in scope",
        min_value=0,
        max_value=MAX_ENDPOINT_COUNT,
        help_text="Managed servers and workstations; every coverage target is measured "
        "against this number.",
    )
    reason = forms.CharField(
        label="Reason for the correction",
        required=False,
        max_length=500,
        help_text="Recorded in the audit log with the change.",
    )
    expected_count = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["endpoint_count"].widget.attrs.update({"inputmode": "numeric"})
        self.helper = _helper()
