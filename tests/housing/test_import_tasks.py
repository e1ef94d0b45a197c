"""A large CSV file is previewed and imported by Celery tasks while the page shows its
progress; the import writes in short batches with a constant number of queries each."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from housing import tasks
from housing.imports import services
from housing.models import Department, ImportJob, ImportRow
from tests.housing import test_import as shared
from tests.housing.test_import import DEPARTMENT_HEADER

pytestmark = pytest.mark.django_db

# The fixtures of the import tests, shared.
admin_client, upload, world = shared.admin_client, shared.upload, shared.world


def department_file(rows: int, *, start: int = 0) -> str:
    lines = [
        f"BSS;{n};Afdeling {n};Nørrebro;Blågårdsvej {n};2200;{10 + n % 90};nej;" for n in range(start, start + rows)
    ]
    return "\n".join([DEPARTMENT_HEADER, *lines])


@pytest.fixture
def queued(monkeypatch):
    """The Celery tasks the services queue, instead of running them."""
    calls = []
    monkeypatch.setattr(tasks.import_preview, "delay", lambda job_id: calls.append(("preview", job_id)))
    monkeypatch.setattr(tasks.import_run, "delay", lambda job_id: calls.append(("run", job_id)))
    return calls


def test_a_large_file_goes_to_celery_and_the_page_shows_progress_then_the_preview(
    admin_client,
    world,
    settings,
    queued,
    django_capture_on_commit_callbacks,
):
    settings.CSV_IMPORT_ASYNC_ROWS = 300
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:housing_department_import"),
            {"import_file": SimpleUploadedFile("stor.csv", department_file(301).encode()), "encoding": "auto"},
        )
    job = ImportJob.objects.get()
    url = reverse("admin:housing_department_import_job", args=[job.pk])
    # The page comes back at once: the file waits for a worker.
    assert response.status_code == 302 and response["Location"] == url
    assert queued == [("preview", job.pk)]
    assert job.state == ImportJob.State.PENDING

    page = admin_client.get(url).content.decode()
    assert f'hx-get="{url}" hx-trigger="every 1s"' in page and "<progress" in page
    assert "Filen venter på at blive kontrolleret" in page
    assert "vendor/htmx/htmx.min.js" in page
    poll = admin_client.get(url, headers={"HX-Request": "true"})
    assert poll.status_code == 200 and "<progress" in poll.content.decode() and "<html" not in poll.content.decode()

    assert tasks.import_preview(job.pk) is True  # what the worker does
    poll = admin_client.get(url, headers={"HX-Request": "true"})
    assert poll["HX-Refresh"] == "true"  # done: the whole page shows the preview
    page = admin_client.get(url).content.decode()
    assert "Af rækkerne i filen er 301 nye, 0 ændrer noget, der findes, og 0 står allerede sådan" in page
    assert "Side 1 af 4" in page and "?side=2" in page
    assert "Afdeling 250" in admin_client.get(url + "?side=3").content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:housing_department_import_confirm", args=[job.pk]))
    assert queued[-1] == ("run", job.pk)
    page = admin_client.get(url).content.decode()
    assert "Importerer: 0 af 301 rækker er gemt." in page
    assert Department.objects.count() == 0

    assert tasks.import_run(job.pk) is True
    assert Department.objects.count() == 301
    job.refresh_from_db()
    assert (job.state, job.saved_count, job.data) == (ImportJob.State.DONE, 301, b"")
    assert "Importen er færdig: 301 rækker er gemt." in admin_client.get(url).content.decode()


def test_the_tasks_are_idempotent(admin_client, world, settings, queued, django_capture_on_commit_callbacks):
    settings.CSV_IMPORT_ASYNC_ROWS = 1
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:housing_department_import"),
            {"import_file": SimpleUploadedFile("a.csv", department_file(5).encode()), "encoding": "auto"},
        )
    job = ImportJob.objects.get()
    assert tasks.import_run(job.pk) is False  # not confirmed: nothing happens
    assert tasks.import_preview(job.pk) is True
    assert tasks.import_preview(job.pk) is False
    assert ImportRow.objects.filter(job=job).count() == 5
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(reverse("admin:housing_department_import_confirm", args=[job.pk]))
        admin_client.post(reverse("admin:housing_department_import_confirm", args=[job.pk]))  # a double click
    assert tasks.import_run(job.pk) is True
    assert tasks.import_run(job.pk) is False
    assert Department.objects.count() == 5
    job.refresh_from_db()
    assert (job.saved_count, job.conflict_count) == (5, 0)


def test_without_a_broker_the_task_runs_in_the_request_and_writes_in_batches(
    upload,
    world,
    settings,
    monkeypatch,
    django_capture_on_commit_callbacks,
    admin_client,
):
    """The demo has no Redis: Celery runs the task eagerly, in the request, the same way."""
    settings.CSV_IMPORT_ASYNC_ROWS = 10
    settings.CSV_IMPORT_BATCH_ROWS = 25
    batches = []
    save_batch = services._save_batch
    monkeypatch.setattr(
        services,
        "_save_batch",
        lambda job, planner, batch, start: batches.append(len(batch)) or save_batch(job, planner, batch, start),
    )
    preview = upload("department", department_file(60))
    job = preview.context["job"]
    assert job.state == ImportJob.State.PREVIEWED
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("admin:housing_department_import_confirm", args=[job.pk]))
    assert "Importen er færdig: 60 rækker er gemt." in admin_client.get(response["Location"]).content.decode()
    assert batches == [25, 25, 10]
    assert Department.objects.count() == 60


def test_an_import_cut_short_goes_on_after_the_last_saved_batch(upload, world, settings, monkeypatch):
    settings.CSV_IMPORT_BATCH_ROWS = 10
    job = upload("department", department_file(25)).context["job"]
    job.state, job.confirmed_by = ImportJob.State.IMPORTING, job.created_by
    job.save(update_fields=["state", "confirmed_by"])
    save_batch = services._save_batch

    def killed_after_one(job, planner, batch, start):
        save_batch(job, planner, batch, start)
        raise KeyboardInterrupt  # the worker is stopped: not an error of the import

    monkeypatch.setattr(services, "_save_batch", killed_after_one)
    with pytest.raises(KeyboardInterrupt):
        services.import_job_run(job_id=job.pk)
    assert Department.objects.count() == 10
    # A second delivery of the task that still thinks nothing is saved claims no batch twice.
    from housing.imports import planning, reading

    columns, rows = reading.rows(ImportJob.objects.get(pk=job.pk))
    assert save_batch(job, planning.planner_for(job, columns), rows[:10], 0) is False
    assert Department.objects.count() == 10
    monkeypatch.setattr(services, "_save_batch", save_batch)
    assert services.import_job_run(job_id=job.pk) is True  # the task is delivered again (acks_late)
    job.refresh_from_db()
    assert (Department.objects.count(), job.saved_count, job.conflict_count) == (25, 25, 0)


def test_the_job_page_takes_the_same_queries_for_few_and_many_rows(admin_client, upload, world):
    def queries(rows: int) -> int:
        job = upload("department", department_file(rows, start=rows * 1000)).context["job"]
        url = reverse("admin:housing_department_import_job", args=[job.pk])
        admin_client.get(url)  # warm-up
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(url).status_code == 200
        return len(captured)

    assert queries(3) == queries(250)


def test_a_batch_that_meets_a_locked_database_is_tried_again(monkeypatch):
    from django.db import OperationalError

    monkeypatch.setattr(services.time, "sleep", lambda seconds: None)
    attempts = []

    def save():
        attempts.append(1)
        if len(attempts) < 3:
            raise OperationalError("database is locked")
        return True

    assert services._retry_when_locked(save) is True
    assert len(attempts) == 3


def queries_for(rows: int, world_admin) -> tuple[int, int]:
    from housing.imports import reading

    data = department_file(rows, start=rows * 1000).encode()
    upload = reading.read_upload(data, kind=ImportJob.Kind.DEPARTMENTS, encoding_choice="auto")
    job = ImportJob.objects.create(
        kind=ImportJob.Kind.DEPARTMENTS,
        created_by=world_admin,
        confirmed_by=world_admin,
        file_name="a.csv",
        data=data,
        encoding=upload.encoding,
        delimiter=upload.delimiter,
        total_rows=upload.total_rows,
    )
    with CaptureQueriesContext(connection) as preview:
        services.import_job_preview(job_id=job.pk)
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.IMPORTING)
    with CaptureQueriesContext(connection) as run:
        services.import_job_run(job_id=job.pk)
    assert ImportJob.objects.get(pk=job.pk).saved_count == rows
    return len(preview), len(run)


def test_no_query_per_row_in_the_preview_or_the_import(world, administrator, settings):
    settings.CSV_IMPORT_BATCH_ROWS = 1000
    settings.CSV_IMPORT_BATCH_PAUSE_SECONDS = 0
    queries_for(5, administrator)  # caches (content types) warm, as in a running worker
    assert queries_for(20, administrator) == queries_for(60, administrator)


def test_updates_take_no_query_per_row_either(world, administrator, settings):
    settings.CSV_IMPORT_BATCH_ROWS = 1000
    settings.CSV_IMPORT_BATCH_PAUSE_SECONDS = 0
    for rows in (20, 60):
        queries_for(rows, administrator)
    # The same departments again, each with a new number of homes.
    Department.objects.update(number_of_homes=1)
    assert queries_for(20, administrator)[1] == queries_for(60, administrator)[1]


def broker_down(*args, **kwargs):
    raise OperationalError("Connection refused")


def test_an_import_whose_hand_off_was_lost_is_previewed_by_the_sweeper(
    admin_client, world, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.CSV_IMPORT_ASYNC_ROWS = 5
    with monkeypatch.context() as patched:
        patched.setattr(tasks.import_preview, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                reverse("admin:housing_department_import"),
                {"import_file": SimpleUploadedFile("stor.csv", department_file(6).encode()), "encoding": "auto"},
            )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.state == ImportJob.State.PENDING

    assert services.import_jobs_requeue() == 0
    assert services.import_jobs_requeue(now=timezone.now() + timedelta(minutes=3)) == 1
    job.refresh_from_db()
    assert job.state == ImportJob.State.PREVIEWED and job.total_rows == 6
    assert "Af rækkerne i filen er 6 nye" in admin_client.get(response["Location"]).content.decode()
    assert services.import_jobs_requeue(now=timezone.now() + timedelta(minutes=3)) == 0, (
        "a previewed file waits for its confirm"
    )
