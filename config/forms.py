"""DKFDS styling for every Django form, accessible error wiring, and the one form-action helper."""

import uuid
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from config import auth

# Most specific first: CheckboxSelectMultiple is a RadioSelect in Django.
WIDGET_CLASSES = {
    forms.CheckboxSelectMultiple: "form-checkbox",
    forms.RadioSelect: "form-radio",
    forms.CheckboxInput: "form-checkbox",
    forms.Select: "form-select",
    forms.SelectMultiple: "form-select",
}


def _required_message(field) -> str:
    """A required-field error that names the field, instead of Django's 'Dette felt er
    påkrævet.', which says nothing in an error summary with several of them."""
    label = str(field.label or "")
    if isinstance(field, (forms.ChoiceField, forms.ModelChoiceField)) or isinstance(field.widget, forms.RadioSelect):
        return _("Vælg en mulighed under »%(label)s«.") % {"label": label}
    return _("Udfyld feltet »%(label)s«.") % {"label": label}


class DkfdsFormMixin:
    """Give widgets DKFDS classes and point aria-describedby at the hint and the error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        default_required = forms.Field.default_error_messages["required"]
        for field in self.fields.values():
            if field.required and field.label and str(field.error_messages.get("required")) == str(default_required):
                field.error_messages["required"] = _required_message(field)
            # A widget of our own may name its DKFDS class (dkfds_class).
            css = getattr(field.widget, "dkfds_class", None) or next(
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
    """From the third wrong try on, the error says how many are left before the lock."""

    def get_invalid_login_error(self):
        return ValidationError(
            auth.invalid_login_message(self.request, self.cleaned_data.get("username")), code="invalid_login"
        )


class PasswordResetForm(DkfdsFormMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(DkfdsFormMixin, auth_forms.SetPasswordForm):
    """The new password chosen through the reset link; it also lifts a login lock."""

    def save(self, commit=True):
        user = super().save(commit)
        if commit:
            auth.lockout_lift(user=user)
        return user


class PasswordChangeForm(DkfdsFormMixin, auth_forms.PasswordChangeForm):
    pass


def limited_text(label, *, limit: int, help_text="", required=True, rows=5):
    """A textarea with a server-side limit and a Danish message; no maxlength attribute,
    so pasting a long text never cuts it silently (DKFDS character-limit pattern)."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=required,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}),
        validators=[
            MaxLengthValidator(
                limit,
                message=_("Teksten må højst være %(limit_value)d tegn. Du har skrevet %(show_value)d."),
            )
        ],
    )


class SubmissionTokenMixin(forms.Form):
    """A hidden one-time token: posting the same form twice saves one thing."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_token", uuid.uuid4())


class KronerField(forms.IntegerField):
    """Whole kroner as people type them: '4800', '4.800', '4 800 kr.' all mean 4800.
    A text field with the number keyboard: type=number would drop '4.800' silently."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Skriv et helt antal kroner, fx 4800."),
        "min_value": _("Beløbet skal være mindst %(limit_value)s kr."),
        "max_value": _("Beløbet kan højst være %(limit_value)s kr."),
    }

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.pop("min", None), attrs.pop("max", None), attrs.pop("step", None)
        return {**attrs, "inputmode": "numeric", "autocomplete": "off"}

    def to_python(self, value):
        if isinstance(value, str):
            value = (
                value.strip()
                .removesuffix("kr.")
                .removesuffix("kr")
                .replace(".", "")
                .replace(" ", "")
                .replace("\xa0", "")
            )
        return super().to_python(value)


def date_field(label, *, required=True, help_text=""):
    """A date with the browser's date picker, also accepting Danish typed dates."""
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"],
    )


def form_action(
    request: HttpRequest,
    form: forms.BaseForm,
    *,
    perform: Callable[[dict[str, Any]], Any],
    done: str | Callable[[Any], str] | None,
    redirect_to: str | Callable[[Any], str],
    again: Callable[[forms.BaseForm], HttpResponse],
) -> HttpResponse:
    """The one way a page's form is handled: validate, run the service, say what was
    done and go on (post/redirect/get). A form error or the service's ValidationError
    shows the page again through `again(form)`, with what was typed and the errors.

    done (the success message) and redirect_to (a URL or URL name) may be functions of
    what the service returned.
    """
    if form.is_valid():
        try:
            result = perform(form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            text = done(result) if callable(done) else done
            if text:  # none when the next page says it itself (a receipt)
                messages.success(request, text)
            return redirect(redirect_to(result) if callable(redirect_to) else redirect_to)
    return again(form)


def add_validation_errors(form, error) -> None:
    """Show a service's ValidationError on the form: on its field when it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
