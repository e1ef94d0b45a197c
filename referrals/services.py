"""Every write with rules about concerns: filing, triage, consent, messages, closing.

Each service runs in one transaction, writes the status history itself and queues
its notifications in the outbox in the same transaction.
"""

import uuid
from collections.abc import Iterable
from datetime import date, datetime, timedelta

import holidays
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from config.references import next_reference
from config.submissions import existing_submission, save_once
from contacts.models import CONCERN_FUNCTIONS, Advisor, Appointment
from contacts.selectors import rules_accepted
from housing.models import Department, Dwelling
from notifications.services import notification_queue
from referrals.models import (
    AcuteReason,
    Category,
    ConsentRecord,
    FollowUp,
    InternalNote,
    Referral,
    ReferralCategory,
    ReporterMessage,
    StatusChange,
)

GRANTED_PERMS = ("view_referral", "change_referral")


def acknowledge_deadline(start: datetime, working_days: int | None = None) -> datetime:
    """The moment a concern filed at `start` must be acknowledged by: N Danish working days on."""
    days = settings.REFERRAL_ACK_WORKING_DAYS if working_days is None else working_days
    local = timezone.localtime(start)
    # Public holidays plus the days municipal offices close (Christmas Eve, New Year's
    # Eve, Constitution Day, 1 May): python-holidays' "optional" category for Denmark.
    danish_holidays = holidays.country_holidays(
        "DK", years=range(local.year, local.year + 2), categories=("public", "optional")
    )
    current = local
    while days > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current.date() not in danish_holidays:
            days -= 1
    return current


def place_key(address: str, unit: str) -> str:
    """Normalise address + unit so "Blågårdsvej 10, 2. th" and "blågårdsvej  10 2.th." match."""

    def norm(text: str) -> str:
        return "".join(ch for ch in text.casefold() if ch.isalnum())

    return f"{norm(address)}|{norm(unit)}"


def email_context(referral: Referral) -> dict:
    """What an e-mail about a concern may say: reference, department, acute or not, a link."""
    return {
        "reference": referral.reference,
        "department": referral.department.name,
        "is_acute": referral.is_acute,
        "link_path": reverse("referrals:detail", args=[referral.reference]),
    }


def _history(referral: Referral, *, event: str, actor, from_status: str = "", detail: str = "") -> None:
    StatusChange.objects.create(
        referral=referral,
        event=event,
        actor=actor,
        from_status=from_status,
        to_status=referral.status,
        detail=detail[:200],
    )


def district_advisors(department: Department) -> list:
    """The users who receive a district's concerns: active advisors covering it."""
    return [
        advisor.user
        for advisor in Advisor.objects.filter(
            districts=department.district_id, active=True, user__is_active=True, function__in=CONCERN_FUNCTIONS
        ).select_related("user")
    ]


