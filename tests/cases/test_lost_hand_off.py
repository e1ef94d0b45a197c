"""When the broker is down at the moment a case file is handed to Celery, the page that
waits for it must not wait for ever: a beat task hands the work over again."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from cases import tasks as case_tasks
from cases.models import CaseFileExport
from cases.services import export

pytestmark = pytest.mark.django_db

LATER = timedelta(minutes=3)


def broker_down(*args, **kwargs):
    raise OperationalError("Connection refused")


def test_a_case_file_whose_hand_off_was_lost_is_made_by_the_sweeper(
    client, caseworker, case, monkeypatch, django_capture_on_commit_callbacks
):
    client.force_login(caseworker)
    with monkeypatch.context() as patched:
        patched.setattr(case_tasks.case_file_render, "delay", broker_down)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("cases:export_start", args=[case.reference]))
    # The request itself succeeds; the file just has not been started.
    assert response.status_code == 302
    assert "Sagsakterne er klar" not in client.get(response.url).content.decode()

    assert export.case_file_exports_requeue() == 0, "too soon: it may still be on its way"
    with monkeypatch.context() as patched:
        patched.setattr(case_tasks.case_file_render, "delay", broker_down)
        assert export.case_file_exports_requeue(now=timezone.now() + LATER) == 0, "still down: try again later"
    assert export.case_file_exports_requeue(now=timezone.now() + LATER) == 1

    assert "Sagsakterne er klar" in client.get(response.url).content.decode()
    assert CaseFileExport.objects.get().state == CaseFileExport.State.DONE
    assert export.case_file_exports_requeue(now=timezone.now() + LATER) == 0, "a made file is not made again"
