"""The CSV import's writes: a file becomes a job, the job a preview, the preview an import.

A large file is previewed and imported by Celery tasks (housing.tasks) that take the
job's id; a small one in the request, through the same code. The import writes in
batches of CSV_IMPORT_BATCH_ROWS rows, each in its own short transaction, and pauses
between them, so other people's requests are not kept waiting (on SQLite there is one
writer at a time). Every state change writes one audit entry with ids and counts; the
log lines carry ids and counts too, never a name or an address from the file.
"""

import json
import logging
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from auditlog.cid import get_cid
from auditlog.diff import model_instance_diff
from auditlog.models import LogEntry
from django.conf import settings
from django.contrib.admin.models import ADDITION, CHANGE
from django.contrib.admin.models import LogEntry as AdminLogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import OperationalError, transaction
from django.db.models import F, Model, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from config.audit import audit
from housing.imports import reading
from housing.imports.planning import Plan, Planner, planner_for
from housing.models import Department, Dwelling, ImportJob, ImportRow
from housing.signals import departments_updated

logger = logging.getLogger("bindeled.housing")

# A batch that meets SQLite's lock held by someone else is tried again this often.
LOCKED_RETRIES = 5


def _runs_in_background(job: ImportJob) -> bool:
    return bool(job.total_rows > settings.CSV_IMPORT_ASYNC_ROWS)


def _after_commit(job: ImportJob, task_name: str, run: Callable[..., bool]) -> None:
    """A large file goes to a Celery task; a small one is done in this request."""
    if _runs_in_background(job):
        from housing import tasks  # the task module imports this one

        task = getattr(tasks, task_name)
        transaction.on_commit(lambda: _hand_to_celery(job.pk, task), robust=True)
    else:
        transaction.on_commit(lambda: run(job_id=job.pk))


# A job handed to Celery that has not started after this long is handed over again.
REQUEUE_AFTER = timedelta(minutes=2)


def _hand_to_celery(job_id: int, task: Any) -> None:
    ImportJob.objects.filter(pk=job_id).update(queued_at=timezone.now())
    task.delay(job_id)


def import_jobs_requeue(*, now: datetime | None = None) -> int:
    """Hand over again the jobs whose hand-off to Celery was lost (the broker was down):
    a preview never started, or a confirmed import that has saved nothing. Running a
    job twice is safe: the preview starts over and the import claims each batch."""
    from housing import tasks  # the task module imports this one

    now = now or timezone.now()
    before = now - REQUEUE_AFTER
    stale = ImportJob.objects.filter(Q(queued_at__lt=before) | Q(queued_at__isnull=True, created_at__lt=before)).filter(
        Q(state=ImportJob.State.PENDING) | Q(state=ImportJob.State.IMPORTING, imported_rows=0)
    )
    count = 0
    for job_id, state in stale.values_list("pk", "state"):
        task = tasks.import_preview if state == ImportJob.State.PENDING else tasks.import_run
        try:
            _hand_to_celery(job_id, task)
        except Exception:  # noqa: BLE001 - the broker is still down: the next sweep tries again
            logger.warning("housing import %s: broker unavailable, requeue later", job_id)
            break
        count += 1
    return count


def _set_state(job: ImportJob, state: str, *, by: User | None, event: str, **fields: Any) -> None:
    """Move a (locked) job to a new state, with its audit entry: ids, codes and counts."""
    old = job.state
    job.state = state
    for name, value in fields.items():
        setattr(job, name, value)
    job.save(update_fields=["state", *fields])
    counts = {
        name: getattr(job, name)
        for name in ("total_rows", "new_count", "changed_count", "invalid_count", "saved_count", "conflict_count")
        if getattr(job, name)
    }
    audit(job, by=by, event=event, changes={"state": (old, state)}, kind=job.kind, **counts)


