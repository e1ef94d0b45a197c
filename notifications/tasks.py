"""Celery tasks of the outbox. Each takes ids, calls one service and is idempotent."""

from celery import shared_task

from notifications import services


@shared_task(acks_late=True)
def notification_send(notification_id: int) -> bool:
    """Send one notification; a failure is recorded on the row and retried by the sweeper."""
    return services.notification_deliver(notification_id=notification_id)


@shared_task
def notifications_sweep() -> int:
    """Send what is still pending: broker down at filing time, worker crash, mail outage."""
    due = services.notifications_due()
    for notification_id in due:
        services.notification_enqueue(notification_id)
    return len(due)
