"""Every write with rules about citizens and cases (seed 002, seed 003).

Each service runs in one transaction, grants object permissions itself and writes
its notifications to the outbox in the same transaction.
"""

import uuid
from datetime import date, timedelta

from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from cases.cpr import cpr_birth_date, normalise_cpr
from cases.crypto import lookup_hash
from cases.models import (
    SHELTER_GOAL_DAYS,
    SHELTER_WARNING_DAYS,
    ActionPlan,
    Case,
    CaseConsent,
    CaseFileExport,
    CaseNote,
    Citizen,
    CohortGroup,
    Shelter,
    ShelterStay,
    SupportAssignment,
    SupportKind,
)
from config.references import next_reference
from config.submissions import existing_submission, save_once
from contacts.models import Advisor, Team
from notifications.services import notification_queue
from referrals.models import Referral, StatusChange
from referrals.services import referral_close

CASE_PERMS = ("view_case", "change_case")


def _require_open(case: Case) -> None:
    """A closed case is a record: new plans, stays, support and consents are refused.
    Journal notes and withdrawing a consent stay possible."""
    if not case.is_open:
        raise ValidationError(_("Sagen er lukket. Den kan ikke ændres."))


def _check_cpr(cpr: str, birth_date: date | None) -> tuple[str, date | None]:
    cpr = normalise_cpr(cpr) if cpr else ""
    if cpr:
        derived = cpr_birth_date(cpr)
        if birth_date and birth_date != derived:
            raise ValidationError({"birth_date": _("Fødselsdatoen passer ikke med CPR-nummeret.")})
        birth_date = derived
    return cpr, birth_date


def _grant(case: Case, user) -> None:
    for perm in CASE_PERMS:
        assign_perm(f"cases.{perm}", user, case)


@transaction.atomic
def case_assign(*, case: Case, by, user) -> None:
    """Give a colleague the case: a django-guardian grant on this one case. A colleague
    in the team or a housing advisor from any team (move-in support). Only those
    assigned may hand it on (see selectors.can_assign); the hand-over is audit-logged."""
    from cases.selectors import can_assign

    if not can_assign(by, case):
        raise ValidationError(_("Kun sagens sagsbehandlere kan tildele sagen."))
    if not Advisor.objects.filter(user=user, active=True, user__is_active=True).exists():
        raise ValidationError(_("Sager kan kun tildeles kommunens sagsbehandlere og rådgivere."))
    _grant(case, user)
    LogEntry.objects.log_create(
        case,
        action=LogEntry.Action.UPDATE,
        changes={"tildelt": [None, user.get_username()]},
        actor=by,
        force_log=True,
    )


def case_unassign(*, case: Case, by, user) -> None:
    for perm in CASE_PERMS:
        remove_perm(f"cases.{perm}", user, case)


