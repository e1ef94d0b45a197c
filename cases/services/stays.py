"""Shelter stays and the discharge rule, action plans and housing support."""

import uuid
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.models import ActionPlan, Case, Placement, Shelter, ShelterStay, SupportAssignment, SupportKind
from cases.validators import validate_not_future, validate_stay_start
from config.audit import audit
from config.submissions import existing_submission, save_once


@transaction.atomic
def stay_start(*, case: Case, by: User, shelter: Shelter, entered_on: date) -> ShelterStay:
    """Register a shelter stay; a citizen has one stay at a time. The case (and the
    instance passed in) keeps the entry date as in_shelter_since, which the lists sort by."""
    locked = Case.objects.select_for_update().get(pk=case.pk)  # two posts at once make one stay
    locked.ensure_open()
    if locked.stays.filter(left_on__isnull=True).exists():
        raise ValidationError(_("Borgeren har allerede et igangværende herbergsophold."))
    try:
        validate_stay_start(entered_on)
    except ValidationError as error:
        raise ValidationError({"entered_on": error.messages}) from None
    stay = ShelterStay.objects.create(case=locked, shelter=shelter, entered_on=entered_on)
    locked.in_shelter_since = case.in_shelter_since = entered_on
    locked.save(update_fields=["in_shelter_since"])
    audit(stay, by=by, event="stay.start", created=True, case=locked.reference, shelter=shelter.pk)
    return stay


def discharge_checklist(case: Case) -> list[tuple[str, str]]:
    """What is missing before a discharge to own home or supported accommodation, each
    with the part of the case page where it is added. The homelessness plan requires an
    action plan, a home (or a decision on supported accommodation) and support."""
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


@transaction.atomic
def stay_end(*, stay: ShelterStay, by: User, left_on: date, exit: str) -> ShelterStay:
    """End a shelter stay. Moving on to a home needs plan, home and support in place."""
    stay = ShelterStay.objects.select_for_update().select_related("case").get(pk=stay.pk)
    if stay.left_on:
        return stay
    if left_on < stay.entered_on:
        raise ValidationError({"left_on": _("Udskrivningen kan ikke ligge før indskrivningen.")})
    try:
        validate_not_future(left_on)
    except ValidationError as error:
        raise ValidationError({"left_on": error.messages}) from None
    if exit == ShelterStay.Exit.OWN_HOME:
        home = stay.case.placements.filter(status=Placement.Status.MOVED_IN).order_by("-move_in_on").first()
        if home and home.move_in_on and left_on < home.move_in_on:
            raise ValidationError(
                {
                    "left_on": _("Borgeren flyttede først ind den %(date)s. Udskriv til egen bolig fra den dag.")
                    % {"date": date_format(home.move_in_on, "j. F Y")}
                }
            )
    if exit in (ShelterStay.Exit.OWN_HOME, ShelterStay.Exit.SUPPORTED_ACCOMMODATION):
        missing = [text for text, _anchor in discharge_checklist(stay.case)]
        if missing:
            raise ValidationError(
                _("Opholdet kan ikke afsluttes som udflytning endnu. Der mangler: %(missing)s.")
                % {"missing": ", ".join(missing)}
            )
    stay.left_on = left_on
    stay.exit = exit
    stay.save(update_fields=["left_on", "exit"])
    stay.case.in_shelter_since = None  # the case row is locked with the stay (select_related)
    stay.case.save(update_fields=["in_shelter_since"])
    audit(
        stay,
        by=by,
        event="stay.end",
        changes={"left_on": (None, left_on), "exit": ("", exit)},
        case=stay.case.reference,
    )
    return stay


@transaction.atomic
def action_plan_add(
    *,
    case: Case,
    by: User,
    made_on: date,
    goals: str,
    next_review_on: date,
    submission_token: uuid.UUID | None = None,
) -> ActionPlan:
    """Record the action plan that must be in place before a discharge."""
    if existing := existing_submission(ActionPlan, submission_token, case=case, created_by=by):
        return existing
    case.ensure_open()
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
    plan, created = save_once(plan, case=case, created_by=by)
    if created:
        audit(plan, by=by, event="plan.add", created=True, case=case.reference, next_review_on=next_review_on)
    return plan


@transaction.atomic
def support_grant(
    *,
    case: Case,
    by: User,
    kind: SupportKind,
    granted_on: date,
    provider: str,
    ends_on: date | None = None,
    submission_token: uuid.UUID | None = None,
) -> SupportAssignment:
    """Record housing support the citizen has been granted (CTI, ICM, ACT, § 85, § 99)."""
    if existing := existing_submission(SupportAssignment, submission_token, case=case):
        return existing
    case.ensure_open()
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
    support, created = save_once(support, case=case)
    if created:
        audit(support, by=by, event="support.grant", created=True, case=case.reference, kind=kind.code)
    return support
