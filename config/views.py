"""Project-wide views that belong to no app: health check and error pages."""

import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger("bindeled.health")


def _database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        logger.exception("health check: database unavailable")
        return False


def _broker_ok() -> bool | None:
    """True/False when a broker is configured, None when Celery runs eagerly."""
    if not settings.REDIS_URL:
        return None
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=settings.BROKER_TIMEOUT_SECONDS,
            socket_timeout=settings.BROKER_TIMEOUT_SECONDS,
        )
        return bool(client.ping())
    except redis.RedisError:
        logger.warning("health check: broker unavailable")
        return False


@never_cache
@require_GET
def healthz(request):
    """Answer 200 when the database and (if configured) the broker answer, else 503."""
    database = _database_ok()
    broker = _broker_ok()
    healthy = database and broker is not False
    body = {
        "status": "ok" if healthy else "unavailable",
        "database": "ok" if database else "unavailable",
        "broker": {None: "not configured", True: "ok", False: "unavailable"}[broker],
    }
    return JsonResponse(body, status=200 if healthy else 503)
