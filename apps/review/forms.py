"""Forms of the review queues. They check the shape of the input only: whether a comment is
required, and whether the decision is still open, are the tracking services' rules, whose
DomainErrors the views attach here (`apps.tracking.forms.add_domain_error`)."""

from django import forms

from apps.review.selectors import FilterOptions, QueueFilters

COMMENT_MAX = 4000


class QueueFilterForm(forms.Form):
    """The queues' filters (GET; every field optional; an unknown value is ignored)."""

    agency = forms.TypedChoiceField(label="Agency", required=False, coerce=int, empty_value=None)
    department = forms.TypedChoiceField(
        label="Department", required=False, coerce=int, empty_value=None
    )
    task = forms.TypedChoiceField(label="Task", required=False, coerce=int, empty_value=None)

    def __init__(self, *args, options: FilterOptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", "All agencies"), *options.agencies]
        self.fields["department"].choices = [("", "All departments"), *options.departments]
        self.fields["task"].choices = [("", "All tasks"), *options.tasks]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def filters(self) -> QueueFilters:
        if not self.is_bound:
            return QueueFilters()
        self.is_valid()
        # Keep the valid filters of a partly invalid query (a stale link to a removed task
        # should not drop the agency the user chose).
        data = self.cleaned_data
        return QueueFilters(
            agency=data.get("agency"), department=data.get("department"), task=data.get("task")
        )


class _DecisionForm(forms.Form):
    comment = forms.CharField(
        label="Comment",
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TaskDecisionForm(_DecisionForm):
    """Verify or return a completed task; accept or reject a not-applicable claim. The
    version is the one the reviewer saw: a save by anyone since is refused (409)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, agency_task, **kwargs):
        # Many rows are on one page: the prefix keeps every field id unique.
        kwargs.setdefault("prefix", f"t{agency_task.pk}")
        kwargs.setdefault("initial", {"version": agency_task.version})
        super().__init__(*args, **kwargs)


class ExtensionDecisionForm(_DecisionForm):
    """Approve or deny an extension request. Requests carry no version: a decision is final,
    so the service refuses a second one whatever the reviewer saw."""

    def __init__(self, *args, extension, **kwargs):
        kwargs.setdefault("prefix", f"x{extension.pk}")
        super().__init__(*args, **kwargs)
