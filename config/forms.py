"""DKFDS styling for every Django form: widget classes and accessible error wiring."""

from django import forms
from django.contrib.auth import forms as auth_forms

# Most specific first: CheckboxSelectMultiple is a RadioSelect in Django.
WIDGET_CLASSES = {
    forms.CheckboxSelectMultiple: "form-checkbox",
    forms.RadioSelect: "form-radio",
    forms.CheckboxInput: "form-checkbox",
    forms.Select: "form-select",
    forms.SelectMultiple: "form-select",
}


class DkfdsFormMixin:
    """Give widgets DKFDS classes and point aria-describedby at the hint and the error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = next(
                (c for widget_type, c in WIDGET_CLASSES.items() if isinstance(field.widget, widget_type)),
                "form-input",
            )
            field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            bound = self[name]
            described_by = [f"{bound.auto_id}-error"]
            if self.fields[name].help_text:
                described_by.insert(0, f"{bound.auto_id}_helptext")
            self.fields[name].widget.attrs["aria-describedby"] = " ".join(described_by)


class LoginForm(DkfdsFormMixin, auth_forms.AuthenticationForm):
    pass


class PasswordResetForm(DkfdsFormMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(DkfdsFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(DkfdsFormMixin, auth_forms.PasswordChangeForm):
    pass
