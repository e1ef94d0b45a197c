"""The bridge from a concern to a citizen's case: concerns may know cases, never the reverse."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case
from cases.services.citizens import citizen_case_open
from referrals.models import Referral, StatusChange
from referrals.services.handling import referral_close
from referrals.services.history import record


@transaction.atomic
def case_open_from_referral(
    *, referral: Referral, by: User, name: str, max_rent: int, target_group: str, **citizen: Any
) -> Case:
    """Open a housing-social case from a concern and close the concern as "case opened"."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    token = citizen.get("submission_token")
    if token and (existing := Case.objects.filter(submission_token=token, referrals=referral).first()):
        return existing  # the same form posted twice
    if referral.case_id:
        raise ValidationError(_("Henvendelsen er allerede knyttet til en sag."))
    case = citizen_case_open(
        by=by, name=name, max_rent=max_rent, target_group=target_group, kind=Case.Kind.HOUSING_SOCIAL, **citizen
    )
    referral.case = case
    referral.save(update_fields=["case", "updated_at"])
    referral_close(referral=referral, by=by, outcome=Referral.Outcome.CASE_OPENED)
    return case


@transaction.atomic
def referral_link_case(*, referral: Referral, case: Case, by: User) -> Referral:
    """Link a concern to an existing case; the case's consent then governs what the reporter sees."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    previous = referral.case
    referral.case = case
    referral.save(update_fields=["case", "updated_at"])
    record(
        referral,
        event=StatusChange.Event.CASE_LINKED,
        actor=by,
        detail=_("Knyttet til sag %(reference)s") % {"reference": case.reference},
        changes={"case": (previous.reference if previous else None, case.reference)},
    )
    return referral
