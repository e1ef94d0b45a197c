"""Celery tasks for concerns. Each takes ids, calls one service and is idempotent."""

from celery import shared_task

from referrals.services import handling


@shared_task
def referrals_remind_unacknowledged() -> int:
    return handling.referrals_remind_unacknowledged()
