"""Celery tasks of the outbox. Each takes ids, calls one service and is idempotent."""

from celery import shared_task
from django.db import DatabaseError

from notifications import services

# The sweeper hands rows over in messages of this many ids.
SWEEP_BATCH = 100


@shared_task(acks_late=True)
def notification_send(notification_id: int) -> bool:
    """Send one notification; a failure is recorded on the row and retried by the sweeper.

    Kept for messages published before notifications were handed over in batches."""
    return services.notification_deliver(notification_id=notification_id)


@shared_task(
    acks_late=True,
    # The mail server's failures are recorded on the rows (the sweeper retries them
    # with back-off); a database that went away retries the whole message here.
    autoretry_for=(DatabaseError,),
    retry_backoff=2,
    retry_backoff_max=120,
    max_retries=6,
)
def notifications_send(notification_ids: list[int]) -> int:
    """Send a batch of notifications (those of one event, or of one sweep) over one
    connection to the mail server. Idempotent: sent rows are skipped."""
    return services.notifications_deliver(notification_ids=notification_ids)


@shared_task
def notifications_sweep() -> int:
    """Send what is still pending: broker down at filing time, worker crash, mail outage."""
    due = services.notifications_due()
    for start in range(0, len(due), SWEEP_BATCH):
        services.notifications_enqueue(due[start : start + SWEEP_BATCH])
    return len(due)
