"""Allocation (boligsocial anvisning): vacancy offers, placements, rent subsidies (seed 002)."""

import uuid
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from config.submissions import existing_submission, save_once
from contacts.models import CONCERN_FUNCTIONS, Advisor, AssociationStaff
from housing.models import Dwelling, Placement, RentSubsidy, VacancyOffer
from notifications.services import notification_queue


@transaction.atomic
def offer_create(
    *,
    by,
    dwelling: Dwelling,
    monthly_rent,
    available_from: date,
    answer_by: date,
    offered_on: date | None = None,
    submission_token: uuid.UUID | None = None,
) -> VacancyOffer:
    """An association offers a vacant dwelling of its own to the municipality."""
    if existing := existing_submission(VacancyOffer, submission_token, offered_by=by):
        return existing
    staff = AssociationStaff.objects.filter(user=by, active=True).first()
    if staff is None or dwelling.department.organisation_id != staff.organisation_id:
        raise ValidationError(_("Du kan kun tilbyde boliger fra din egen boligorganisation."))
    Dwelling.objects.select_for_update().filter(pk=dwelling.pk).first()  # one offer at a time per dwelling
    if existing := existing_submission(VacancyOffer, submission_token, offered_by=by):
        return existing  # the other post of a double submit got here first
    if VacancyOffer.objects.filter(dwelling=dwelling, status__in=VacancyOffer.OPEN_STATUSES).exists():
        raise ValidationError({"dwelling": _("Lejemålet er allerede tilbudt kommunen og venter på svar.")})
    offer = VacancyOffer(
        dwelling=dwelling,
        monthly_rent=monthly_rent,
        available_from=available_from,
        answer_by=answer_by,
        offered_on=offered_on or timezone.localdate(),
        offered_by=by,
        submission_token=submission_token,
    )
    offer.full_clean(exclude=["dwelling", "offered_by", "submission_token"])
    return save_once(offer, offered_by=by)[0]


@transaction.atomic
def offer_return(*, offer: VacancyOffer, by, reason: str) -> VacancyOffer:
    """Hand an offered dwelling back to the association, with the reason (≈40 % are)."""
    offer = VacancyOffer.objects.select_for_update().get(pk=offer.pk)
    if offer.status in (VacancyOffer.Status.ACCEPTED, VacancyOffer.Status.RETURNED):
        raise ValidationError(_("Boligen er allerede %(status)s.") % {"status": offer.get_status_display()})
    if reason not in VacancyOffer.ReturnReason.values:
        raise ValidationError(_("Vælg en årsag."))
    offer.placements.filter(status=Placement.Status.PROPOSED).update(
        status=Placement.Status.DECLINED, declined_reason=_("Boligen blev returneret")
    )
    offer.status, offer.return_reason = VacancyOffer.Status.RETURNED, reason
    offer.save(update_fields=["status", "return_reason"])
    return offer


HOUSED = (Placement.Status.ACCEPTED, Placement.Status.LEASE_SIGNED, Placement.Status.MOVED_IN)


def _active_placement(case):
    return case.placements.exclude(status=Placement.Status.DECLINED).first()


@transaction.atomic
def placement_propose(*, case, offer: VacancyOffer, by) -> Placement:
    """Propose an offered dwelling to a citizen. Never in a department under allocation stop."""
    offer = VacancyOffer.objects.select_for_update().select_related("dwelling__department").get(pk=offer.pk)
    department = offer.dwelling.department
    if department.allocation_stop:
        raise ValidationError(
            _(
                "%(department)s har anvisningsstop, så kommunen kan ikke anvise boligen. Returnér den med årsagen anvisningsstop."
            )
            % {"department": department.name}
        )
    if offer.status != VacancyOffer.Status.OFFERED:
        raise ValidationError(_("Boligen er ikke længere ledig til anvisning."))
    if not case.is_open:
        raise ValidationError(_("Sagen er lukket."))
    if _active_placement(case):
        raise ValidationError(_("Borgeren har allerede en bolig på vej. Afslut den først."))
    placement = Placement.objects.create(case=case, offer=offer, kind=Placement.Kind.ORDINARY, proposed_by=by)
    offer.status = VacancyOffer.Status.MATCHED
    offer.save(update_fields=["status"])
    return placement


@transaction.atomic
def placement_supported_accommodation(
    *,
    case,
    by,
    provider: str,
    kind: str = Placement.Kind.SUPPORTED_ACCOMMODATION,
    submission_token: uuid.UUID | None = None,
) -> Placement:
    """Record a decision about supported accommodation (botilbud) or an unconventional home."""
    if not provider.strip():
        raise ValidationError({"provider": _("Skriv botilbuddets navn.")})
    case = type(case).objects.select_for_update().get(pk=case.pk)  # one decision at a time per case
    if existing := existing_submission(Placement, submission_token, case=case):
        return existing  # the same form posted twice
    if not case.is_open:
        raise ValidationError(_("Sagen er lukket."))
    if _active_placement(case):
        raise ValidationError(_("Borgeren har allerede en bolig på vej. Afslut den først."))
    placement = Placement(
        case=case,
        kind=kind,
        provider=provider.strip(),
        status=Placement.Status.ACCEPTED,
        proposed_by=by,
        submission_token=submission_token,
    )
    return save_once(placement, case=case)[0]


