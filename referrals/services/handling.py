"""Handling a concern: acknowledge, assign, note, consent, message, follow-up, close, remind."""

import uuid
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from config.submissions import existing_submission, save_once
from contacts.models import CONCERN_FUNCTIONS, Advisor
from contacts.selectors import advisor_users_covering
from notifications.services import notification_queue
from referrals.models import ConsentRecord, FollowUp, InternalNote, Referral, ReporterMessage, StatusChange
from referrals.selectors import reporter_may_hear_more
from referrals.services.history import email_context, record

GRANTED_PERMS = ("view_referral", "change_referral")


@transaction.atomic
def referral_acknowledge(*, referral: Referral, by: User) -> Referral:
    """The advisors have seen the concern and take it on. Doing it twice changes nothing."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status != Referral.Status.RECEIVED:
        return referral
    referral.status = Referral.Status.IN_PROGRESS
    referral.acknowledged_at = timezone.now()
    referral.acknowledged_by = by
    referral.save(update_fields=["status", "acknowledged_at", "acknowledged_by", "updated_at"])
    record(referral, event=StatusChange.Event.ACKNOWLEDGED, actor=by, from_status=Referral.Status.RECEIVED)
    return referral


@transaction.atomic
def referral_assign(*, referral: Referral, by: User, assignee: User) -> Referral:
    """Give the concern to an advisor; one outside the district gets an object grant."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.status == Referral.Status.CLOSED:
        raise ValidationError(_("Henvendelsen er afsluttet og kan ikke tildeles."))
    if not Advisor.objects.filter(
        user=assignee, active=True, function__in=CONCERN_FUNCTIONS, user__is_active=True
    ).exists():
        raise ValidationError(_("Henvendelser kan kun tildeles aktive boligrådgivere."))
    previous, status_before = referral.assigned_to, referral.status
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
        record(
            referral,
            event=StatusChange.Event.ACKNOWLEDGED,
            actor=by,
            from_status=Referral.Status.RECEIVED,
            audited=False,  # the assignment's audit entry below holds the status change
        )
    referral.assigned_to = assignee
    referral.save(update_fields=["assigned_to", "status", "acknowledged_at", "acknowledged_by", "updated_at"])
    record(
        referral,
        event=StatusChange.Event.ASSIGNED,
        actor=by,
        detail=assignee.get_full_name(),
        changes={"assigned_to": (previous.get_username() if previous else None, assignee.get_username())}
        | ({"status": (status_before, referral.status)} if status_before != referral.status else {}),
    )
    if assignee != by:
        notification_queue(recipient=assignee, template="referral_assigned", context=email_context(referral))
    return referral


@transaction.atomic
def referral_note_add(
    *, referral: Referral, by: User, text: str, submission_token: uuid.UUID | None = None
) -> InternalNote:
    """An advisor's internal note. Posting the same form twice saves one note."""
    scope = {"referral": referral, "author": by}
    if existing := existing_submission(InternalNote, submission_token, **scope):
        return existing
    note = InternalNote(referral=referral, author=by, text=text.strip(), submission_token=submission_token)
    note.full_clean(exclude=["referral", "author", "submission_token"])
    note, created = save_once(note, **scope)
    if created:
        record(referral, event=StatusChange.Event.NOTE_ADDED, actor=by)
    return note


@transaction.atomic
def referral_consent_record(
    *, referral: Referral, by: User, given: bool, method: str, submission_token: uuid.UUID | None = None
) -> ConsentRecord:
    """Record the resident's consent (or its withdrawal) to share progress with the reporter.

    Posting the same form twice records it once.
    """
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    # Looked up under the lock: the second post of a double submit waits for the first.
    scope = {"referral": referral, "recorded_by": by}
    if existing := existing_submission(ConsentRecord, submission_token, **scope):
        return existing
    consent, created = save_once(
        ConsentRecord(referral=referral, given=given, method=method, recorded_by=by, submission_token=submission_token),
        **scope,
    )
    if not created:
        return consent
    before, could_hear = referral.consent_to_share, reporter_may_hear_more(referral)
    referral.consent_to_share = given
    referral.save(update_fields=["consent_to_share", "updated_at"])
    record(
        referral,
        event=StatusChange.Event.CONSENT_GIVEN if given else StatusChange.Event.CONSENT_WITHDRAWN,
        actor=by,
        detail=consent.get_method_display(),
        changes={"consent_to_share": (before, given)},
    )
    if given and not could_hear:
        news_for_reporter(referral, key=f"consent:{consent.pk}")
    return consent


def news_for_reporter(referral: Referral, *, key: str) -> None:
    """Consent has just made the advisor's messages visible: tell the reporter there is
    news (the e-mail says only that, and where to read it)."""
    if referral.messages.filter(shareable=True).exists():
        notification_queue(
            recipient=referral.reporter,
            template="referral_message",
            context=email_context(referral),
            dedupe_key=f"news:{referral.pk}:{key}",
        )


@transaction.atomic
def referral_message_send(
    *, referral: Referral, by: User, text: str, shareable: bool = True, submission_token: uuid.UUID | None = None
) -> ReporterMessage:
    """Write to the reporter. They read it once the resident's consent is recorded (and
    get an e-mail then). Anything not for the reporter is an internal note instead."""
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
    record(
        referral,
        event=StatusChange.Event.MESSAGE_SENT,
        actor=by,
        detail=_("Kan deles") if shareable else _("Deles ikke"),
    )
    if shareable and reporter_may_hear_more(referral):
        notification_queue(recipient=referral.reporter, template="referral_message", context=email_context(referral))
    return message


@transaction.atomic
def followup_add(*, referral: Referral, by: User, text: str, submission_token: uuid.UUID | None = None) -> FollowUp:
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
    record(referral, event=StatusChange.Event.FOLLOW_UP, actor=by)
    recipients = (
        [referral.assigned_to] if referral.assigned_to else advisor_users_covering(referral.department.district_id)
    )
    for recipient in recipients:
        notification_queue(recipient=recipient, template="followup_added", context=email_context(referral))
    return follow_up


@transaction.atomic
def referral_close(*, referral: Referral, by: User, outcome: str, duplicate_of: Referral | None = None) -> Referral:
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
    original = referral.duplicate_of.reference if referral.duplicate_of else None
    record(
        referral,
        event=StatusChange.Event.CLOSED,
        actor=by,
        from_status=previous,
        changes={"outcome": ("", outcome), "duplicate_of": (None, original)},
        detail=referral.get_outcome_display() + (f" ({original})" if original else ""),
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
            for advisor in advisor_users_covering(referral.department.district_id):
                if notification_queue(
                    recipient=advisor,
                    template="referral_unacknowledged",
                    context=email_context(referral),
                    dedupe_key=f"unacknowledged:{referral.pk}:{advisor.pk}",
                ):
                    queued += 1
    return queued
