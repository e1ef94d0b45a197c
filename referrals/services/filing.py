"""Filing a concern: the contact person's form, the acknowledgement deadline, the home's key."""

import functools
import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

import holidays
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from config.references import next_reference
from contacts.models import Appointment
from contacts.selectors import advisor_users_covering, rules_accepted
from housing.models import Department, Dwelling
from notifications.services import Outgoing, notifications_queue
from referrals.models import AcuteReason, Category, Referral, ReferralCategory, StatusChange, category_mask
from referrals.services.history import email_context, record


@functools.lru_cache(maxsize=4)
def _closed_days(year: int) -> holidays.HolidayBase:
    # Public holidays plus the days municipal offices close (Christmas Eve, New Year's
    # Eve, Constitution Day, 1 May): python-holidays' "optional" category for Denmark.
    return holidays.country_holidays("DK", years=range(year, year + 2), categories=("public", "optional"))


def acknowledge_deadline(start: datetime, working_days: int | None = None, *, acute: bool = False) -> datetime:
    """The moment a concern filed at `start` must be acknowledged by: N Danish working
    days on, or for an acute concern a few hours of office time (the same working day
    when it comes in early enough)."""
    if acute:
        return _office_hours_on(start, hours=settings.REFERRAL_ACUTE_ACK_OFFICE_HOURS)
    days = settings.REFERRAL_ACK_WORKING_DAYS if working_days is None else working_days
    local = timezone.localtime(start)
    closed = _closed_days(local.year)
    current = local
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current.date() not in closed:
            days -= 1
    return current


def _office_hours_on(start: datetime, *, hours: float) -> datetime:
    """`hours` of office time (OFFICE_OPENS to OFFICE_CLOSES on working days) after start."""
    local = timezone.localtime(start)
    closed = _closed_days(local.year)
    remaining = timedelta(hours=hours)
    current = local
    while True:
        opens = current.replace(hour=settings.OFFICE_OPENS, minute=0, second=0, microsecond=0)
        closes = current.replace(hour=settings.OFFICE_CLOSES, minute=0, second=0, microsecond=0)
        if current.weekday() >= 5 or current.date() in closed or current >= closes:
            current = (opens + timedelta(days=1)).replace(hour=0)
            continue
        current = max(current, opens)
        if current + remaining <= closes:
            return current + remaining
        remaining -= closes - current
        current = (opens + timedelta(days=1)).replace(hour=0)


def place_key(address: str, unit: str) -> str:
    """Normalise address + unit so "Blågårdsvej 10, 2. th" and "blågårdsvej  10 2.th." match."""

    def norm(text: str) -> str:
        return "".join(ch for ch in text.casefold() if ch.isalnum())

    return f"{norm(address)}|{norm(unit)}"


def referral_file(
    *,
    reporter: User,
    department: Department,
    description: str,
    source: str,
    categories: Iterable[str],
    dwelling: Dwelling | None = None,
    address: str = "",
    unit: str = "",
    resident_name: str = "",
    children_present: str = Referral.Children.UNKNOWN,
    observed_on: date | None = None,
    acute_reasons: Iterable[str] = (),
    submission_token: uuid.UUID | None = None,
) -> tuple[Referral, bool]:
    """File a concern for a department the reporter serves. Returns (referral, created).

    Posting the same form twice (same submission token) returns the first concern.
    """
    if submission_token:
        existing = Referral.objects.filter(submission_token=submission_token, reporter=reporter).first()
        if existing:
            return existing, False
    if not Appointment.objects.filter(
        contact_person__user=reporter, contact_person__active=True, department=department
    ).exists():
        raise ValidationError(_("Du kan kun melde bekymringer for de afdelinger, du er kontaktperson for."))
    if not rules_accepted(reporter):
        raise ValidationError(_("Du skal læse og acceptere reglerne om tavshedspligt, før du kan melde en bekymring."))
    categories = set(categories)
    if not categories or not categories <= set(Category.values):
        raise ValidationError(_("Vælg mindst én ting, du er bekymret for."))
    if not set(acute_reasons) <= set(AcuteReason.values):
        raise ValidationError(_("Ukendt akut situation."))
    if dwelling is not None:
        if dwelling.department_id != department.pk:
            raise ValidationError(_("Lejemålet hører ikke til den valgte afdeling."))
        address, unit = dwelling.address, dwelling.unit
    if not address.strip():
        raise ValidationError(_("Vælg et lejemål, eller skriv adressen."))
    sent = {
        "address": address,
        "unit": unit,
        "description": description,
        "resident_name": resident_name,
        "children_present": children_present,
        "observed_on": observed_on,
        "source": source,
        "categories": categories,
        "acute_reasons": set(acute_reasons),
    }
    if repeat := _same_concern_just_filed(reporter, department, dwelling, sent):
        return repeat, False  # the form sent again (the back button): the first concern stands
    fields: dict[str, Any] = {
        "reporter": reporter,
        "dwelling": dwelling,
        "address": address.strip(),
        "unit": unit.strip(),
        "resident_name": resident_name.strip(),
        "children_present": children_present,
        "description": description,
        "observed_on": observed_on,
        "source": source,
        "categories": categories,
        "acute_reasons": list(acute_reasons),
        "submission_token": submission_token,
    }
    try:
        referral = _create_in_current_district(department, fields)
    except IntegrityError:
        # Two posts of the same form raced; the other one won.
        existing = Referral.objects.filter(submission_token=submission_token, reporter=reporter).first()
        if submission_token and existing:
            return existing, False
        if submission_token and Referral.objects.filter(submission_token=submission_token).exists():
            # Someone else's token: refuse politely rather than fail with a 500.
            raise ValidationError(_("Formularen er allerede brugt. Indlæs siden igen, og prøv igen.")) from None
        raise
    return referral, True


