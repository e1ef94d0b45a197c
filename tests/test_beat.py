"""Every task Celery beat runs exists and runs: a broken import there fails silently in
production (the reminders simply stop)."""

import pytest
from django.conf import settings

from config.celery import app


@pytest.mark.django_db
@pytest.mark.parametrize("entry", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_each_scheduled_task_runs(entry):
    name = settings.CELERY_BEAT_SCHEDULE[entry]["task"]
    app.loader.import_default_modules()
    assert name in app.tasks, f"beat schedules {name}, which no module registers"
    result = app.tasks[name].apply()
    assert result.successful(), result.traceback
    assert isinstance(result.result, int)
