"""Writes with rules about the housing world's data: vacancy offers and their outcome.

Who may offer and what becomes of an offer are decided above (cases): these services
keep the offer's own rules and write its history.
"""

import uuid
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.audit import audit
from config.submissions import existing_submission, save_once
from housing.models import Dwelling, HousingOrganisation, VacancyOffer

# A home offered long after it became vacant is a typing error (a wrong year).
AVAILABLE_FROM_DAYS_BACK = 30


def dwelling_is_taken(dwelling: Dwelling) -> bool:
    """A citizen has the home through the allocation (said yes, signed or moved in) and no
    move-out is recorded: it cannot be offered again."""
    return VacancyOffer.objects.filter(
        dwelling=dwelling, status=VacancyOffer.Status.ACCEPTED, step__in=VacancyOffer.TAKEN_STEPS
    ).exists()


@transaction.atomic
def offer_create(
    *,
    by: User,
    organisation: HousingOrganisation,
    dwelling: Dwelling,
    monthly_rent: Decimal,
    available_from: date,
    answer_by: date,
    offered_on: date | None = None,
    submission_token: uuid.UUID | None = None,
) -> VacancyOffer:
    """Record a vacant dwelling of the organisation as offered to the municipality.
    One offer at a time per dwelling."""
    if existing := existing_submission(VacancyOffer, submission_token, offered_by=by):
        return existing
    if dwelling.department.organisation_id != organisation.pk:
        raise ValidationError(_("Du kan kun tilbyde boliger fra din egen boligorganisation."))
    Dwelling.objects.select_for_update().filter(pk=dwelling.pk).first()  # one offer at a time per dwelling
    if existing := existing_submission(VacancyOffer, submission_token, offered_by=by):
        return existing  # the other post of a double submit got here first
    if VacancyOffer.objects.filter(dwelling=dwelling, status__in=VacancyOffer.OPEN_STATUSES).exists():
        raise ValidationError({"dwelling": _("Lejemålet er allerede tilbudt kommunen og venter på svar.")})
    if dwelling_is_taken(dwelling):
        raise ValidationError(
            {
                "dwelling": _(
                    "En borger har sagt ja til lejemålet gennem kommunens anvisning. Det kan tilbydes igen, "
                    "når fraflytningen er registreret."
                )
            }
        )
    if dwelling.department.allocation_stop:
        raise ValidationError(
            {
                "dwelling": _(
                    "%(department)s har anvisningsstop, så kommunen kan ikke anvise boligen. Udlej den på "
                    "almindelig vis."
                )
                % {"department": dwelling.department.name}
            }
        )
    if available_from < timezone.localdate() - timedelta(days=AVAILABLE_FROM_DAYS_BACK):
        raise ValidationError(
            {
                "available_from": _(
                    "Ledig fra-datoen ligger mere end %(days)s dage tilbage. Skriv den dato, boligen er ledig fra."
                )
                % {"days": AVAILABLE_FROM_DAYS_BACK}
            }
        )
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
    offer, created = save_once(offer, offered_by=by)
    if created:
        audit(offer, by=by, event="offer.create", created=True, dwelling=dwelling.pk, monthly_rent=monthly_rent)
    return offer


@transaction.atomic
def offer_outcome_record(
    *,
    offer: VacancyOffer,
    by: User,
    status: str,
    step: str = "",
    move_in_on: date | None = None,
    return_reason: str = "",
) -> VacancyOffer:
    """Record what became of an offer: a citizen proposed, accepted (and how far the
    move has come), offered again or returned. Never who the citizen is."""
    offer = VacancyOffer.objects.select_for_update().get(pk=offer.pk)
    new = {"status": status, "step": step, "move_in_on": move_in_on, "return_reason": return_reason}
    changes = {field: (getattr(offer, field), value) for field, value in new.items() if getattr(offer, field) != value}
    if not changes:
        return offer
    for field, value in new.items():
        setattr(offer, field, value)
    offer.save(update_fields=list(changes))
    audit(offer, by=by, event="offer.outcome", changes=changes)
    return offer
