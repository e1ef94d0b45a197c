"""Celery tasks for housing. Each takes ids, calls one service and is idempotent."""

from celery import shared_task

from housing.imports import services


@shared_task(acks_late=True, soft_time_limit=30 * 60, time_limit=31 * 60)
def import_preview(job_id: int) -> bool:
    """Check and plan every row of an uploaded CSV file (50,000 rows take seconds)."""
    return services.import_job_preview(job_id=job_id)


@shared_task(acks_late=True, soft_time_limit=30 * 60, time_limit=31 * 60)
def import_run(job_id: int) -> bool:
    """Save a confirmed import in short batches."""
    return services.import_job_run(job_id=job_id)


@shared_task
def import_jobs_requeue() -> int:
    """Hand over again the imports whose hand-off to Celery was lost (Celery beat)."""
    return services.import_jobs_requeue()
