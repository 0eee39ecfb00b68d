from django import forms

from apps.notices.selectors import KindSetting


class EmailPreferencesForm(forms.Form):
    """Which kinds of notice reach the user by e-mail: one box per kind their role is told
    about, ticked while e-mail is on."""

    email_kinds = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="E-mail me about",
        error_messages={"invalid_choice": "Choose among the kinds listed; %(value)s is not one."},
    )

    def __init__(self, *args, settings: list[KindSetting], **kwargs):
        super().__init__(*args, **kwargs)
        self.settings = settings
        field = self.fields["email_kinds"]
        field.choices = [(s.kind, s.label) for s in settings]
        field.initial = [s.kind for s in settings if s.email]
