"""Forms for concerns: the contact person's guided form and the advisor's actions."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms import CitizenCaseForm
from config.forms import DkfdsFormMixin, SubmissionTokenMixin, date_field, limited_text
from referrals.models import (
    DESCRIPTION_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    AcuteReason,
    Category,
    ConsentRecord,
    Referral,
)


def dwelling_choices(dwellings) -> list:
    """The homes to pick from, grouped by department when there are several."""
    grouped: dict[str, list] = {}
    for dwelling in dwellings:
        grouped.setdefault(dwelling.department.name, []).append((str(dwelling.pk), str(dwelling)))
    choices = [("", _("Vælg lejemål"))]
    choices += list(grouped.items()) if len(grouped) > 1 else next(iter(grouped.values()), [])
    return choices


class ReferralForm(DkfdsFormMixin, SubmissionTokenMixin):
    acute_reasons = forms.MultipleChoiceField(
        label=_("Er situationen akut? Sæt kryds ved det, der passer"),
        choices=AcuteReason.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "Har du ringet 112, 114 eller til Den Sociale Døgnvagt, så sæt kryds her. Rådgiverne får straks besked."
        ),
    )
    department = forms.ChoiceField(
        label=_("Afdeling"), error_messages={"required": _("Vælg den afdeling, bekymringen handler om.")}
    )
    dwelling = forms.ChoiceField(label=_("Vælg på listen"), required=False)
    address = forms.CharField(
        label=_("… eller skriv adressen"), required=False, max_length=200, help_text=_("Fx Blågårdsvej 10")
    )
    unit = forms.CharField(label=_("Etage og dør"), required=False, max_length=30, help_text=_('Fx "2. th."'))
    resident_name = forms.CharField(
        label=_("Beboerens navn"),
        required=False,
        max_length=200,
        help_text=_("Lad feltet stå tomt, hvis du ikke kender navnet."),
    )
    categories = forms.MultipleChoiceField(
        label=_("Hvad er du bekymret for?"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Sæt gerne flere kryds."),
        error_messages={"required": _("Vælg mindst én ting, du er bekymret for.")},
    )
    children_present = forms.ChoiceField(
        label=_("Bor der børn i lejemålet?"),
        choices=Referral.Children.choices,
        widget=forms.RadioSelect,
        initial=Referral.Children.UNKNOWN,
        error_messages={"required": _("Vælg ja, nej eller ved ikke.")},
    )
    description = limited_text(
        _("Hvad er der sket?"),
        limit=DESCRIPTION_MAX_LENGTH,
        rows=8,
        help_text=_(
            "Skriv det, du selv har set eller hørt, og hvornår. Skriv ikke rygter, diagnoser "
            "eller oplysninger om andre beboere, end det er nødvendigt."
        ),
    )
    observed_on = date_field(_("Hvornår så eller hørte du det?"), required=False)
    source = forms.ChoiceField(
        label=_("Hvordan kom det til din viden?"),
        choices=Referral.Source.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg, hvordan det kom til din viden.")},
    )

    def __init__(self, *args, appointments, dwellings, **kwargs):
        super().__init__(*args, **kwargs)
        self.departments = {str(a.department.pk): a.department for a in appointments}
        choices = [
            (pk, f"{department.name} ({department.organisation.short_name} afd. {department.number})")
            for pk, department in self.departments.items()
        ]
        if len(self.departments) == 1:
            self.initial.setdefault("department", next(iter(self.departments)))
        else:
            # More than one: make the caretaker choose, so nothing is filed under the wrong estate.
            choices.insert(0, ("", _("Vælg afdeling")))
        self.fields["department"].choices = choices
        self.offer_dwellings(dwellings)

    def offer_dwellings(self, dwellings) -> None:
        """The homes the form accepts and lists (a POST needs only the one chosen)."""
        self.dwellings = {str(d.pk): d for d in dwellings}
        self.fields["dwelling"].choices = dwelling_choices(dwellings)

    def clean_department(self):
        return self.departments[self.cleaned_data["department"]]

    def clean_dwelling(self):
        value = self.cleaned_data.get("dwelling")
        return self.dwellings.get(value) if value else None

    def clean_observed_on(self):
        observed_on = self.cleaned_data.get("observed_on")
        if observed_on and observed_on > timezone.localdate():
            raise forms.ValidationError(_("Datoen kan ikke ligge i fremtiden."))
        return observed_on

    def clean(self):
        cleaned = super().clean()
        dwelling, department = cleaned.get("dwelling"), cleaned.get("department")
        if dwelling and department and dwelling.department_id != department.pk:
            self.add_error("dwelling", _("Lejemålet hører ikke til den valgte afdeling."))
        if not dwelling and not cleaned.get("address"):
            self.add_error("dwelling", _("Vælg lejemålet på listen, eller skriv adressen."))
        return cleaned


class RulesAcceptanceForm(DkfdsFormMixin, forms.Form):
    accept = forms.BooleanField(
        label=_("Jeg har læst reglerne og vil overholde dem"),
        error_messages={"required": _("Sæt kryds for at bekræfte, at du har læst reglerne.")},
    )


class FollowUpForm(DkfdsFormMixin, SubmissionTokenMixin):
    prefix = "followup"

    text = limited_text(
        _("Tilføj en opfølgning"),
        limit=TEXT_MAX_LENGTH,
        rows=4,
        help_text=_('Fx "Situationen er ikke blevet bedre." Boligrådgiveren får besked.'),
    )


class NoteForm(DkfdsFormMixin, SubmissionTokenMixin):
    prefix = "note"

    text = limited_text(_("Intern note"), limit=TEXT_MAX_LENGTH, rows=3, help_text=_("Ses kun af rådgiverne."))


class MessageForm(DkfdsFormMixin, SubmissionTokenMixin):
    prefix = "message"

    text = limited_text(
        _("Besked til indberetteren"),
        limit=TEXT_MAX_LENGTH,
        rows=3,
        help_text=_(
            "Indberetteren kan læse beskeden, når beboerens samtykke er registreret, og får en e-mail om det. "
            "Skriv kun det, beboeren har sagt ja til at dele. Noget, kun I må se, er en intern note."
        ),
    )


class AssignForm(DkfdsFormMixin, forms.Form):
    prefix = "assign"

    assignee = forms.ModelChoiceField(label=_("Tildel til"), queryset=None, empty_label=None)

    def __init__(self, *args, advisors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = advisors
        self.fields["assignee"].label_from_instance = lambda advisor: (
            f"{advisor} ({advisor.team.name})" + ("" if advisor.covers else " – " + str(_("andet byområde")))
        )

    def clean_assignee(self):
        return self.cleaned_data["assignee"].user


class ConsentForm(DkfdsFormMixin, SubmissionTokenMixin):
    prefix = "consent"

    given = forms.TypedChoiceField(
        label=_("Beboerens samtykke til at dele forløbet med indberetteren"),
        choices=[("1", _("Givet")), ("0", _("Trukket tilbage"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg, om samtykket er givet eller trukket tilbage.")},
    )
    method = forms.ChoiceField(
        label=_("Hvordan"),
        choices=ConsentRecord.Method.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg, om samtykket er skriftligt eller mundtligt.")},
    )


class CloseForm(DkfdsFormMixin, forms.Form):
    prefix = "close"

    outcome = forms.ChoiceField(
        label=_("Udfald"),
        choices=Referral.Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Vælg et udfald.")},
    )
    duplicate_of = forms.CharField(
        label=_("Dublet af (reference)"),
        required=False,
        max_length=20,
        help_text=_("Kun ved dublet, fx BH-2026-00042."),
    )

    def __init__(self, *args, duplicate_candidates=None, visible_referrals=None, **kwargs):
        super().__init__(*args, **kwargs)
        # duplicate_candidates: what this concern may be a duplicate of (same district);
        # visible_referrals: everything the user sees, only to explain a refusal.
        self.duplicate_candidates = duplicate_candidates
        self.visible_referrals = visible_referrals

    def clean(self):
        cleaned = super().clean()
        reference = (cleaned.get("duplicate_of") or "").strip().upper()
        cleaned["duplicate_of"] = None
        if cleaned.get("outcome") == Referral.Outcome.DUPLICATE:
            if not reference:
                self.add_error("duplicate_of", _("Skriv referencen på den henvendelse, den er en dublet af."))
            elif (original := self.duplicate_candidates.filter(reference=reference).first()) is not None:
                cleaned["duplicate_of"] = original
            elif self.visible_referrals is not None and self.visible_referrals.filter(reference=reference).exists():
                self.add_error("duplicate_of", _("En dublet skal være en henvendelse fra samme byområde."))
            else:
                self.add_error("duplicate_of", _("Der er ingen henvendelse med den reference, som du har adgang til."))
        return cleaned


# --- The bridge to a citizen's case ------------------------------------------------


class CaseFromReferralForm(CitizenCaseForm):
    prefix = "case"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("shelter", "entered_on", "cohort_group"):
            del self.fields[name]


class LinkCaseForm(DkfdsFormMixin, forms.Form):
    prefix = "link"
    reference = forms.CharField(label=_("Sagsnummer"), max_length=20, help_text=_("Fx SAG-2026-00012"))