@transaction.atomic
def citizen_case_open(
    *,
    by,
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
    advisor = Advisor.objects.select_related("team").filter(user=by, active=True).first()
    if advisor is None:
        raise ValidationError(_("Kun kommunens sagsbehandlere og rådgivere kan oprette sager."))
    cpr, birth_date = _check_cpr(cpr, birth_date)
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
    citizen.save()
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
    if shelter is not None:
        stay_start(case=case, by=by, shelter=shelter, entered_on=entered_on or timezone.localdate())
    return case


@transaction.atomic
def case_open_from_referral(*, referral: Referral, by, name: str, max_rent: int, target_group: str, **citizen) -> Case:
    """Open a housing-social case from a concern and close the concern as "case opened"."""
    token = citizen.get("submission_token")
    if token and (existing := Case.objects.filter(submission_token=token, referrals=referral).first()):
        return existing  # the same form posted twice
    if referral.case_id:
        raise ValidationError(_("Henvendelsen er allerede knyttet til en sag."))
    case = citizen_case_open(
        by=by, name=name, max_rent=max_rent, target_group=target_group, kind=Case.Kind.HOUSING_SOCIAL, **citizen
    )
    Referral.objects.filter(pk=referral.pk).update(case=case)
    referral.case = case
    referral_close(referral=referral, by=by, outcome=Referral.Outcome.CASE_OPENED)
    return case


@transaction.atomic
def referral_link_case(*, referral: Referral, case: Case, by) -> Referral:
    """Link a concern to an existing case; the case's consent then governs what the reporter sees."""
    Referral.objects.filter(pk=referral.pk).update(case=case)
    referral.case = case
    StatusChange.objects.create(
        referral=referral,
        event=StatusChange.Event.NOTE_ADDED,
        actor=by,
        to_status=referral.status,
        detail=_("Knyttet til sag %(reference)s") % {"reference": case.reference},
    )
    return referral


@transaction.atomic
def case_note_add(
    *,
    case: Case,
    by,
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
    note = CaseNote(
        case=case,
        author=by,
        text=text.strip(),
        written_on=written_on or timezone.localdate(),
        corrects=corrects,
        submission_token=submission_token,
    )
    note.full_clean(exclude=["case", "author", "corrects", "submission_token"])
    return save_once(note, case=case, author=by)[0]


@transaction.atomic
def case_consent_record(
    *, case: Case, by, scope: str, method: str, ngo_name: str = "", submission_token: uuid.UUID | None = None
) -> CaseConsent:
    if existing := existing_submission(CaseConsent, submission_token, case=case, recorded_by=by):
        return existing
    _require_open(case)
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
    return save_once(consent, case=case, recorded_by=by)[0]


@transaction.atomic
def case_consent_withdraw(*, consent: CaseConsent, by, withdrawn_on: date | None = None) -> CaseConsent:
    """The citizen withdraws a consent: possible at any time, also on a closed case."""
    consent = CaseConsent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is None:
        consent.withdrawn_on = withdrawn_on or timezone.localdate()
        consent.withdrawn_by = by
        consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
    return consent


@transaction.atomic
def stay_start(*, case: Case, by, shelter: Shelter, entered_on: date) -> ShelterStay:
    case = Case.objects.select_for_update().get(pk=case.pk)  # two posts at once make one stay
    _require_open(case)
    if case.stays.filter(left_on__isnull=True).exists():
        raise ValidationError(_("Borgeren har allerede et igangværende herbergsophold."))
    if entered_on > timezone.localdate():
        raise ValidationError({"entered_on": _("Datoen kan ikke ligge i fremtiden.")})
    return ShelterStay.objects.create(case=case, shelter=shelter, entered_on=entered_on)


def discharge_checklist(case: Case) -> list[tuple[str, str]]:
    """What is missing before a discharge to own home or supported accommodation (seed 002),
    each with the part of the case page where it is added."""
    from housing.models import Placement

    missing = []
    if not case.action_plans.exists():
        missing.append((_("en handleplan"), "handleplan"))
    placements = case.placements.all()
    if not (
        placements.filter(status=Placement.Status.MOVED_IN).exists()
        or placements.filter(kind=Placement.Kind.SUPPORTED_ACCOMMODATION)
        .exclude(status=Placement.Status.DECLINED)
        .exists()
    ):
        missing.append((_("en bolig, borgeren er flyttet ind i, eller en afgørelse om botilbud"), "bolig"))
    if not case.support.exists():
        missing.append((_("en afgørelse om bostøtte"), "bostoette"))
    return missing


def discharge_missing(case: Case) -> list[str]:
    return [text for text, _anchor in discharge_checklist(case)]


@transaction.atomic
def stay_end(*, stay: ShelterStay, by, left_on: date, exit: str) -> ShelterStay:
    """End a shelter stay. Moving on to a home needs plan, home and support in place."""
    stay = ShelterStay.objects.select_for_update().get(pk=stay.pk)
    if stay.left_on:
        return stay
    if left_on < stay.entered_on:
        raise ValidationError({"left_on": _("Udskrivningen kan ikke ligge før indskrivningen.")})
    if exit in (ShelterStay.Exit.OWN_HOME, ShelterStay.Exit.SUPPORTED_ACCOMMODATION):
        missing = discharge_missing(stay.case)
        if missing:
            raise ValidationError(
                _("Opholdet kan ikke afsluttes som udflytning endnu. Der mangler: %(missing)s.")
                % {"missing": ", ".join(missing)}
            )
    stay.left_on = left_on
    stay.exit = exit
    stay.save(update_fields=["left_on", "exit"])
    return stay


@transaction.atomic
def action_plan_add(
    *, case: Case, by, made_on: date, goals: str, next_review_on: date, submission_token: uuid.UUID | None = None
) -> ActionPlan:
    if existing := existing_submission(ActionPlan, submission_token, case=case, created_by=by):
        return existing
    _require_open(case)
    if next_review_on < made_on:
        raise ValidationError({"next_review_on": _("Opfølgningen skal ligge efter handleplanens dato.")})
    plan = ActionPlan(
        case=case,
        made_on=made_on,
        goals=goals.strip(),
        next_review_on=next_review_on,
        created_by=by,
        submission_token=submission_token,
    )
    plan.full_clean(exclude=["case", "created_by", "submission_token"])
    return save_once(plan, case=case, created_by=by)[0]


@transaction.atomic
def support_grant(
    *,
    case: Case,
    by,
    kind: SupportKind,
    granted_on: date,
    provider: str,
    ends_on: date | None = None,
    submission_token: uuid.UUID | None = None,
) -> SupportAssignment:
    if existing := existing_submission(SupportAssignment, submission_token, case=case):
        return existing
    _require_open(case)
    if ends_on and ends_on < granted_on:
        raise ValidationError({"ends_on": _("Slutdatoen skal ligge efter visitationen.")})
    support = SupportAssignment(
        case=case,
        kind=kind,
        granted_on=granted_on,
        ends_on=ends_on,
        provider=provider.strip(),
        submission_token=submission_token,
    )
    return save_once(support, case=case)[0]


@transaction.atomic
def case_close(*, case: Case, by, reason: str, closed_on: date | None = None) -> Case:
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.closed_on:
        return case
    if case.stays.filter(left_on__isnull=True).exists():
        raise ValidationError(_("Afslut herbergsopholdet, før sagen lukkes."))
    from housing.models import Placement, VacancyOffer

    if case.placements.filter(
        status__in=(Placement.Status.ACCEPTED, Placement.Status.LEASE_SIGNED), offer__isnull=False
    ).exists():
        raise ValidationError(
            _("Borgeren har sagt ja til en bolig. Registrér indflytningen eller borgerens nej, før sagen lukkes.")
        )
    # A home only proposed goes back to the allocation: the dwelling is free again.
    proposed = case.placements.filter(status=Placement.Status.PROPOSED)
    VacancyOffer.objects.filter(placements__in=proposed, status=VacancyOffer.Status.MATCHED).update(
        status=VacancyOffer.Status.OFFERED
    )
    proposed.update(status=Placement.Status.DECLINED, declined_reason=_("Sagen blev lukket"))
    case.closed_on = closed_on or timezone.localdate()
    case.close_reason = reason
    case.full_clean(exclude=["citizen", "team", "created_by", "cohort_group"])
    case.save(update_fields=["closed_on", "close_reason"])
    return case


@transaction.atomic
def case_reopen(*, case: Case, by) -> Case:
    """Open a closed case again (the citizen comes back). The change is audit-logged."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.closed_on:
        case.closed_on, case.close_reason = None, ""
        case.save(update_fields=["closed_on", "close_reason"])
    return case


def case_workers(case: Case) -> list:
    """The users assigned to a case (django-guardian grants), who get its reminders."""
    grants = case.user_grants.filter(
        permission__codename="change_case", user__is_active=True, user__advisor__active=True
    ).select_related("user")
    return [grant.user for grant in grants]


def cases_remind(*, today: date | None = None) -> int:
    """Queue the case reminders that are due, once per due item however often it runs."""
    from housing.models import Placement, RentSubsidy

    today = today or timezone.localdate()
    queued = 0

    def queue(users, template, *, case, key, **extra):
        nonlocal queued
        context = {"reference": case.reference, "link_path": reverse("cases:detail", args=[case.reference]), **extra}
        for user in users:
            if notification_queue(recipient=user, template=template, context=context, dedupe_key=f"{key}:{user.pk}"):
                queued += 1

    housed = (Placement.Status.ACCEPTED, Placement.Status.LEASE_SIGNED, Placement.Status.MOVED_IN)
    for days in SHELTER_WARNING_DAYS:
        stays = (
            ShelterStay.objects.filter(
                left_on__isnull=True, entered_on__lte=today - timedelta(days=days), case__closed_on__isnull=True
            )
            .exclude(case__placements__status__in=housed)
            .select_related("case")
        )
        for stay in stays:
            with transaction.atomic():
                queue(
                    case_workers(stay.case),
                    "stay_warning",
                    case=stay.case,
                    key=f"stay:{stay.pk}:day{days}",
                    days=days,
                    goal_days=SHELTER_GOAL_DAYS,
                )
    ending = RentSubsidy.objects.filter(ends_on__lte=today + timedelta(days=91), ends_on__gte=today).select_related(
        "placement__case"
    )
    for subsidy in ending:
        with transaction.atomic():
            case = subsidy.placement.case
            queue(case_workers(case), "subsidy_ending", case=case, key=f"subsidy:{subsidy.pk}:ending")
    plans = ActionPlan.objects.filter(next_review_on__lte=today, case__closed_on__isnull=True).select_related("case")
    for plan in plans:
        with transaction.atomic():
            queue(
                case_workers(plan.case),
                "plan_review_due",
                case=plan.case,
                key=f"plan:{plan.pk}:review:{plan.next_review_on.isoformat()}",
            )
    return queued


@transaction.atomic
def case_file_export_request(*, case: Case, by, submission_token: uuid.UUID | None = None) -> CaseFileExport:
    """Start a right-of-access export (aktindsigt); the export itself is logged."""
    if existing := existing_submission(CaseFileExport, submission_token, case=case, requested_by=by):
        return existing
    export, created = save_once(
        CaseFileExport(case=case, requested_by=by, submission_token=submission_token), case=case, requested_by=by
    )
    if not created:
        return export
    LogEntry.objects.log_create(
        case,
        action=LogEntry.Action.ACCESS,
        changes={},
        actor=by,
        additional_data={"purpose": "aktindsigt", "export_id": export.pk},
        force_log=True,
    )
    from cases.tasks import case_file_render

    transaction.on_commit(lambda: case_file_render.delay(export.pk), robust=True)
    return export


def team_of(user) -> Team | None:
    advisor = Advisor.objects.select_related("team").filter(user=user, active=True).first()
    return advisor.team if advisor else None