def referral_file(
    *,
    reporter,
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
    try:
        with transaction.atomic():
            referral = _create_referral(
                reporter=reporter,
                department=department,
                dwelling=dwelling,
                address=address.strip(),
                unit=unit.strip(),
                resident_name=resident_name.strip(),
                children_present=children_present,
                description=description,
                observed_on=observed_on,
                source=source,
                categories=categories,
                acute_reasons=list(acute_reasons),
                submission_token=submission_token,
            )
    except IntegrityError:
        # Two posts of the same form raced; the other one won.
        existing = Referral.objects.filter(submission_token=submission_token, reporter=reporter).first()
        if submission_token and existing:
            return existing, False
        raise
    return referral, True


def _create_referral(*, categories, acute_reasons, **fields) -> Referral:
    now = timezone.now()
    referral = Referral(
        **fields,
        reference=next_reference("BH"),
        place_key=place_key(fields["address"], fields["unit"]),
        is_acute=bool(acute_reasons),
        acute_reasons=sorted(set(acute_reasons)),
        created_at=now,
        acknowledge_due_at=acknowledge_deadline(now),
    )
    referral.full_clean(exclude=["reporter", "department", "dwelling", "acknowledge_due_at"])
    referral.save()
    ReferralCategory.objects.bulk_create(
        [ReferralCategory(referral=referral, code=code) for code in sorted(set(categories))]
    )
    _history(
        referral, event=StatusChange.Event.FILED, actor=referral.reporter, detail=_("Akut") if referral.is_acute else ""
    )
    for advisor in district_advisors(referral.department):
        notification_queue(recipient=advisor, template="referral_filed", context=email_context(referral))
    notification_queue(recipient=referral.reporter, template="referral_receipt", context=email_context(referral))
    return referral


@transaction.atomic
def referral_acknowledge(*, referral: Referral, by) -> Referral:
    """The advisors have seen the concern and take it on. Doing it twice changes nothing."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != Referral.Status.RECEIVED:
        return referral
    referral.status = Referral.Status.IN_PROGRESS
    referral.acknowledged_at = timezone.now()
    referral.acknowledged_by = by
    referral.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
    _history(referral, event=StatusChange.Event.ACKNOWLEDGED, actor=by, from_status=Referral.Status.RECEIVED)
    return referral


@transaction.atomic
def referral_assign(*, referral: Referral, by, assignee) -> Referral:
    """Give the concern to an advisor; one outside the district gets an object grant."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status == Referral.Status.CLOSED:
        raise ValidationError(_("Henvendelsen er afsluttet og kan ikke tildeles."))
    if not Advisor.objects.filter(
        user=assignee, active=True, function__in=CONCERN_FUNCTIONS, user__is_active=True
    ).exists():
        raise ValidationError(_("Henvendelser kan kun tildeles aktive boligrådgivere."))
    previous = referral.assigned_to
    if previous is not None and previous != assignee:
        for perm in GRANTED_PERMS:
            remove_perm(f"referrals.{perm}", previous, referral)
    covers_district = Advisor.objects.filter(user=assignee, districts=referral.department.district_id).exists()
    if not covers_district:
        for perm in GRANTED_PERMS:
            assign_perm(f"referrals.{perm}", assignee, referral)
    if referral.status == Referral.Status.RECEIVED:
        referral.status = Referral.Status.IN_PROGRESS
        referral.acknowledged_at = timezone.now()
        referral.acknowledged_by = by
        _history(referral, event=StatusChange.Event.ACKNOWLEDGED, actor=by, from_status=Referral.Status.RECEIVED)
    referral.assigned_to = assignee
    referral.save(update_fields=["assigned_to", "status", "acknowledged_at", "acknowledged_by", "updated_at"])
    _history(referral, event=StatusChange.Event.ASSIGNED, actor=by, detail=assignee.get_full_name())
    if assignee != by:
        notification_queue(recipient=assignee, template="referral_assigned", context=email_context(referral))
    return referral


@transaction.atomic
def referral_note_add(*, referral: Referral, by, text: str, submission_token: uuid.UUID | None = None) -> InternalNote:
    """An advisor's internal note. Posting the same form twice saves one note."""
    scope = {"referral": referral, "author": by}
    if existing := existing_submission(InternalNote, submission_token, **scope):
        return existing
    note = InternalNote(referral=referral, author=by, text=text.strip(), submission_token=submission_token)
    note.full_clean(exclude=["referral", "author", "submission_token"])
    note, created = save_once(note, **scope)
    if created:
        _history(referral, event=StatusChange.Event.NOTE_ADDED, actor=by)
    return note


@transaction.atomic
def referral_consent_record(
    *, referral: Referral, by, given: bool, method: str, submission_token: uuid.UUID | None = None
) -> ConsentRecord:
    """Record the resident's consent (or its withdrawal) to share progress with the reporter.

    Posting the same form twice records it once.
    """
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    # Looked up under the lock: the second post of a double submit waits for the first.
    scope = {"referral": referral, "recorded_by": by}
    if existing := existing_submission(ConsentRecord, submission_token, **scope):
        return existing
    record, created = save_once(
        ConsentRecord(referral=referral, given=given, method=method, recorded_by=by, submission_token=submission_token),
        **scope,
    )
    if not created:
        return record
    referral.consent_to_share = given
    referral.save(update_fields=["consent_to_share", "updated_at"])
    _history(
        referral,
        event=StatusChange.Event.CONSENT_GIVEN if given else StatusChange.Event.CONSENT_WITHDRAWN,
        actor=by,
        detail=record.get_method_display(),
    )
    return record


@transaction.atomic
def referral_message_send(
    *, referral: Referral, by, text: str, shareable: bool, submission_token: uuid.UUID | None = None
) -> ReporterMessage:
    """Write to the reporter. They see it only if shareable and consent is recorded."""
    referral = Referral.objects.get(pk=referral.pk)
    scope = {"referral": referral, "author": by}
    if existing := existing_submission(ReporterMessage, submission_token, **scope):
        return existing
    message = ReporterMessage(
        referral=referral, author=by, text=text.strip(), shareable=shareable, submission_token=submission_token
    )
    message.full_clean(exclude=["referral", "author", "submission_token"])
    message, created = save_once(message, **scope)
    if not created:
        return message
    _history(
        referral,
        event=StatusChange.Event.MESSAGE_SENT,
        actor=by,
        detail=_("Kan deles") if shareable else _("Deles ikke"),
    )
    from referrals.selectors import reporter_may_hear_more

    if shareable and reporter_may_hear_more(referral):
        notification_queue(recipient=referral.reporter, template="referral_message", context=email_context(referral))
    return message


@transaction.atomic
def followup_add(*, referral: Referral, by, text: str, submission_token: uuid.UUID | None = None) -> FollowUp:
    """The reporter adds to their concern; it reaches the assigned advisor (or the district's)."""
    referral = Referral.objects.select_related("department", "assigned_to").get(pk=referral.pk)
    if referral.reporter_id != by.pk:
        raise ValidationError(_("Kun den, der har meldt bekymringen, kan tilføje en opfølgning."))
    scope = {"referral": referral, "author": by}
    if existing := existing_submission(FollowUp, submission_token, **scope):
        return existing
    follow_up = FollowUp(referral=referral, author=by, text=text.strip(), submission_token=submission_token)
    follow_up.full_clean(exclude=["referral", "author", "submission_token"])
    follow_up, created = save_once(follow_up, **scope)
    if not created:
        return follow_up
    _history(referral, event=StatusChange.Event.FOLLOW_UP, actor=by)
    recipients = [referral.assigned_to] if referral.assigned_to else district_advisors(referral.department)
    for recipient in recipients:
        notification_queue(recipient=recipient, template="followup_added", context=email_context(referral))
    return follow_up


@transaction.atomic
def referral_close(*, referral: Referral, by, outcome: str, duplicate_of: Referral | None = None) -> Referral:
    """Close with an outcome; a duplicate names the concern it repeats. The reporter is told."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status == Referral.Status.CLOSED:
        return referral
    if outcome not in Referral.Outcome.values:
        raise ValidationError(_("Vælg et udfald."))
    if outcome == Referral.Outcome.DUPLICATE:
        if duplicate_of is None:
            raise ValidationError(_("Angiv referencen på den henvendelse, den er en dublet af."))
        if duplicate_of.pk == referral.pk:
            raise ValidationError(_("En henvendelse kan ikke være en dublet af sig selv."))
        # The link (and the history line) shows the other reference to everyone who
        # sees this concern: it must come from the same district.
        if duplicate_of.department.district_id != referral.department.district_id:
            raise ValidationError(_("En dublet skal være en henvendelse fra samme byområde."))
    previous = referral.status
    referral.status = Referral.Status.CLOSED
    referral.outcome = outcome
    referral.duplicate_of = duplicate_of if outcome == Referral.Outcome.DUPLICATE else None
    referral.closed_at = timezone.now()
    referral.save(update_fields=["status", "outcome", "duplicate_of", "closed_at", "updated_at"])
    _history(
        referral,
        event=StatusChange.Event.CLOSED,
        actor=by,
        from_status=previous,
        detail=referral.get_outcome_display() + (f" ({duplicate_of.reference})" if referral.duplicate_of else ""),
    )
    notification_queue(recipient=referral.reporter, template="referral_closed", context=email_context(referral))
    return referral


def referrals_remind_unacknowledged(*, now: datetime | None = None) -> int:
    """Remind the district's advisors once about every concern past its acknowledgement deadline."""
    now = now or timezone.now()
    queued = 0
    overdue = Referral.objects.filter(status=Referral.Status.RECEIVED, acknowledge_due_at__lt=now).select_related(
        "department"
    )
    for referral in overdue.iterator():
        with transaction.atomic():
            for advisor in district_advisors(referral.department):
                if notification_queue(
                    recipient=advisor,
                    template="referral_unacknowledged",
                    context=email_context(referral),
                    dedupe_key=f"unacknowledged:{referral.pk}:{advisor.pk}",
                ):
                    queued += 1
    return queued
