"""Logging in with django-axes: the tries left before the lock, the lock page, and
lifting the lock when a user has chosen a new password through the reset link."""

import logging
import math
from datetime import datetime, timedelta

from axes.conf import settings  # Django's settings with django-axes' defaults filled in
from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.contrib.auth.models import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext

log = logging.getLogger("bindeled.auth")

# From this wrong try on the login form says how many are left: one or two typos
# need no warning, but nobody should be locked out without being told first.
WARN_FROM_FAILURE = 3
LOCKOUT_TEMPLATE = "registration/locked_out.html"


def cool_off_minutes(request: HttpRequest | None = None) -> int:
    cool_off = get_cool_off(request) or timedelta()
    return int(cool_off.total_seconds() // 60)


def tries_left(request: HttpRequest, username: str | None) -> int | None:
    """How many wrong passwords are left before the lock, from the third wrong one on.

    django-axes counts the username as typed (with the address), so an unknown
    username is counted and told exactly like a real one: nothing reveals which exist.
    """
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None or failures < WARN_FROM_FAILURE:
        return None
    return max(get_failure_limit(request, {"username": username}) - failures, 0)


def invalid_login_message(request: HttpRequest, username: str | None) -> str:
    """The login form's error after a wrong username or password."""
    message = gettext("Forkert brugernavn eller adgangskode.")
    left = tries_left(request, username)
    if left:
        message += " " + ngettext(
            "Du har %(left)d forsøg tilbage, før login spærres i %(minutes)d minutter.",
            "Du har %(left)d forsøg tilbage, før login spærres i %(minutes)d minutter.",
            left,
        ) % {"left": left, "minutes": cool_off_minutes(request)}
    return message


def unlocks_at(request: HttpRequest, username: str | None) -> datetime | None:
    """When the lock on this username from this address ends: the cool-off counts from
    the wrong try that locked it (tries during the lock are not counted, see settings)."""
    cool_off = get_cool_off(request)
    last = (
        AccessAttempt.objects.filter(username=username, ip_address=getattr(request, "axes_ip_address", None))
        .order_by("-attempt_time")
        .values_list("attempt_time", flat=True)
        .first()
    )
    if cool_off is None or last is None:
        return None
    # Shown in whole minutes, rounded up: trying at the minute shown works.
    return datetime.fromtimestamp(math.ceil((last + cool_off).timestamp() / 60) * 60, tz=last.tzinfo)


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: dict | None = None
) -> HttpResponse:
    """The lock page (AXES_LOCKOUT_CALLABLE): what happened, when it ends, and that a new
    password ends it at once."""
    username = get_client_username(request, credentials)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "cooloff_minutes": cool_off_minutes(request),
        "unlocks_at": unlocks_at(request, username),
    }
    return render(request, LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)


def lockout_lift(*, user: AbstractBaseUser) -> int:
    """Lift every lock on the user's username, from every address: they have just chosen
    a new password through the link sent to their e-mail, which proves more than a
    password does. Returns how many locks (attempt records) were removed."""
    count = reset(username=user.get_username())
    if count:
        log.info("login lock lifted after a password reset for user %s", user.pk)
    return count
