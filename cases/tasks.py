"""Celery tasks for cases. Each takes ids, calls one service and is idempotent."""

from celery import shared_task

from cases.services import export, reminders


@shared_task
def cases_remind() -> int:
    return reminders.cases_remind()


@shared_task(acks_late=True, soft_time_limit=120, time_limit=150)
def case_file_render(export_id: int) -> bool:
    """Render a right-of-access case file; a long case takes several seconds."""
    return export.case_file_render(export_id=export_id)


@shared_task
def case_file_exports_requeue() -> int:
    """Hand over again the case files whose hand-off to Celery was lost (Celery beat)."""
    return export.case_file_exports_requeue()
