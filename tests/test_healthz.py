"""/healthz answers 200 when the database and the broker answer, 503 otherwise."""

import os
import socket

import pytest

from tests.conftest import skip_or_fail

pytestmark = pytest.mark.django_db


def test_healthy_without_a_broker_when_celery_runs_eagerly(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "not configured"}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_unavailable_when_the_broker_does_not_answer(client, settings):
    # A port nobody listens on: connection refused at once.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port}/0"
    settings.BROKER_TIMEOUT_SECONDS = 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"
    assert response.json()["database"] == "ok"


@pytest.mark.services
def test_healthy_with_a_real_redis(client, settings):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        skip_or_fail("REDIS_URL is not set: no Redis to check against")
    settings.REDIS_URL = redis_url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["broker"] == "ok"


@pytest.mark.services
def test_suite_runs_on_postgresql_when_asked(settings):
    from django.db import connection

    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        skip_or_fail("DATABASE_URL does not point at PostgreSQL")
    assert connection.vendor == "postgresql"
