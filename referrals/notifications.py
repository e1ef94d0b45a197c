"""The outbox: notifications are rows written with their event, sent after commit.

A notification is never lost: if the broker is down at filing time the row stays
pending and the periodic sweeper sends it later. Sending is idempotent (the row's
state is checked under a lock), so a notification is sent at least once and, in
practice, once. E-mails carry a reference, a department name and a link: never a
description, a resident's name or any other personal data.
"""

import logging
import time
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from referrals.models import Notification, Referral

logger = logging.getLogger("bindeled.notifications")

MAX_ATTEMPTS = 8
SWEEPER_GRACE = timedelta(minutes=1)


def notification_queue(
    *, recipient, template: str, referral=None, case=None, placement=None, dedupe_key: str | None = None
) -> Notification | None:
    """Write a notification row in the caller's transaction and send it after commit.

    The row holds ids only. With a dedupe_key, an existing row with the same key
    means "already queued" and nothing is written.
    """
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    context = {}
    for key, obj in (("referral_id", referral), ("case_id", case), ("placement_id", placement)):
        if obj is not None:
            context[key] = obj.pk
    notification = Notification.objects.create(
        recipient=recipient,
        template=template,
        context=context,
        dedupe_key=dedupe_key,
        # The after-commit task normally sends it at once; the sweeper waits a
        # little before it assumes the task was lost.
        next_try_at=timezone.now() + SWEEPER_GRACE,
    )
    transaction.on_commit(lambda: notification_enqueue(notification.pk), robust=True)
    return notification


class _BrokerCircuit:
    """After one failed publish, skip the broker for a while in this process.

    Filing a concern queues one e-mail per advisor: without this, a hanging broker
    would cost the user one full timeout per e-mail instead of one in all.
    """

    pause_seconds = 30.0
    down_until = 0.0

    def is_open(self) -> bool:
        return time.monotonic() < self.down_until

    def trip(self) -> None:
        self.down_until = time.monotonic() + self.pause_seconds

    def reset(self) -> None:
        self.down_until = 0.0


broker_circuit = _BrokerCircuit()


def notification_enqueue(notification_id: int) -> None:
    """Hand the notification to Celery; if the broker is down, the sweeper will send it."""
    from referrals.tasks import notification_send

    if broker_circuit.is_open():
        logger.warning("broker recently unavailable, notification %s left for the sweeper", notification_id)
        return
    try:
        notification_send.delay(notification_id)
    except Exception:  # noqa: BLE001 - a broker outage must never fail the user's request
        broker_circuit.trip()
        logger.warning("broker unavailable, notification %s left for the sweeper", notification_id)


def _email_context(ids: dict) -> dict:
    """What an e-mail may say: references, a department's name, dates and a link."""
    if "referral_id" in ids:
        referral = Referral.objects.select_related("department").get(pk=ids["referral_id"])
        return {
            "reference": referral.reference,
            "department": referral.department.name,
            "is_acute": referral.is_acute,
            "link": f"{settings.SITE_URL}{reverse('referrals:detail', args=[referral.reference])}",
        }
    if "placement_id" in ids:
        from housing.models import Placement

        placement = Placement.objects.select_related("offer__dwelling__department", "case").get(pk=ids["placement_id"])
        department = placement.offer.dwelling.department if placement.offer else None
        return {
            "reference": placement.case.reference,
            "department": department.name if department else "",
            "move_in_on": placement.move_in_on,
            "link": f"{settings.SITE_URL}{reverse('start')}",
        }
    from cases.models import Case

    case = Case.objects.get(pk=ids["case_id"])
    return {"reference": case.reference, "link": f"{settings.SITE_URL}{reverse('cases:detail', args=[case.reference])}"}


def _render(notification: Notification) -> tuple[str, str]:
    context = _email_context(notification.context)
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{notification.template}_subject.txt", context)
        body = render_to_string(f"emails/{notification.template}_body.txt", context)
    return " ".join(subject.split()), body


def notification_deliver(*, notification_id: int) -> bool:
    """Send one pending notification. True when it was sent now.

    On a mail failure the attempt is recorded with an exponential back-off, and the
    sweeper tries again when it is due; after MAX_ATTEMPTS the row is marked failed
    and an operator must look (only the error's class is kept: no personal data).
    """
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update().select_related("recipient").filter(pk=notification_id).first()
        )
        if notification is None or notification.state != Notification.State.PENDING:
            return False
        subject, body = _render(notification)
        message = EmailMultiAlternatives(subject=subject, body=body, to=[notification.recipient.email])
        try:
            message.send()
        except Exception as error:  # noqa: BLE001 - SMTP, DNS, TLS: all mean "try later"
            notification.attempts += 1
            notification.last_error = type(error).__name__
            notification.next_try_at = timezone.now() + timedelta(minutes=2**notification.attempts)
            if notification.attempts >= MAX_ATTEMPTS:
                notification.state = Notification.State.FAILED
            notification.save(update_fields=["attempts", "last_error", "next_try_at", "state"])
            logger.warning(
                "notification %s failed (%s), attempt %s",
                notification.pk,
                notification.last_error,
                notification.attempts,
            )
            return False
        notification.state = Notification.State.SENT
        notification.sent_at = timezone.now()
        notification.attempts += 1
        notification.save(update_fields=["state", "sent_at", "attempts"])
    logger.info("notification %s sent (%s)", notification.pk, notification.template)
    return True


def notifications_due(*, now=None, limit: int = 500) -> list[int]:
    """Ids of pending notifications whose next try is due (the sweeper's work list)."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(state=Notification.State.PENDING, next_try_at__lte=now)
        .order_by("next_try_at")
        .values_list("pk", flat=True)[:limit]
    )
