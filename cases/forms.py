"""Forms for citizens and cases. Each action form has its own prefix: one page, many forms."""

import re
from itertools import groupby

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from cases.cpr import normalise_cpr
from cases.models import (
    JOURNAL_MAX_LENGTH,
    Case,
    CaseConsent,
    CohortGroup,
    Placement,
    RentSubsidy,
    Shelter,
    ShelterStay,
    SupportKind,
    TargetGroup,
)
from cases.selectors.citizens import citizen_already_registered
from cases.validators import validate_birth_date, validate_not_future, validate_stay_start
from config.forms import DkfdsFormMixin, KronerField, SubmissionTokenMixin, date_field, limited_text
from housing.models import VacancyOffer

PHONE = re.compile(r"\+?[0-9 ()-]{8,20}")


class CitizenCaseForm(DkfdsFormMixin, SubmissionTokenMixin):
    name = forms.CharField(label=_("Navn"), max_length=200)
    cpr = forms.CharField(
        label=_("CPR-nummer"),
        required=False,
        max_length=11,
        help_text=_("10 cifre, fx 010190-1234. Gemmes krypteret."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric"}),
    )
    birth_date = date_field(
        _("Fødselsdato"), required=False, help_text=_("Du behøver ikke udfylde den, hvis du skriver CPR-nummeret.")
    )
    phone = forms.CharField(
        label=_("Telefon"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    target_group = forms.ChoiceField(label=_("Målgruppe"), choices=TargetGroup.choices, widget=forms.RadioSelect)
    max_rent = KronerField(
        label=_("Betalingsevne (kr. pr. måned)"),
        min_value=0,
        max_value=50_000,
        help_text=_("Hvor meget borgeren kan betale i husleje om måneden."),
    )
    shelter = forms.ModelChoiceField(
        label=_("Bor på herberg"),
        queryset=Shelter.objects.filter(active=True),
        required=False,
        empty_label=_("Ikke på herberg"),
    )
    entered_on = date_field(_("Indskrevet på herberget"), required=False)
    cohort_group = forms.ModelChoiceField(
        label=_("Forsøg"),
        queryset=CohortGroup.objects.select_related("cohort"),
        required=False,
        empty_label=_("Ikke med i et forsøg"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.existing_case = None  # a case of the same citizen the user may open

    def clean_cpr(self):
        cpr = self.cleaned_data["cpr"]
        if not cpr:
            return ""
        try:
            cpr = normalise_cpr(cpr)
        except ValidationError as error:
            raise ValidationError(error.message_dict["cpr"]) from None
        if self.user is not None:
            token = self.cleaned_data.get("submission_token")
            registered = citizen_already_registered(self.user, cpr, submission_token=token)
            if registered is not None:
                self.existing_case = registered.visible_case
                raise ValidationError(registered.message, code="registered")
        return cpr

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        if birth_date:
            validate_birth_date(birth_date)
        return birth_date

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if phone and (not PHONE.fullmatch(phone) or sum(c.isdigit() for c in phone) < 8):
            raise ValidationError(_("Skriv telefonnummeret med cifre, fx 12 34 56 78 eller +45 12 34 56 78."))
        return phone

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("shelter") and not cleaned.get("entered_on"):
            self.add_error("entered_on", _("Skriv, hvornår borgeren blev indskrevet."))
        if cleaned.get("entered_on"):
            try:
                validate_stay_start(cleaned["entered_on"])
            except ValidationError as error:
                self.add_error("entered_on", error)
        return cleaned


class JournalForm(DkfdsFormMixin, SubmissionTokenMixin):
    prefix = "journal"
    written_on = date_field(_("Dato"))
    text = limited_text(_("Notat"), limit=JOURNAL_MAX_LENGTH, rows=5)
    corrects = forms.ModelChoiceField(
        label=_("Rettelse til notat"),
        queryset=None,
        required=False,
        empty_label=_("Nyt notat (ikke en rettelse)"),
        help_text=_("Notater kan ikke ændres. En rettelse er et nyt notat, der peger på det gamle."),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("written_on", timezone.localdate())
        self.fields["corrects"].queryset = case.journal.all()
        self.fields["written_on"].validators.append(validate_not_future)
        self.fields["corrects"].label_from_instance = lambda note: (
            f"{date_format(note.written_on, 'j. b. Y')}: {Truncator(note.text).chars(50)}"
        )


class CaseConsentForm(DkfdsFormMixin, SubmissionTokenMixin):
    prefix = "consent"
    scope = forms.ChoiceField(label=_("Samtykke til"), choices=CaseConsent.Scope.choices, widget=forms.RadioSelect)
    ngo_name = forms.CharField(
        label=_("Organisationens navn"), required=False, max_length=200, help_text=_("Kun ved frivillig organisation.")
    )
    method = forms.ChoiceField(label=_("Hvordan"), choices=CaseConsent.Method.choices, widget=forms.RadioSelect)


class StayStartForm(DkfdsFormMixin, forms.Form):
    prefix = "stay"
    shelter = forms.ModelChoiceField(label=_("Herberg"), queryset=Shelter.objects.filter(active=True))
    entered_on = date_field(_("Indskrevet"))

    def clean_entered_on(self):
        validate_stay_start(self.cleaned_data["entered_on"])
        return self.cleaned_data["entered_on"]


class StayEndForm(DkfdsFormMixin, forms.Form):
    prefix = "stayend"
    left_on = date_field(_("Udskrevet"))
    exit = forms.ChoiceField(label=_("Udskrevet til"), choices=ShelterStay.Exit.choices, widget=forms.RadioSelect)

    def clean_left_on(self):
        validate_not_future(self.cleaned_data["left_on"])
        return self.cleaned_data["left_on"]


class ActionPlanForm(DkfdsFormMixin, SubmissionTokenMixin):
    prefix = "plan"
    made_on = date_field(_("Dato"))
    goals = limited_text(_("Mål"), limit=JOURNAL_MAX_LENGTH, rows=4)
    next_review_on = date_field(_("Næste opfølgning"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("made_on", timezone.localdate())


class SupportForm(DkfdsFormMixin, SubmissionTokenMixin):
    prefix = "support"
    kind = forms.ModelChoiceField(
        label=_("Bostøtte"), queryset=SupportKind.objects.all(), empty_label=_("Vælg støtteform")
    )
    granted_on = date_field(_("Visiteret den"))
    ends_on = date_field(_("Slutter"), required=False)
    provider = forms.CharField(
        label=_("Udfører"), max_length=200, help_text=_("Kommunalt team eller frivillig organisation")
    )


class SupportedAccommodationForm(DkfdsFormMixin, SubmissionTokenMixin):
    prefix = "sa"
    kind = forms.ChoiceField(
        label=_("Afgørelse"),
        choices=[
            (Placement.Kind.SUPPORTED_ACCOMMODATION, Placement.Kind.SUPPORTED_ACCOMMODATION.label),
            (Placement.Kind.UNCONVENTIONAL, Placement.Kind.UNCONVENTIONAL.label),
        ],
        widget=forms.RadioSelect,
    )
    provider = forms.CharField(label=_("Tilbud"), max_length=200)


class PlacementDateForm(DkfdsFormMixin, forms.Form):
    prefix = "placement"
    move_in_on = date_field(_("Indflytningsdato"), required=False)


class PlacementDeclineForm(DkfdsFormMixin, forms.Form):
    prefix = "decline"
    reason = forms.CharField(label=_("Hvorfor siger borgeren nej?"), max_length=300)


class MoveOutForm(DkfdsFormMixin, forms.Form):
    prefix = "moveout"
    moved_out_on = date_field(_("Fraflyttet den"))
    reason = forms.ChoiceField(
        label=_("Hvorfor er borgeren flyttet?"), choices=Placement.MoveOutReason.choices, widget=forms.RadioSelect
    )


class SubsidyForm(DkfdsFormMixin, SubmissionTokenMixin):
    prefix = "subsidy"
    monthly_amount = KronerField(
        label=_("Tilskud pr. måned (kr.)"),
        min_value=1,
        max_value=20_000,
    )
    starts_on = date_field(_("Fra"))
    ends_on = date_field(_("Til"), help_text=_("Højst 5 år."))

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on:
            probe = RentSubsidy(monthly_amount=cleaned.get("monthly_amount") or 1, starts_on=starts_on, ends_on=ends_on)
            try:
                probe.clean()
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        self.add_error(field if field in self.fields else None, message)
            if ends_on <= starts_on:  # (an error above has taken ends_on out of cleaned)
                self.add_error("ends_on", _("Slutdatoen skal ligge efter startdatoen."))
        return cleaned


class CaseAssignForm(DkfdsFormMixin, forms.Form):
    prefix = "assign"
    assignee = forms.ModelChoiceField(label=_("Tildel sagen til"), queryset=None, empty_label=_("Vælg rådgiver"))

    def __init__(self, *args, advisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = advisors
        self.fields["assignee"].label_from_instance = lambda advisor: f"{advisor} ({advisor.team.name})"


class CaseExportForm(SubmissionTokenMixin):
    """The right-of-access button: a token so a double click starts one export."""

    prefix = "export"


class CaseCloseForm(DkfdsFormMixin, forms.Form):
    prefix = "close"
    reason = forms.ChoiceField(label=_("Årsag"), choices=Case.CloseReason.choices, widget=forms.RadioSelect)


# --- Allocation: the association's offer and the caseworker's return ---------------


RENT_DANISH = re.compile(r"^(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d+))?$")  # 6.450,50 · 6450,50 · 5.800
RENT_DOT_DECIMAL = re.compile(r"^(\d+)\.(\d{1,2})$")  # 5800.50 (not 5.800: that is thousands)


class RentField(forms.DecimalField):
    """A monthly rent as people type it: '5800', '5.800', '6.450,50', '6450,50 kr.',
    'kr. 5800', '5.800,-'. Øre are kept (two decimals at most); anything that could be
    read two ways ('6.450.50', '5800.500') or has more decimals is refused, never guessed."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Skriv huslejen i kroner, fx 5800 eller 6.450,50."),
        "max_decimal_places": _("Skriv højst to decimaler (øre), fx 6.450,50."),
        "max_digits": _("Huslejen er for stor."),
        "max_whole_digits": _("Huslejen er for stor."),
        "max_value": _("Huslejen kan højst være %(limit_value)s kr. om måneden."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 9)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("max_value", 100_000)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        for name in ("min", "max", "step"):
            attrs.pop(name, None)
        return {**attrs, "inputmode": "decimal", "autocomplete": "off"}

    def to_python(self, value):
        if isinstance(value, str) and value.strip():
            text = value.strip().lower().replace("\xa0", "").replace(" ", "")
            text = text.removeprefix("kr.").removeprefix("kr").removesuffix("kr.").removesuffix("kr")
            text = text.removesuffix(",-").removesuffix(".-")
            if danish := RENT_DANISH.fullmatch(text):
                whole, ore = danish.groups()
                text = whole.replace(".", "") + (f".{ore}" if ore else "")
            elif not RENT_DOT_DECIMAL.fullmatch(text):
                raise ValidationError(self.error_messages["invalid"], code="invalid")
            value = text
        return super().to_python(value)


class DwellingSelect(forms.Select):
    """The dwelling list: each home carries its rent from the master data (to prefill the
    rent and show a difference) and says when its department is under allocation stop."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rents: dict[str, str] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        rent = self.rents.get(str(value))
        if rent is not None:
            option["attrs"]["data-rent"] = rent
        return option


class OfferForm(DkfdsFormMixin, SubmissionTokenMixin):
    dwelling = forms.ModelChoiceField(
        label=_("Lejemål"),
        queryset=None,
        empty_label=_("Vælg lejemål"),
        widget=DwellingSelect,
        help_text=_(
            "Lejemål, der venter på kommunens svar, står ikke på listen. Det gør lejemål, en borger har sagt "
            "ja til, heller ikke, før fraflytningen er registreret."
        ),
    )
    monthly_rent = RentField(
        label=_("Månedlig husleje (kr.)"),
        help_text=_("Huslejen, borgeren skal betale, før evt. tilskud. Udfyldes med huslejen fra stamdata."),
    )
    available_from = date_field(_("Ledig fra"))
    answer_by = date_field(_("Svarfrist"), help_text=_("Hvornår kommunen senest skal svare."))

    def __init__(self, *args, dwellings, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["dwelling"]
        field.queryset = dwellings
        # Grouped by department (optgroup); the queryset still validates the choice.
        rooms, stop = _("vær."), _("anvisningsstop")
        field.choices = [("", field.empty_label)] + [
            (
                department,
                [
                    (
                        d.pk,
                        f"{d} ({d.get_kind_display()}, {d.rooms} {rooms})"
                        + (f" – {stop}" if d.department.allocation_stop else ""),
                    )
                    for d in group
                ],
            )
            for department, group in groupby(dwellings, key=lambda d: d.department.name)
        ]
        field.widget.rents = {str(d.pk): f"{d.monthly_rent:.2f}" for d in dwellings}
        chosen = self.data.get(self.add_prefix("dwelling")) if self.is_bound else None
        self.master_rent = next((d.monthly_rent for d in dwellings if str(d.pk) == chosen), None)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("answer_by") and cleaned["answer_by"] < timezone.localdate():
            self.add_error("answer_by", _("Svarfristen kan ikke ligge i fortiden."))
        return cleaned


class ReturnOfferForm(DkfdsFormMixin, forms.Form):
    prefix = "return"
    reason = forms.ChoiceField(label=_("Årsag"), choices=VacancyOffer.ReturnReason.choices, widget=forms.RadioSelect)
