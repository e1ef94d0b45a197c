"""Allocation (boligsocial anvisning): offered homes, placements and rent subsidies.

The municipality may allocate a share of the vacant social dwellings (every third in
Copenhagen) to citizens who need a home. An association offers a dwelling; a
caseworker proposes it to a citizen who fits; the citizen says yes or no; the lease is
signed and the citizen moves in. The offer keeps its own outcome (housing's service),
so the association follows it without ever learning who the citizen is.
"""

import uuid
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cases.models import Case, Placement, RentSubsidy
from cases.services.reminders import case_workers
from config.audit import audit
from config.submissions import existing_submission, save_once
from contacts.selectors import advisor_users_covering, association_staff_of
from housing import services as housing
from housing.models import Dwelling, VacancyOffer
from notifications.services import notification_queue


@transaction.atomic
def offer_submit(
    *,
    by: User,
    dwelling: Dwelling,
    monthly_rent: Decimal,
    available_from: date,
    answer_by: date,
    offered_on: date | None = None,
    submission_token: uuid.UUID | None = None,
) -> VacancyOffer:
    """An association's staff offer a vacant dwelling of their own organisation."""
    staff = association_staff_of(by)
    if staff is None:
        raise ValidationError(_("Kun boligorganisationernes medarbejdere kan tilbyde boliger."))
    return housing.offer_create(
        by=by,
        organisation=staff.organisation,
        dwelling=dwelling,
        monthly_rent=monthly_rent,
        available_from=available_from,
        answer_by=answer_by,
        offered_on=offered_on,
        submission_token=submission_token,
    )


def _decline(
    placement: Placement, *, by: User, reason: str, event: str, previous: str | None = None, reoffer: bool = True
) -> None:
    """Mark a placement declined and (unless the home is being returned) offer its
    dwelling again. The caller holds the lock."""
    previous = previous or placement.status
    placement.status, placement.declined_reason = Placement.Status.DECLINED, reason
    placement.save(update_fields=["status", "declined_reason"])
    audit(
        placement, by=by, event=event, changes={"status": (previous, placement.status)}, case=placement.case.reference
    )
    if reoffer and placement.offer is not None:
        housing.offer_outcome_record(offer=placement.offer, by=by, status=VacancyOffer.Status.OFFERED)


def _lock_placements_then_offer(offer: VacancyOffer) -> VacancyOffer:
    """Lock in the order every step takes (placement, then offer), so a step on the
    placement and a change of the offer at the same moment wait for each other instead
    of deadlocking."""
    list(Placement.objects.select_for_update(of=("self",)).filter(offer=offer).values_list("pk", flat=True))
    return VacancyOffer.objects.select_for_update().select_related("dwelling__department").get(pk=offer.pk)


@transaction.atomic
def offer_return(*, offer: VacancyOffer, by: User, reason: str) -> VacancyOffer:
    """Hand an offered dwelling back to the association, with the reason (≈40 % are)."""
    offer = _lock_placements_then_offer(offer)
    if offer.status not in VacancyOffer.OPEN_STATUSES:
        raise ValidationError(_("Boligen er allerede %(status)s.") % {"status": offer.get_status_display()})
    if reason not in VacancyOffer.ReturnReason.values:
        raise ValidationError(_("Vælg en årsag."))
    proposed = Placement.objects.select_for_update(of=("self",)).select_related("case", "offer")
    for placement in proposed.filter(offer=offer, status=Placement.Status.PROPOSED):
        _decline(placement, by=by, reason=_("Boligen blev returneret"), event="placement.offer_returned", reoffer=False)
    return housing.offer_outcome_record(offer=offer, by=by, status=VacancyOffer.Status.RETURNED, return_reason=reason)


def _active_placement(case: Case) -> Placement | None:
    return case.placements.filter(status__in=Placement.ACTIVE).first()


