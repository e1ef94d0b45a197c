from itertools import groupby

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.forms import DkfdsFormMixin, SubmissionTokenMixin, date_field
from housing.models import District, VacancyOffer


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


class OfferForm(DkfdsFormMixin, SubmissionTokenMixin):
    dwelling = forms.ModelChoiceField(
        label=_("Lejemål"),
        queryset=None,
        empty_label=_("Vælg lejemål"),
        help_text=_("Lejemål, der allerede er tilbudt og venter på svar, står ikke på listen."),
    )
    monthly_rent = forms.DecimalField(
        label=_("Månedlig husleje (kr.)"),
        min_value=0,
        max_digits=9,
        decimal_places=2,
        error_messages={
            "invalid": _("Skriv huslejen i kroner, fx 5800."),
            "min_value": _("Huslejen kan ikke være negativ."),
        },
        help_text=_("Huslejen borgeren skal betale, før evt. tilskud."),
    )
    available_from = date_field(_("Ledig fra"))
    answer_by = date_field(_("Svarfrist"), help_text=_("Hvornår kommunen senest skal svare."))

    def __init__(self, *args, dwellings, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["dwelling"]
        field.queryset = dwellings
        # Grouped by department (optgroup); the queryset still validates the choice.
        rooms = _("vær.")
        field.choices = [("", field.empty_label)] + [
            (department, [(d.pk, f"{d} ({d.get_kind_display()}, {d.rooms} {rooms})") for d in group])
            for department, group in groupby(dwellings, key=lambda d: d.department.name)
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer_by") and cleaned["answer_by"] < timezone.localdate():
            self.add_error("answer_by", _("Svarfristen kan ikke ligge i fortiden."))
        return cleaned


class ReturnOfferForm(DkfdsFormMixin, forms.Form):
    prefix = "return"
    reason = forms.ChoiceField(label=_("Årsag"), choices=VacancyOffer.ReturnReason.choices, widget=forms.RadioSelect)


class ProposeForm(forms.Form):
    case = forms.CharField(max_length=20)
