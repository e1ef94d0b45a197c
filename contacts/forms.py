"""Forms about people and who to call."""

from django import forms
from django.utils.translation import gettext_lazy as _

from config.forms import DkfdsFormMixin
from housing.models import District


class DepartmentSearchForm(DkfdsFormMixin, forms.Form):
    q = forms.CharField(
        label=_("Søg"),
        required=False,
        max_length=100,
        help_text=_("Navn, adresse eller afdelingsnummer"),
    )
    district = forms.ModelChoiceField(
        label=_("Byområde"),
        queryset=District.objects.none(),
        required=False,
        empty_label=_("Alle byområder"),
    )

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
