"""Forms of the CISO's workflow. They check the shape of the input; the rules (state machine,
reasons, evidence, versions) are the services' (STYLE rule 1), whose DomainErrors the views
attach to these forms with `add_domain_error`."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout, Submit
from django import forms

from apps.accounts.models import User
from apps.core.dates import PlausibleDateField
from apps.core.errors import DomainError
from apps.readiness.scoring import CLOCK_STATE_LABELS, ClockState
from apps.tracking import permissions
from apps.tracking.evidence import ACCEPT_ATTRIBUTE, ACCEPTED_LABELS
from apps.tracking.models import AgencyTask
from apps.tracking.permissions import Action

S = AgencyTask.Status


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal on the field it names, or above the form."""
    field = error.field
    if hasattr(form, "error_field_name"):
        field = form.error_field_name(field)
    form.add_error(field if field in form.fields else None, error.message)


def status_choices(*, user: User, agency_task: AgencyTask) -> list[tuple[str, str]]:
    """The current status first, then the changes the state machine opens to the user."""
    moves = permissions.allowed_moves(user=user, agency_task=agency_task)
    current = (agency_task.status, f"{S(agency_task.status).label} (current)")
    return [current, *((m.status, m.label) for m in moves if m.action == Action.UPDATE)]


class _TaskFormBase(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    status = forms.ChoiceField(label="Status")
    percent = forms.IntegerField(
        label="Percent complete",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": 1, "inputmode": "numeric"}),
    )

    def __init__(self, *args, agency_task: AgencyTask, user: User, **kwargs):
        kwargs.setdefault("initial", self.initial_for(agency_task))
        super().__init__(*args, **kwargs)
        self.agency_task = agency_task
        self.fields["status"].choices = status_choices(user=user, agency_task=agency_task)
        if not permissions.percent_editable(user=user, agency_task=agency_task):
            # Derived progress is measured, not reported: shown, never submitted.
            self.fields["percent"].disabled = True
            self.fields["percent"].required = False
            self.fields["percent"].help_text = "Measured from the agency's records."

    @staticmethod
    def initial_for(agency_task: AgencyTask) -> dict:
        return {
            "version": agency_task.version,
            "status": agency_task.status,
            "percent": agency_task.percent,
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        percent = None if self.fields["percent"].disabled else data.get("percent")
        return {"version": data["version"], "status": data["status"], "percent": percent}


class TaskInlineForm(_TaskFormBase):
    """The row editor of the agency page: status, percent and one note, which is the
    blocker when the task is blocked and the justification when it is claimed not
    applicable (the task page edits each separately)."""

    note = forms.CharField(
        label="Note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required as the reason when Blocked or Not applicable.",
    )

    def __init__(self, *args, agency_task: AgencyTask, **kwargs):
        # Many rows are on one page: the prefix keeps every field id unique.
        kwargs.setdefault("prefix", f"t{agency_task.pk}")
        super().__init__(*args, agency_task=agency_task, **kwargs)

    @staticmethod
    def initial_for(agency_task: AgencyTask) -> dict:
        note = {
            S.BLOCKED: agency_task.blocked_reason,
            S.NOT_APPLICABLE: agency_task.na_justification,
        }.get(agency_task.status, agency_task.notes)
        return {**_TaskFormBase.initial_for(agency_task), "note": note}

    def service_kwargs(self) -> dict:
        kwargs = super().service_kwargs()
        note = self.cleaned_data.get("note", "")
        status = kwargs["status"]
        if status == S.BLOCKED:
            kwargs["blocked_reason"] = note
        elif status == S.NOT_APPLICABLE:
            kwargs["na_justification"] = note
        else:
            kwargs["notes"] = note
        return kwargs

    def error_field_name(self, name: str | None) -> str | None:
        return "note" if name in ("blocked_reason", "na_justification", "notes") else name


class TaskUpdateForm(_TaskFormBase):
    """The full form on the task's page."""

    owner = forms.CharField(label="Owner", required=False, max_length=120)
    blocked_reason = forms.CharField(
        label="What blocks it",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the status is Blocked.",
    )
    na_justification = forms.CharField(
        label="Why it does not apply",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when the status is Not applicable; oversight must accept it.",
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            "version",
            Field("status"),
            Field("percent"),
            Field("owner"),
            Field("blocked_reason"),
            Field("na_justification"),
            Field("notes"),
            Submit("save", "Save changes"),
        )

    @staticmethod
    def initial_for(agency_task: AgencyTask) -> dict:
        return {
            **_TaskFormBase.initial_for(agency_task),
            "owner": agency_task.owner,
            "blocked_reason": agency_task.blocked_reason,
            "na_justification": agency_task.na_justification,
            "notes": agency_task.notes,
        }

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            **super().service_kwargs(),
            "owner": data.get("owner", ""),
            "notes": data.get("notes", ""),
            "blocked_reason": data.get("blocked_reason", ""),
            "na_justification": data.get("na_justification", ""),
        }


class EvidenceFileForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text=f"{ACCEPTED_LABELS}; up to 10 MB. Checked by content.",
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    description = forms.CharField(label="Description", required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout("file", "description", Submit("upload", "Upload file"))


class EvidenceLinkForm(forms.Form):
    url = forms.CharField(
        label="Link",
        max_length=500,
        help_text="An http:// or https:// address of the record.",
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )
    description = forms.CharField(label="Description", required=False, max_length=255)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["description"].widget.attrs["id"] = "id_link_description"
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout("url", "description", Submit("add_link", "Add link"))


class ExtensionRequestForm(forms.Form):
    requested_due = PlausibleDateField(label="New due date")
    justification = forms.CharField(
        label="Justification", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, earliest=None, latest=None, **kwargs):
        super().__init__(*args, **kwargs)
        if earliest and latest:
            # The service decides; the range here only guides the date picker and the hint.
            self.fields["requested_due"].widget.attrs.update(
                {"min": earliest.isoformat(), "max": latest.isoformat()}
            )
            self.fields[
                "requested_due"
            ].help_text = f"Between {earliest:%b %-d, %Y} and {latest:%b %-d, %Y}."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True  # the template's <form> carries the token
        self.helper.layout = Layout(
            "requested_due", "justification", Submit("request", "Request extension")
        )


class TaskFilterForm(forms.Form):
    """The agency page's filters; counts are appended to the labels by the view."""

    status = forms.ChoiceField(
        label="Status",
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    clock = forms.ChoiceField(
        label="Clock state",
        required=False,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_counts({}, {})

    def set_counts(self, status_counts: dict, clock_counts: dict) -> None:
        def label(text: str, count: int | None) -> str:
            return text if count is None else f"{text} ({count})"

        self.fields["status"].choices = [("", "All statuses")] + [
            (value, label(text, status_counts.get(value))) for value, text in S.choices
        ]
        self.fields["clock"].choices = [("", "All clock states")] + [
            (state, label(CLOCK_STATE_LABELS[state], clock_counts.get(state)))
            for state in ClockState.ALL
        ]

    def values(self) -> tuple[str, str]:
        if not self.is_valid():
            return "", ""
        return self.cleaned_data["status"], self.cleaned_data["clock"]