@transaction.atomic
def import_job_create(
    *, by: User, kind: str, upload: reading.ReadFile, file_name: str, encoding_choice: str
) -> ImportJob:
    """Keep a checked file as a new import and start its preview."""
    job = ImportJob.objects.create(
        kind=kind,
        created_by=by,
        file_name=file_name[:255],
        data=upload.data,
        size=len(upload.data),
        encoding_choice=encoding_choice,
        encoding=upload.encoding,
        delimiter=upload.delimiter,
        total_rows=upload.total_rows,
    )
    audit(job, by=by, event="import.upload", created=True, kind=kind, total_rows=job.total_rows, size=job.size)
    logger.info("housing import %s: uploaded by user %s, %s rows of %s", job.pk, by.pk, job.total_rows, kind)
    _after_commit(job, "import_preview", import_job_preview)
    return job


def import_job_preview(*, job_id: int) -> bool:
    """Plan every row and keep what the preview shows. Idempotent: a job that has been
    previewed is left alone; a preview cut short (a worker that died) starts over."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.state not in (ImportJob.State.PENDING, ImportJob.State.PREVIEWING):
            return False
        ImportRow.objects.filter(job=job).delete()
        if job.state == ImportJob.State.PENDING:
            _set_state(job, ImportJob.State.PREVIEWING, by=None, event="import.preview_start", previewed_rows=0)
    try:
        counts = _preview(job)
    except Exception as error:
        _fail(job.pk, error)
        return False
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        state = ImportJob.State.INVALID if counts["invalid_count"] else ImportJob.State.PREVIEWED
        fields: dict[str, Any] = {**counts, "previewed_rows": job.total_rows, "previewed_at": timezone.now()}
        if state == ImportJob.State.INVALID:
            fields["data"] = b""  # nothing will be imported from it
        _set_state(job, state, by=None, event="import.preview", **fields)
    logger.info(
        "housing import %s: previewed, %s new, %s changed, %s unchanged, %s invalid",
        job.pk,
        job.new_count,
        job.changed_count,
        job.unchanged_count,
        job.invalid_count,
    )
    return True


def _preview(job: ImportJob) -> dict[str, int]:
    columns, rows = reading.rows(job)
    planner = planner_for(job, columns)
    counts = dict.fromkeys(ImportRow.Action.values, 0)
    batch_rows = settings.CSV_IMPORT_BATCH_ROWS
    for start in range(0, len(rows), batch_rows):
        plans = planner.plan(rows[start : start + batch_rows])
        for plan in plans:
            counts[plan.action] += 1
        said = [_preview_row(job, plan) for plan in plans if plan.action != ImportRow.Action.UNCHANGED]
        with transaction.atomic():
            ImportJob.objects.filter(pk=job.pk).update(previewed_rows=start + len(plans))
            ImportRow.objects.bulk_create(said)
    return {
        "new_count": counts[ImportRow.Action.NEW],
        "changed_count": counts[ImportRow.Action.CHANGE],
        "unchanged_count": counts[ImportRow.Action.UNCHANGED],
        "invalid_count": counts[ImportRow.Action.ERROR],
    }


def _preview_row(job: ImportJob, plan: Plan) -> ImportRow:
    return ImportRow(
        job=job, number=plan.number, action=plan.action, key=plan.key[:300], changes=plan.changes, errors=plan.errors
    )


@transaction.atomic
def import_job_confirm(*, job: ImportJob, by: User) -> ImportJob:
    """The administrator has read the preview: import what it said."""
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    if job.state != ImportJob.State.PREVIEWED:
        if job.state in (ImportJob.State.IMPORTING, ImportJob.State.DONE):
            return job  # a second click on the button
        raise ValidationError(_("Importen kan ikke bekræftes: den er ikke klar."), code="not_previewed")
    if job.created_by_id != by.pk:
        raise ValidationError(_("Kun den, der har indlæst filen, kan bekræfte importen."), code="not_yours")
    _set_state(job, ImportJob.State.IMPORTING, by=by, event="import.confirm", confirmed_by=by)
    logger.info("housing import %s: confirmed by user %s", job.pk, by.pk)
    _after_commit(job, "import_run", import_job_run)
    return job


def import_job_run(*, job_id: int) -> bool:
    """Save the confirmed import in short transactions. Idempotent: a finished import is
    left alone, and one cut short goes on after the last batch it saved."""
    job = ImportJob.objects.get(pk=job_id)
    if job.state != ImportJob.State.IMPORTING:
        return False
    try:
        columns, rows = reading.rows(job)
        planner = planner_for(job, columns)
        batch_rows = settings.CSV_IMPORT_BATCH_ROWS
        for start in range(job.imported_rows, len(rows), batch_rows):
            batch = rows[start : start + batch_rows]
            if not _retry_when_locked(partial(_save_batch, job, planner, batch, start)):
                return False  # another run of the task is ahead of this one and finishes the job
            time.sleep(settings.CSV_IMPORT_BATCH_PAUSE_SECONDS)
    except Exception as error:
        _fail(job_id, error)
        return False
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.state != ImportJob.State.IMPORTING:
            return False
        _set_state(job, ImportJob.State.DONE, by=None, event="import.finish", data=b"", finished_at=timezone.now())
    logger.info("housing import %s: done, %s saved, %s conflicts", job.pk, job.saved_count, job.conflict_count)
    return True


def _retry_when_locked(save: Callable[[], bool]) -> bool:
    """SQLite answers "database is locked" when another writer keeps the lock past the
    busy timeout; the batch was rolled back whole, so it is simply tried again."""
    for attempt in range(LOCKED_RETRIES):
        try:
            return save()
        except OperationalError as error:
            if "locked" not in str(error) or attempt == LOCKED_RETRIES - 1:
                raise
            time.sleep(0.5 * (attempt + 1))
    return False


def _save_batch(job: ImportJob, planner: Planner, batch: list[reading.Row], start: int) -> bool:
    """Save the rows from start on; False when another run of the task has saved them."""
    # The planning and the audit entries are made before the transaction: the lock is
    # held only to check that the rows are as planned and to write them.
    plans = planner.plan(batch)
    previewed = {row.number: row for row in ImportRow.objects.filter(job=job, number__in=[p.number for p in plans])}
    work = _Batch(job, planner, plans, previewed)
    with transaction.atomic():
        # A write first: SQLite's write lock is taken now, before the rows are read. It
        # claims the batch too: a second run of the task (a redelivery) waits for this
        # row and then finds the batch done.
        claimed = ImportJob.objects.filter(pk=job.pk, state=ImportJob.State.IMPORTING, imported_rows=start).update(
            imported_rows=start + len(batch)
        )
        if not claimed:
            return False
        if not planner.still_current(plans, lock=True):
            # Someone changed these rows meanwhile: plan them again, under the lock.
            work = _Batch(job, planner, planner.plan(batch, lock=True), previewed)
        work.save()
    return True


class _Batch:
    """One batch's writes: new rows, changed rows, their audit entries, the outcome."""

    def __init__(self, job: ImportJob, planner: Planner, plans: list[Plan], previewed: dict[int, ImportRow]):
        self.job, self.previewed = job, previewed
        self.model: type[Model] = Department if job.kind == ImportJob.Kind.DEPARTMENTS else Dwelling
        self.new: list[Plan] = []
        self.changed: list[Plan] = []
        self.conflicts: list[Plan] = []
        for plan in plans:
            if not plan.same_as(previewed.get(plan.number)):
                self.conflicts.append(plan)
            elif plan.action == ImportRow.Action.NEW:
                self.new.append(plan)
            elif plan.action == ImportRow.Action.CHANGE:
                self.changed.append(plan)
        attributes = {column.header: column.attribute for column in planner.columns}
        self.fields = sorted({attributes[str(h)] for plan in self.changed for h, _old, _new in plan.changes})
        content_type = ContentType.objects.get_for_model(self.model)
        self.audit = [self._audit_entry(plan, content_type) for plan in self.new + self.changed]
        self.history = [self._history_entry(plan, content_type, attributes) for plan in self.new + self.changed]

    def _audit_entry(self, plan: Plan, content_type: ContentType) -> LogEntry:
        """As django-auditlog writes it for a single save (bulk writes send no signals)."""
        new = plan.instance
        return LogEntry(
            content_type=content_type,
            object_pk=str(new.pk),  # type: ignore[union-attr]
            object_id=new.pk,  # type: ignore[union-attr]
            object_repr=str(new),
            action=LogEntry.Action.CREATE if plan.original is None else LogEntry.Action.UPDATE,
            changes=model_instance_diff(
                plan.original, new, use_json_for_changes=getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
            ),
            actor_id=self.job.confirmed_by_id,
            cid=get_cid(),
            additional_data={"event": "import.save", "import": self.job.pk},
        )

    def _history_entry(self, plan: Plan, content_type: ContentType, attributes: dict[str, str]) -> AdminLogEntry:
        """The object's history in the admin, as the admin writes it for a change."""
        if plan.original is None:
            message: list[dict[str, Any]] = [{"added": {}}]
        else:
            fields = [self.model._meta.get_field(attributes[str(h)]) for h, *_ in plan.changes]
            names = [str(getattr(field, "verbose_name", field.name)) for field in fields]
            message = [{"changed": {"fields": names}}]
        return AdminLogEntry(
            user_id=self.job.confirmed_by_id or self.job.created_by_id,
            content_type=content_type,
            object_id=str(plan.instance.pk) if plan.instance and plan.instance.pk else None,
            object_repr=str(plan.instance)[:200],
            action_flag=ADDITION if plan.original is None else CHANGE,
            change_message=json.dumps(message),
        )

    def save(self) -> None:
        manager = self.model._default_manager
        if self.new:
            created = manager.bulk_create([plan.instance for plan in self.new])  # type: ignore[misc]
            for obj, entry, history in zip(created, self.audit, self.history, strict=False):
                entry.object_pk, entry.object_id, history.object_id = str(obj.pk), obj.pk, str(obj.pk)
        if self.changed:
            manager.bulk_update([plan.instance for plan in self.changed], self.fields)  # type: ignore[misc]
            if self.model is Department:
                departments_updated.send(
                    sender=Department, departments=[plan.instance for plan in self.changed], fields=self.fields
                )
        LogEntry.objects.bulk_create(self.audit)
        AdminLogEntry.objects.bulk_create(self.history)
        saved = [plan.number for plan in self.new + self.changed]
        ImportRow.objects.filter(job=self.job, number__in=saved).update(outcome=ImportRow.Outcome.SAVED)
        _record_conflicts(self.job, self.conflicts, self.previewed)
        ImportJob.objects.filter(pk=self.job.pk).update(
            saved_count=F("saved_count") + len(saved), conflict_count=F("conflict_count") + len(self.conflicts)
        )


def _record_conflicts(job: ImportJob, conflicts: list[Plan], previewed: dict[int, ImportRow]) -> None:
    if not conflicts:
        return
    known = [previewed[plan.number] for plan in conflicts if plan.number in previewed]
    for row in known:
        row.outcome = ImportRow.Outcome.CONFLICT
    ImportRow.objects.bulk_update(known, ["outcome"])
    ImportRow.objects.bulk_create(
        [
            ImportRow(
                job=job,
                number=plan.number,
                action=ImportRow.Action.UNCHANGED,
                key=plan.key[:300],
                changes=plan.changes,
                errors=plan.errors,
                outcome=ImportRow.Outcome.CONFLICT,
            )
            for plan in conflicts
            if plan.number not in previewed
        ]
    )


def _fail(job_id: int, error: Exception) -> None:
    """Only the error's kind is logged: its message may quote the file."""
    logger.error("housing import %s failed: %s", job_id, type(error).__name__)
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.state not in (ImportJob.State.DONE, ImportJob.State.FAILED):
            _set_state(job, ImportJob.State.FAILED, by=None, event="import.fail", data=b"", finished_at=timezone.now())
