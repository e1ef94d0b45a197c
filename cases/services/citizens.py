"""Registering a citizen, handing a case on, the journal, consents, closing and reopening."""

import uuid
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from cases.cpr import cpr_birth_date, normalise_cpr
from cases.crypto import lookup_hash
from cases.models import Case, CaseConsent, CaseNote, Citizen, CohortGroup, Shelter
from cases.selectors.citizens import can_assign, citizen_already_registered
from cases.services.allocation import placements_release
from cases.services.stays import stay_start
from cases.signals import reporter_consent_given
from cases.validators import validate_birth_date
from config.audit import audit
from config.references import next_reference
from config.submissions import existing_submission, save_once
from contacts.selectors import advisor_of

CASE_PERMS = ("view_case", "change_case")


def _check_cpr(cpr: str, birth_date: date | None) -> tuple[str, date | None]:
    cpr = normalise_cpr(cpr) if cpr else ""
    if cpr:
        derived = cpr_birth_date(cpr)
        try:
            validate_birth_date(derived)
        except ValidationError as error:
            raise ValidationError({"cpr": error.messages}) from None
        if birth_date and birth_date != derived:
            raise ValidationError({"birth_date": _("Fødselsdatoen passer ikke med CPR-nummeret.")})
        birth_date = derived
    return cpr, birth_date


def _grant(case: Case, user: User) -> None:
    for perm in CASE_PERMS:
        assign_perm(f"cases.{perm}", user, case)


@transaction.atomic
def citizen_case_open(
    *,
    by: User,
    name: str,
    max_rent: int,
    target_group: str,
    kind: str = Case.Kind.HOMELESSNESS,
    cpr: str = "",
    birth_date: date | None = None,
    phone: str = "",
    cohort_group: CohortGroup | None = None,
    shelter: Shelter | None = None,
    entered_on: date | None = None,
    submission_token: uuid.UUID | None = None,
) -> Case:
    """Register a citizen and open a case for the opener's team, assigned to the opener."""
    if existing := existing_submission(Case, submission_token, created_by=by):
        return existing
    advisor = advisor_of(by)
    if advisor is None:
        raise ValidationError(_("Kun kommunens sagsbehandlere og rådgivere kan oprette sager."))
    cpr, birth_date = _check_cpr(cpr, birth_date)
    if cpr and (registered := citizen_already_registered(by, cpr)):
        raise ValidationError({"cpr": registered.message})
    citizen = Citizen(
        name=name.strip(),
        cpr=cpr,
        cpr_hash=lookup_hash(cpr) if cpr else "",
        birth_date=birth_date,
        phone=phone.strip(),
        max_rent=max_rent,
        target_group=target_group,
    )
    citizen.full_clean(exclude=["cpr_hash"])
    try:
        with transaction.atomic():
            citizen.save()
    except IntegrityError:  # registered by someone else a moment ago (one citizen per CPR number)
        registered = citizen_already_registered(by, cpr)
        raise ValidationError(
            {"cpr": registered.message if registered else _("Borgeren er allerede registreret.")}
        ) from None
    case = Case.objects.create(
        reference=next_reference("SAG"),
        citizen=citizen,
        kind=kind,
        team=advisor.team,
        cohort_group=cohort_group,
        created_by=by,
        submission_token=submission_token,
    )
    _grant(case, by)
    audit(case, by=by, event="case.open", created=True, kind=kind, team=advisor.team.pk)
    if shelter is not None:
        stay_start(case=case, by=by, shelter=shelter, entered_on=entered_on or timezone.localdate())
    return case


@transaction.atomic
def case_assign(*, case: Case, by: User, user: User) -> None:
    """Give a colleague the case: a django-guardian grant on this one case. A colleague
    in the team or a housing advisor from any team (move-in support). Only those
    assigned may hand it on (selectors.can_assign)."""
    if not can_assign(by, case):
        raise ValidationError(_("Kun sagens sagsbehandlere kan tildele sagen."))
    if advisor_of(user) is None:
        raise ValidationError(_("Sager kan kun tildeles kommunens sagsbehandlere og rådgivere."))
    _grant(case, user)
    audit(case, by=by, event="case.assign", changes={"assigned": (None, user.get_username())})


# The same note by the same author within this time is the same note sent twice.
REPEAT_WINDOW = timedelta(hours=1)


def _same_note_just_written(case: Case, author: User, written_on: date, text: str) -> CaseNote | None:
    words = " ".join(text.split())
    recent = case.journal.filter(author=author, written_on=written_on, created_at__gte=timezone.now() - REPEAT_WINDOW)
    return next((note for note in recent if " ".join(note.text.split()) == words), None)


