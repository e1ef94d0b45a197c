"""The outbox: notifications are rows written with their event, sent after commit.

A notification is never lost: if the broker is down at filing time the row stays
pending and the periodic sweeper sends it later. Sending claims the row first and
talks to the mail server without holding a lock, so a slow mail server never blocks
the request or worker that queued the next notification. A notification is sent at
least once and, in practice, once.

The row carries what the e-mail may say, stored when it is queued (CONTEXT_KEYS):
a reference, a department's name, a date, a link. Never a description, a resident's
name or any other personal data. Sending needs nothing from the apps that queue.
"""

import logging
import time
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from notifications.models import Notification

logger = logging.getLogger("bindeled.notifications")

MAX_ATTEMPTS = 8
SWEEPER_GRACE = timedelta(minutes=1)
# A claimed notification that is neither sent nor failed after this long (the worker
# died while sending) is due again for the sweeper.
CLAIM_LEASE = timedelta(minutes=5)

# Everything an e-mail may say. Anything else is refused when it is queued.
CONTEXT_KEYS = frozenset({"reference", "department", "is_acute", "link_path", "move_in_on", "days", "goal_days"})
ContextValue = str | int | bool | date | None


def notification_queue(
    *,
    recipient: User,
    template: str,
    context: Mapping[str, ContextValue],
    dedupe_key: str | None = None,
) -> Notification | None:
    """Write a notification row in the caller's transaction and send it after commit.

    With a dedupe_key, an existing row with the same key means "already queued" and
    nothing is written.
    """
    unknown = set(context) - CONTEXT_KEYS
    if unknown:
        raise ValueError(f"An e-mail may not carry {sorted(unknown)}: only {sorted(CONTEXT_KEYS)}")
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    notification = Notification.objects.create(
        recipient=recipient,
        template=template,
        context={key: value.isoformat() if isinstance(value, date) else value for key, value in context.items()},
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
    from notifications.tasks import notification_send  # the task module imports this one

    if broker_circuit.is_open():
        logger.warning("broker recently unavailable, notification %s left for the sweeper", notification_id)
        return
    try:
        notification_send.delay(notification_id)
    except Exception:  # noqa: BLE001 - a broker outage must never fail the user's request
        broker_circuit.trip()
        logger.warning("broker unavailable, notification %s left for the sweeper", notification_id)


def render_context(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The template context of a stored notification: dates back as dates, the link whole."""
    context: dict[str, Any] = {
        key: date.fromisoformat(value) if key.endswith("_on") and isinstance(value, str) else value
        for key, value in stored.items()
        if key != "link_path"
    }
    context["link"] = f"{settings.SITE_URL}{stored.get('link_path', '/')}"
    return context


def _render(notification: Notification) -> tuple[str, str]:
    context = render_context(notification.context)
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{notification.template}_subject.txt", context)
        body = render_to_string(f"emails/{notification.template}_body.txt", context)
    return " ".join(subject.split()), body


def _claim(notification_id: int) -> Notification | None:
    """Take a pending notification for sending, or None when it is not ours to send:
    sent, given up, being sent by another worker, or waiting for its back-off."""
    with transaction.atomic():
        notification = (
            # Lock the notification only, not the recipient's login with it.
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None or notification.state != Notification.State.PENDING:
            return None
        now = timezone.now()
        if notification.attempts and notification.next_try_at > now:
            return None
        notification.attempts += 1
        notification.next_try_at = now + CLAIM_LEASE
        notification.save(update_fields=["attempts", "next_try_at"])
    return notification


def _settle(notification: Notification, **outcome: Any) -> bool:
    """Record how this attempt went, unless another worker has claimed the row since
    (this one outlived its lease): then that worker's outcome is the one that counts."""
    claimed = Notification.objects.filter(
        pk=notification.pk, state=Notification.State.PENDING, attempts=notification.attempts
    )
    return bool(claimed.update(**outcome))


def notification_deliver(*, notification_id: int) -> bool:
    """Send one pending notification. True when it was sent now.

    On a failure (the mail server, or the e-mail itself) the attempt is recorded with an
    exponential back-off, and the sweeper tries again when it is due; after
    MAX_ATTEMPTS the row is marked failed and an operator must look (only the error's
    class is kept: no personal data).
    """
    notification = _claim(notification_id)
    if notification is None:
        return False
    try:
        subject, body = _render(notification)
        EmailMultiAlternatives(subject=subject, body=body, to=[notification.recipient.email]).send()
    except Exception as error:  # noqa: BLE001 - SMTP, DNS, TLS, a broken template: all mean "try later"
        given_up = notification.attempts >= MAX_ATTEMPTS
        _settle(
            notification,
            last_error=type(error).__name__,
            next_try_at=timezone.now() + timedelta(minutes=2**notification.attempts),
            state=Notification.State.FAILED if given_up else Notification.State.PENDING,
        )
        logger.warning(
            "notification %s failed (%s), attempt %s", notification.pk, type(error).__name__, notification.attempts
        )
        return False
    _settle(notification, state=Notification.State.SENT, sent_at=timezone.now())
    logger.info("notification %s sent (%s)", notification.pk, notification.template)
    return True


def notifications_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Ids of pending notifications whose next try is due (the sweeper's work list)."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(state=Notification.State.PENDING, next_try_at__lte=now)
        .order_by("next_try_at")
        .values_list("pk", flat=True)[:limit]
    )
