"""Reads of the CSV import for the administrator who started it; nobody else sees a job."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404

from housing.models import ImportJob, ImportRow

ROWS_PER_PAGE = 100


def import_jobs_visible_to(user: AbstractBaseUser | AnonymousUser, *, kind: str) -> QuerySet[ImportJob]:
    """A person's own imports of one kind; the file itself is not loaded."""
    if not user.is_authenticated:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(created_by=user.pk, kind=kind).defer("data")


def get_import_job_for(user: AbstractBaseUser | AnonymousUser, job_id: int, *, kind: str) -> ImportJob:
    job = import_jobs_visible_to(user, kind=kind).filter(pk=job_id).first()
    if job is None:
        raise Http404
    return job


def import_rows_page(job: ImportJob, page: str | int | None) -> Page[ImportRow]:
    """The rows the job's page lists: errors in a file with errors, otherwise what is
    new or changed (and, after the import, what was left alone), in the file's order."""
    rows: QuerySet[ImportRow] = job.rows.order_by("number")
    if job.state == ImportJob.State.INVALID:
        rows = rows.filter(action=ImportRow.Action.ERROR)
    elif job.state in (ImportJob.State.DONE, ImportJob.State.FAILED):
        # What was left alone first: that is what the administrator must look at.
        rows = rows.exclude(outcome=ImportRow.Outcome.PENDING).order_by("outcome", "number")
    else:
        rows = rows.filter(action__in=[ImportRow.Action.NEW, ImportRow.Action.CHANGE])
    return Paginator(rows, ROWS_PER_PAGE).get_page(page)