@transaction.atomic
def placement_propose(*, case: Case, offer: VacancyOffer, by: User) -> Placement:
    """Propose an offered dwelling to a citizen. Never in a department under allocation stop."""
    offer = VacancyOffer.objects.select_for_update().select_related("dwelling__department").get(pk=offer.pk)
    department = offer.dwelling.department
    if department.allocation_stop:
        raise ValidationError(
            _(
                "%(department)s har anvisningsstop, så kommunen kan ikke anvise boligen. "
                "Returnér den med årsagen anvisningsstop."
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
    audit(placement, by=by, event="placement.propose", created=True, case=case.reference, offer=offer.pk)
    housing.offer_outcome_record(offer=offer, by=by, status=VacancyOffer.Status.MATCHED)
    return placement


@transaction.atomic
def placement_supported_accommodation(
    *,
    case: Case,
    by: User,
    provider: str,
    kind: str = Placement.Kind.SUPPORTED_ACCOMMODATION,
    submission_token: uuid.UUID | None = None,
) -> Placement:
    """Record a decision about supported accommodation (botilbud) or an unconventional home."""
    if not provider.strip():
        raise ValidationError({"provider": _("Skriv botilbuddets navn.")})
    case = Case.objects.select_for_update().get(pk=case.pk)  # one decision at a time per case
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
    placement, created = save_once(placement, case=case)
    if created:
        audit(placement, by=by, event="placement.supported_accommodation", created=True, case=case.reference)
    return placement


def _advance(placement: Placement, *, step: str) -> tuple[Placement, str | None]:
    """Lock the placement and take one step (Placement.STEPS). Returns the placement and
    the status it came from, or None when the step was already taken (a double submit):
    that changes nothing and must have no side effects."""
    # Lock only the placement row: PostgreSQL refuses FOR UPDATE across the nullable offer join.
    placement = (
        Placement.objects.select_for_update(of=("self",))
        .select_related("case", "offer__dwelling__department")
        .get(pk=placement.pk)
    )
    _from, to = Placement.STEPS[step]
    if placement.status == to:
        return placement, None
    if not placement.case.is_open and step not in Placement.STEPS_ON_A_CLOSED_CASE:
        raise ValidationError(_("Sagen er lukket."))
    if not placement.allows(step):
        raise ValidationError(
            _("Boligen kan ikke gå fra '%(current)s' til '%(next)s'.")
            % {"current": placement.get_status_display(), "next": Placement.Status(to).label}
        )
    previous, placement.status = placement.status, to
    return placement, previous


def _step_taken(placement: Placement, *, by: User, previous: str, event: str) -> None:
    """Save a step towards the home, log it, and tell the offer how far it has come
    (the placement's statuses and the offer's steps share their codes)."""
    placement.save(update_fields=["status", "move_in_on", "lease_signed_on", "moved_out_on", "move_out_reason"])
    audit(
        placement,
        by=by,
        event=event,
        changes={"status": (previous, placement.status)},
        case=placement.case.reference,
        move_in_on=placement.move_in_on,
    )
    if placement.offer is not None:
        housing.offer_outcome_record(
            offer=placement.offer,
            by=by,
            status=VacancyOffer.Status.ACCEPTED,
            step=VacancyOffer.Step(placement.status),
            move_in_on=placement.move_in_on,
        )


def _move_in_support(placement: Placement, offer: VacancyOffer) -> None:
    """The advisors covering the home's district are told, so they can help with the
    move-in. The e-mail names the department and the date, never the citizen."""
    department = offer.dwelling.department
    context = {
        "reference": placement.case.reference,
        "department": department.name,
        "move_in_on": placement.move_in_on,
        "link_path": reverse("start"),
    }
    for user in advisor_users_covering(department.district_id):
        notification_queue(
            recipient=user, template="move_in_coming", context=context, dedupe_key=f"move-in:{placement.pk}:{user.pk}"
        )


@transaction.atomic
def placement_accept(*, placement: Placement, by: User, move_in_on: date | None = None) -> Placement:
    """The citizen says yes. The district's advisors are told, for move-in support."""
    placement, previous = _advance(placement, step="accept")
    if previous is not None:
        placement.move_in_on = move_in_on or placement.move_in_on
        _step_taken(placement, by=by, previous=previous, event="placement.accept")
        if placement.offer is not None:
            _move_in_support(placement, placement.offer)
    return placement


@transaction.atomic
def placement_decline(*, placement: Placement, by: User, reason: str) -> Placement:
    """The citizen says no, before or after saying yes; the dwelling is offered again."""
    if not reason.strip():
        raise ValidationError({"reason": _("Skriv, hvorfor borgeren siger nej.")})
    placement, previous = _advance(placement, step="decline")
    if previous is not None:  # declined before: the dwelling may already be someone else's
        _decline(placement, by=by, reason=reason.strip(), event="placement.decline", previous=previous)
    return placement


@transaction.atomic
def placement_withdraw(*, placement: Placement, by: User) -> Placement:
    """The caseworker takes a proposal back before the citizen has answered."""
    placement, previous = _advance(placement, step="withdraw")
    if previous is not None:
        _decline(
            placement, by=by, reason=_("Forslaget blev trukket tilbage"), event="placement.withdraw", previous=previous
        )
    return placement


@transaction.atomic
def placement_lease_signed(*, placement: Placement, by: User, signed_on: date | None = None) -> Placement:
    """The citizen has signed the lease (today, unless another day is given)."""
    signed_on = signed_on or timezone.localdate()
    if signed_on > timezone.localdate():
        raise ValidationError({"move_in_on": _("Lejekontrakten kan ikke være underskrevet i fremtiden.")})
    placement, previous = _advance(placement, step="lease")
    if previous is not None:
        placement.lease_signed_on = signed_on
        _step_taken(placement, by=by, previous=previous, event="placement.lease")
    return placement


@transaction.atomic
def placement_move_in(*, placement: Placement, by: User, move_in_on: date) -> Placement:
    """The citizen has moved in: recorded on or after the day itself, never before the
    lease was signed."""
    if move_in_on > timezone.localdate():
        raise ValidationError(
            {
                "move_in_on": _(
                    "Indflytningen kan først registreres på indflytningsdagen. Brug »Registrér borgerens ja« "
                    "til en planlagt dato."
                )
            }
        )
    placement, previous = _advance(placement, step="move_in")
    if previous is not None:
        if placement.lease_signed_on and move_in_on < placement.lease_signed_on:
            raise ValidationError(
                {
                    "move_in_on": _("Indflytningen kan ikke ligge før lejekontrakten blev underskrevet (%(date)s).")
                    % {"date": date_format(placement.lease_signed_on, "j. F Y")}
                }
            )
        placement.move_in_on = move_in_on
        _step_taken(placement, by=by, previous=previous, event="placement.move_in")
    return placement


@transaction.atomic
def placement_move_out(*, placement: Placement, by: User, moved_out_on: date, reason: str) -> Placement:
    """The citizen has moved out (fraflytning): the dwelling is free to be offered again,
    and the citizen may be helped to a new home."""
    if reason not in Placement.MoveOutReason.values:
        raise ValidationError({"reason": _("Vælg, hvorfor borgeren er flyttet.")})
    if moved_out_on > timezone.localdate():
        raise ValidationError({"moved_out_on": _("Fraflytningen kan først registreres, når den er sket.")})
    placement, previous = _advance(placement, step="move_out")
    if previous is not None:
        if placement.move_in_on and moved_out_on < placement.move_in_on:
            raise ValidationError(
                {
                    "moved_out_on": _("Fraflytningen kan ikke ligge før indflytningen (%(date)s).")
                    % {"date": date_format(placement.move_in_on, "j. F Y")}
                }
            )
        placement.moved_out_on, placement.move_out_reason = moved_out_on, reason
        _step_taken(placement, by=by, previous=previous, event="placement.move_out")
    return placement


@transaction.atomic
def offer_move_out_report(*, offer: VacancyOffer, by: User, moved_out_on: date, reason: str) -> VacancyOffer:
    """The association, as landlord, reports that the tenant allocated to the home has
    moved out: the placement records the move-out (the caseworkers are told) and the
    dwelling can be offered again. The association still never learns who it was."""
    staff = association_staff_of(by)
    if staff is None or offer.dwelling.department.organisation_id != staff.organisation_id:
        raise ValidationError(_("Du kan kun melde fraflytning fra jeres egne boliger."))
    placement = Placement.objects.filter(offer=offer, status=Placement.Status.MOVED_IN).first()
    if placement is None:
        if offer.step != VacancyOffer.Step.MOVED_IN:
            raise ValidationError(_("Ingen borger er registreret som flyttet ind i boligen."))
        # Allocated before placements kept their move-ins: the offer alone records it.
        return housing.offer_outcome_record(
            offer=offer, by=by, status=offer.status, step=VacancyOffer.Step.MOVED_OUT, move_in_on=offer.move_in_on
        )
    placement_move_out(placement=placement, by=by, moved_out_on=moved_out_on, reason=reason)
    context = {"reference": placement.case.reference, "department": offer.dwelling.department.name}
    for user in case_workers(placement.case):
        notification_queue(
            recipient=user,
            template="move_out_reported",
            context={**context, "link_path": reverse("cases:detail", args=[placement.case.reference])},
            dedupe_key=f"move-out:{placement.pk}:{user.pk}",
        )
    offer.refresh_from_db()
    return offer


@transaction.atomic
def offer_withdraw(*, offer: VacancyOffer, by: User) -> VacancyOffer:
    """The association takes an offer back before any citizen has said yes to it; a
    citizen only proposed is told by the caseworker (the proposal is declined)."""
    staff = association_staff_of(by)
    offer = _lock_placements_then_offer(offer)
    if staff is None or offer.dwelling.department.organisation_id != staff.organisation_id:
        raise ValidationError(_("Du kan kun trække jeres egne tilbud tilbage."))
    if offer.status == VacancyOffer.Status.WITHDRAWN:
        return offer  # a double click
    if offer.status not in VacancyOffer.WITHDRAWABLE:
        raise ValidationError(
            _("Tilbuddet kan ikke trækkes tilbage: boligen er %(status)s.") % {"status": offer.get_status_display()}
        )
    proposed = Placement.objects.select_for_update(of=("self",)).select_related("case", "offer")
    for placement in proposed.filter(offer=offer, status=Placement.Status.PROPOSED):
        _decline(
            placement,
            by=by,
            reason=_("Boligorganisationen trak tilbuddet tilbage"),
            event="placement.offer_withdrawn",
            reoffer=False,
        )
    return housing.offer_outcome_record(offer=offer, by=by, status=VacancyOffer.Status.WITHDRAWN)


@transaction.atomic
def placements_release(*, case: Case, by: User, reason: str) -> None:
    """Before a case closes: a home only proposed goes back to the allocation, and a
    home the citizen has said yes to must be moved into or declined first."""
    placements = Placement.objects.select_for_update(of=("self",)).select_related("case", "offer").filter(case=case)
    if placements.filter(status__in=(Placement.Status.ACCEPTED, Placement.Status.LEASE_SIGNED), offer__isnull=False):
        raise ValidationError(
            _("Borgeren har sagt ja til en bolig. Registrér indflytningen eller borgerens nej, før sagen lukkes.")
        )
    for placement in placements.filter(status=Placement.Status.PROPOSED):
        _decline(placement, by=by, reason=reason, event="placement.release")


@transaction.atomic
def subsidy_grant(
    *,
    placement: Placement,
    by: User,
    monthly_amount: int,
    starts_on: date,
    ends_on: date,
    submission_token: uuid.UUID | None = None,
) -> RentSubsidy:
    """A municipal rent subsidy for at most five years (udslusningsbolig)."""
    if existing := existing_submission(RentSubsidy, submission_token, placement=placement):
        return existing
    placement = Placement.objects.select_for_update(of=("self",)).select_related("case").get(pk=placement.pk)
    if not placement.case.is_open:
        raise ValidationError(_("Sagen er lukket."))
    if not placement.allows_subsidy:
        raise ValidationError(_("Huslejetilskud gives til en bolig, borgeren har sagt ja til."))
    subsidy = RentSubsidy(
        placement=placement,
        monthly_amount=monthly_amount,
        starts_on=starts_on,
        ends_on=ends_on,
        submission_token=submission_token,
    )
    subsidy.full_clean(exclude=["placement", "submission_token"])
    subsidy, created = save_once(subsidy, placement=placement)
    if created:
        audit(
            subsidy,
            by=by,
            event="subsidy.grant",
            created=True,
            case=placement.case.reference,
            monthly_amount=monthly_amount,
            ends_on=ends_on,
        )
    return subsidy
