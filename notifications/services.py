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
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
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


class Outgoing(NamedTuple):
    """One e-mail to queue: who gets it, which template, what it may say (CONTEXT_KEYS)."""

    recipient: User
    template: str
    context: Mapping[str, ContextValue]


def _stored(template: str, context: Mapping[str, ContextValue]) -> dict[str, Any]:
    unknown = set(context) - CONTEXT_KEYS
    if unknown:
        raise ValueError(f"An e-mail may not carry {sorted(unknown)}: only {sorted(CONTEXT_KEYS)}")
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in context.items()}


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
    stored = _stored(template, context)
    if dedupe_key and Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    notification = Notification.objects.create(
        recipient=recipient,
        template=template,
        context=stored,
        dedupe_key=dedupe_key,
        # The after-commit task normally sends it at once; the sweeper waits a
        # little before it assumes the task was lost.
        next_try_at=timezone.now() + SWEEPER_GRACE,
    )
    transaction.on_commit(lambda: notification_enqueue(notification.pk), robust=True)
    return notification


def notifications_queue(outgoing: Iterable[Outgoing]) -> list[Notification]:
    """Write several notification rows in one insert, in the caller's transaction, and
    hand them to Celery after commit as one message (their ids).

    An event that mails a whole district (a new concern) costs one query and one
    publish, not one of each per advisor.
    """
    next_try_at = timezone.now() + SWEEPER_GRACE
    rows = [
        Notification(
            recipient=item.recipient,
            template=item.template,
            context=_stored(item.template, item.context),
            next_try_at=next_try_at,
        )
        for item in outgoing
    ]
    if not rows:
        return []
    Notification.objects.bulk_create(rows)
    ids = [row.pk for row in rows]
    transaction.on_commit(lambda: notifications_enqueue(ids), robust=True)
    return rows


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
    """Hand one notification to Celery; if the broker is down, the sweeper will send it."""
    notifications_enqueue([notification_id])


def notifications_enqueue(notification_ids: Sequence[int]) -> None:
    """Hand notifications to Celery in one message of ids; if the broker is down, the
    sweeper will send them. Without a broker (the demo) Celery runs the task eagerly."""
    from notifications.tasks import notifications_send  # the task module imports this one

    if not notification_ids:
        return
    if broker_circuit.is_open():
        for notification_id in notification_ids:
            logger.warning("broker recently unavailable, notification %s left for the sweeper", notification_id)
        return
    try:
        notifications_send.delay(list(notification_ids))
    except Exception:  # noqa: BLE001 - a broker outage must never fail the user's request
        broker_circuit.trip()
        for notification_id in notification_ids:
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


def _claim(notification_ids: Sequence[int]) -> list[Notification]:
    """Take the pending notifications among these for sending, in id order. Left out are
    those not ours to send: sent, given up, being sent by another worker, or waiting
    for their back-off."""
    now = timezone.now()
    with transaction.atomic():
        claimed = list(
            # Lock the notifications only, not the recipients' logins with them.
            Notification.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .filter(pk__in=notification_ids, state=Notification.State.PENDING)
            .filter(Q(attempts=0) | Q(next_try_at__lte=now))
            .order_by("pk")
        )
        if claimed:
            Notification.objects.filter(pk__in=[row.pk for row in claimed]).update(
                attempts=F("attempts") + 1, next_try_at=now + CLAIM_LEASE
            )
    for row in claimed:
        row.attempts += 1
        row.next_try_at = now + CLAIM_LEASE
    return claimed


def _settle(notifications: Sequence[Notification], **outcome: Any) -> int:
    """Record how this attempt went, except on rows another worker has claimed since
    (this one outlived its lease): then that worker's outcome is the one that counts."""
    by_attempts: dict[int, list[int]] = defaultdict(list)
    for row in notifications:
        by_attempts[row.attempts].append(row.pk)
    return sum(
        Notification.objects.filter(pk__in=ids, state=Notification.State.PENDING, attempts=attempts).update(**outcome)
        for attempts, ids in by_attempts.items()
    )


def _failed(notification: Notification, error: Exception) -> None:
    given_up = notification.attempts >= MAX_ATTEMPTS
    _settle(
        [notification],
        last_error=type(error).__name__,
        next_try_at=timezone.now() + timedelta(minutes=2**notification.attempts),
        state=Notification.State.FAILED if given_up else Notification.State.PENDING,
    )
    logger.warning(
        "notification %s failed (%s), attempt %s", notification.pk, type(error).__name__, notification.attempts
    )


def notification_deliver(*, notification_id: int) -> bool:
    """Send one pending notification. True when it was sent now."""
    return notifications_deliver(notification_ids=[notification_id]) == 1


def notifications_deliver(*, notification_ids: Sequence[int]) -> int:
    """Send the pending notifications among these, over one connection to the mail
    server. Returns how many were sent now.

    On a failure (the mail server, or one e-mail itself) the attempt is recorded with an
    exponential back-off, and the sweeper tries again when it is due; after
    MAX_ATTEMPTS the row is marked failed and an operator must look (only the error's
    class is kept: no personal data). No row is locked while the mail server is talked to.
    """
    claimed = _claim(notification_ids)
    if not claimed:
        return 0
    sent: list[Notification] = []
    try:
        with get_connection() as connection:
            for notification in claimed:
                try:
                    subject, body = _render(notification)
                    message = EmailMultiAlternatives(
                        subject=subject, body=body, to=[notification.recipient.email], connection=connection
                    )
                    message.send()
                except Exception as error:  # noqa: BLE001 - SMTP, DNS, TLS, a broken template: all mean "try later"
                    _failed(notification, error)
                else:
                    sent.append(notification)
    except Exception as error:  # noqa: BLE001 - the connection itself: every row not yet sent tries later
        for notification in claimed:
            if notification not in sent:
                _failed(notification, error)
    _settle(sent, state=Notification.State.SENT, sent_at=timezone.now())
    for notification in sent:
        logger.info("notification %s sent (%s)", notification.pk, notification.template)
    return len(sent)


def notifications_due(*, now: datetime | None = None, limit: int = 500) -> list[int]:
    """Ids of pending notifications whose next try is due (the sweeper's work list)."""
    now = now or timezone.now()
    return list(
        Notification.objects.filter(state=Notification.State.PENDING, next_try_at__lte=now)
        .order_by("next_try_at")
        .values_list("pk", flat=True)[:limit]
    )