@transaction.atomic
def case_note_add(
    *,
    case: Case,
    by: User,
    text: str,
    written_on: date | None = None,
    corrects: CaseNote | None = None,
    submission_token: uuid.UUID | None = None,
) -> CaseNote:
    """Add a journal entry. The past is never edited: a correction is a new entry."""
    if existing := existing_submission(CaseNote, submission_token, case=case, author=by):
        return existing
    if corrects is not None and corrects.case_id != case.pk:
        raise ValidationError(_("Rettelsen skal høre til samme sag."))
    written_on = written_on or timezone.localdate()
    if repeat := _same_note_just_written(case, by, written_on, text):
        return repeat  # the form sent again (the back button): the first note stands
    note = CaseNote(
        case=case,
        author=by,
        text=text.strip(),
        written_on=written_on,
        corrects=corrects,
        submission_token=submission_token,
    )
    note.full_clean(exclude=["case", "author", "corrects", "submission_token"])
    note, created = save_once(note, case=case, author=by)
    if created:
        audit(
            note,
            by=by,
            event="journal.add",
            created=True,
            case=case.reference,
            corrects=corrects.pk if corrects else None,
        )
    return note


@transaction.atomic
def case_consent_record(
    *,
    case: Case,
    by: User,
    scope: str,
    method: str,
    ngo_name: str = "",
    submission_token: uuid.UUID | None = None,
) -> CaseConsent:
    """Record a consent the citizen has given, with its scope and how it was given."""
    if existing := existing_submission(CaseConsent, submission_token, case=case, recorded_by=by):
        return existing
    case.ensure_open()
    if scope == CaseConsent.Scope.NGO and not ngo_name.strip():
        raise ValidationError({"ngo_name": _("Skriv navnet på organisationen.")})
    consent = CaseConsent(
        case=case,
        scope=scope,
        method=method,
        ngo_name=ngo_name.strip(),
        recorded_by=by,
        submission_token=submission_token,
    )
    consent.full_clean(exclude=["case", "recorded_by", "submission_token"])
    consent, created = save_once(consent, case=case, recorded_by=by)
    if created:
        audit(consent, by=by, event="consent.give", created=True, case=case.reference, scope=scope, method=method)
        if scope == CaseConsent.Scope.REPORTER:
            reporter_consent_given.send(sender=CaseConsent, case=case, consent=consent)
    return consent


@transaction.atomic
def case_consent_withdraw(*, consent: CaseConsent, by: User, withdrawn_on: date | None = None) -> CaseConsent:
    """The citizen withdraws a consent: possible at any time, also on a closed case."""
    consent = CaseConsent.objects.select_for_update().select_related("case").get(pk=consent.pk)
    if consent.withdrawn_on is None:
        consent.withdrawn_on = withdrawn_on or timezone.localdate()
        consent.withdrawn_by = by
        consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
        audit(
            consent,
            by=by,
            event="consent.withdraw",
            changes={"withdrawn_on": (None, consent.withdrawn_on)},
            case=consent.case.reference,
        )
    return consent


@transaction.atomic
def case_close(*, case: Case, by: User, reason: str, closed_on: date | None = None) -> Case:
    """Close the case. Refused while the citizen is in a shelter or has said yes to a
    home that is not moved into; a home only proposed goes back to the allocation."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.closed_on:
        return case
    if case.stays.filter(left_on__isnull=True).exists():
        raise ValidationError(_("Afslut herbergsopholdet, før sagen lukkes."))
    placements_release(case=case, by=by, reason=_("Sagen blev lukket"))
    case.closed_on = closed_on or timezone.localdate()
    case.close_reason = reason
    case.full_clean(exclude=["citizen", "team", "created_by", "cohort_group"])
    case.save(update_fields=["closed_on", "close_reason"])
    audit(case, by=by, event="case.close", changes={"closed_on": (None, case.closed_on), "close_reason": ("", reason)})
    return case


@transaction.atomic
def case_reopen(*, case: Case, by: User) -> Case:
    """Open a closed case again (the citizen comes back)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.closed_on:
        closed_on, reason = case.closed_on, case.close_reason
        case.closed_on, case.close_reason = None, ""
        case.save(update_fields=["closed_on", "close_reason"])
        audit(case, by=by, event="case.reopen", changes={"closed_on": (closed_on, None), "close_reason": (reason, "")})
    return case
