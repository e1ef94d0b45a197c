"""Celery tasks for concerns. Each takes ids, calls one service and is idempotent."""

from celery import shared_task

from referrals import notifications, services


@shared_task(acks_late=True)
def notification_send(notification_id: int) -> bool:
    """Send one notification; a failure is recorded on the row and retried by the sweeper."""
    return notifications.notification_deliver(notification_id=notification_id)


@shared_task
def notifications_sweep() -> int:
    """Send what is still pending: broker down at filing time, worker crash, mail outage."""
    due = notifications.notifications_due()
    for notification_id in due:
        notifications.notification_enqueue(notification_id)
    return len(due)


@shared_task
def referrals_remind_unacknowledged() -> int:
    return services.referrals_remind_unacknowledged()