def _advance(placement: Placement, *, allowed_from: tuple, to: str) -> tuple[Placement, bool]:
    """Lock the placement and move it one step. Returns (placement, changed): a step that
    was already taken (a double submit) changes nothing and must have no side effects."""
    # Lock only the placement row: PostgreSQL refuses FOR UPDATE across the nullable offer join.
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("case", "offer__dwelling__department")
        .get(pk=placement.pk)
    )
    if placement.status == to:
        return placement, False
    if not placement.case.is_open:
        raise ValidationError(_("Sagen er lukket."))
    if placement.status not in allowed_from:
        raise ValidationError(
            _("Boligen kan ikke gå fra '%(current)s' til '%(next)s'.")
            % {"current": placement.get_status_display(), "next": Placement.Status(to).label}
        )
    placement.status = to
    return placement, True


@transaction.atomic
def placement_accept(*, placement: Placement, by, move_in_on: date | None = None) -> Placement:
    """The citizen says yes. The district's advisors are told, for move-in support (seed 003)."""
    placement, changed = _advance(placement, allowed_from=(Placement.Status.PROPOSED,), to=Placement.Status.ACCEPTED)
    if not changed:
        return placement
    if move_in_on:
        placement.move_in_on = move_in_on
    placement.save(update_fields=["status", "move_in_on"])
    if placement.offer:
        VacancyOffer.objects.filter(pk=placement.offer_id).update(status=VacancyOffer.Status.ACCEPTED)
        department = placement.offer.dwelling.department
        for advisor in Advisor.objects.filter(
            districts=department.district_id, active=True, user__is_active=True, function__in=CONCERN_FUNCTIONS
        ).select_related("user"):
            notification_queue(
                recipient=advisor.user,
                template="move_in_coming",
                context={
                    "reference": placement.case.reference,
                    "department": department.name,
                    "move_in_on": placement.move_in_on,
                    "link_path": reverse("start"),
                },
                dedupe_key=f"move-in:{placement.pk}:{advisor.user_id}",
            )
    return placement


def _decline(placement: Placement, *, reason: str, allowed_from: tuple) -> Placement:
    placement, changed = _advance(placement, allowed_from=allowed_from, to=Placement.Status.DECLINED)
    if not changed:
        return placement  # declined before: the dwelling may already be someone else's
    placement.declined_reason = reason
    placement.save(update_fields=["status", "declined_reason"])
    if placement.offer:
        VacancyOffer.objects.filter(pk=placement.offer_id).update(status=VacancyOffer.Status.OFFERED)
    return placement


@transaction.atomic
def placement_decline(*, placement: Placement, by, reason: str) -> Placement:
    """The citizen says no, before or after saying yes; the dwelling is offered again."""
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv, hvorfor borgeren siger nej.")})
    return _decline(
        placement, reason=reason.strip(), allowed_from=(Placement.Status.PROPOSED, Placement.Status.ACCEPTED)
    )


@transaction.atomic
def placement_withdraw(*, placement: Placement, by) -> Placement:
    """The caseworker takes a proposal back before the citizen has answered."""
    return _decline(placement, reason=_("Forslaget blev trukket tilbage"), allowed_from=(Placement.Status.PROPOSED,))


@transaction.atomic
def placement_lease_signed(*, placement: Placement, by) -> Placement:
    placement, changed = _advance(
        placement, allowed_from=(Placement.Status.ACCEPTED,), to=Placement.Status.LEASE_SIGNED
    )
    if changed:
        placement.save(update_fields=["status"])
    return placement


@transaction.atomic
def placement_move_in(*, placement: Placement, by, move_in_on: date) -> Placement:
    placement, changed = _advance(
        placement, allowed_from=(Placement.Status.ACCEPTED, Placement.Status.LEASE_SIGNED), to=Placement.Status.MOVED_IN
    )
    if changed:
        placement.move_in_on = move_in_on
        placement.save(update_fields=["status", "move_in_on"])
    return placement


@transaction.atomic
def subsidy_grant(
    *,
    placement: Placement,
    by,
    monthly_amount: int,
    starts_on: date,
    ends_on: date,
    submission_token: uuid.UUID | None = None,
) -> RentSubsidy:
    """A municipal rent subsidy for at most five years (udslusningsbolig)."""
    if existing := existing_submission(RentSubsidy, submission_token, placement=placement):
        return existing
    if not placement.case.is_open:
        raise ValidationError(_("Sagen er lukket."))
    if placement.offer_id is None or placement.status not in HOUSED:
        raise ValidationError(_("Huslejetilskud gives til en bolig, borgeren har sagt ja til."))
    subsidy = RentSubsidy(
        placement=placement,
        monthly_amount=monthly_amount,
        starts_on=starts_on,
        ends_on=ends_on,
        submission_token=submission_token,
    )
    subsidy.full_clean(exclude=["placement", "submission_token"])
    return save_once(subsidy, placement=placement)[0]