def _create_in_current_district(department: Department, fields: dict[str, Any]) -> Referral:
    """The concern; once more with the department as it is now if it moved to another
    district since the form loaded it (PostgreSQL refuses the old district: referrals 0012)."""
    try:
        with transaction.atomic():
            return _create_referral(department=department, **fields)
    except IntegrityError:
        moved = Department.objects.filter(pk=department.pk).exclude(district_id=department.district_id).first()
        if moved is None:
            raise
        with transaction.atomic():
            return _create_referral(department=moved, **fields)


# The same concern from the same reporter within this time is the same concern sent twice.
REPEAT_WINDOW = timedelta(hours=1)


def _same_concern_just_filed(
    reporter: User, department: Department, dwelling: Dwelling | None, sent: dict[str, Any]
) -> Referral | None:
    """The concern this reporter filed within the hour with exactly what was sent now
    (home, words, acute situation, children, categories …), if any: a restored form
    (the back button) must not make a second one. Anything changed is a new concern."""
    recent = Referral.objects.filter(
        reporter=reporter, department=department, created_at__gte=timezone.now() - REPEAT_WINDOW
    ).prefetch_related("categories")
    key = place_key(sent["address"], sent["unit"])
    recent = recent.filter(dwelling=dwelling) if dwelling is not None else recent.filter(place_key=key)
    # Only what could be the same concern leaves the database: a busy reporter's hour of
    # other concerns is not loaded (with its categories) to be compared here.
    recent = recent.filter(
        resident_name=sent["resident_name"].strip(),
        children_present=sent["children_present"],
        observed_on=sent["observed_on"],
        source=sent["source"],
    )
    for word in {*sent["description"].split()[:1], *sent["description"].split()[-1:]}:
        recent = recent.filter(description__contains=word)

    def words(text: str) -> str:
        return " ".join(text.split())

    for referral in recent.order_by("-created_at"):
        if (
            words(referral.description) == words(sent["description"])
            and referral.resident_name == sent["resident_name"].strip()
            and referral.children_present == sent["children_present"]
            and referral.observed_on == sent["observed_on"]
            and referral.source == sent["source"]
            and set(referral.acute_reasons) == sent["acute_reasons"]
            and {category.code for category in referral.categories.all()} == sent["categories"]
        ):
            return referral
    return None


def _create_referral(*, categories: set[str], acute_reasons: list[str], **fields: Any) -> Referral:
    now = timezone.now()
    referral = Referral(
        **fields,
        reference=next_reference("BH"),
        place_key=place_key(fields["address"], fields["unit"]),
        is_acute=bool(acute_reasons),
        acute_reasons=sorted(set(acute_reasons)),
        category_mask=category_mask(categories),
        created_at=now,
        acknowledge_due_at=acknowledge_deadline(now, acute=bool(acute_reasons)),
    )
    # The database keeps the reference and the one-time token unique and the status
    # consistent (its constraints); asking it first would cost a query each per filing.
    referral.full_clean(
        exclude=["reporter", "department", "dwelling", "acknowledge_due_at"],
        validate_unique=False,
        validate_constraints=False,
    )
    referral.save()
    ReferralCategory.objects.bulk_create(
        [ReferralCategory(referral=referral, code=code) for code in sorted(set(categories))]
    )
    record(
        referral, event=StatusChange.Event.FILED, actor=referral.reporter, detail=_("Akut") if referral.is_acute else ""
    )
    context = email_context(referral)
    # One insert and, after commit, one message to the broker for all of them.
    notifications_queue(
        [
            Outgoing(advisor, "referral_filed", context)
            for advisor in advisor_users_covering(referral.department.district_id)
        ]
        + [Outgoing(referral.reporter, "referral_receipt", context)]
    )
    return referral
