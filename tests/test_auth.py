"""Logging in and out, lockout, password reset, session rules."""

import math
import re
import time
from datetime import UTC, datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from config.middleware import LAST_ACTIVITY_KEY, SESSION_STARTED_KEY

pytestmark = pytest.mark.django_db

PASSWORD = "korrekt-hest-batteri-42"


def login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_login_page_is_danish(client):
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="da">' in body
    assert "Brugernavn" in body and "Adgangskode" in body


def test_login_with_the_right_password_lands_on_the_start_page(client, reporter):
    response = login(client, reporter.username, PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("start")


def test_login_creates_a_new_session_id(client, reporter):
    client.get(reverse("login"))
    client.cookies["sessionid"] = "anonymous-session-id-set-by-an-attacker"
    login(client, reporter.username, PASSWORD)
    assert client.cookies["sessionid"].value != "anonymous-session-id-set-by-an-attacker"


def test_wrong_password_shows_a_danish_error_and_keeps_the_username(client, reporter):
    response = login(client, reporter.username, "forkert-adgangskode")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Der er problemer" in body
    assert "Forkert brugernavn eller adgangskode." in body
    assert f'value="{reporter.username}"' in body


def test_account_locks_after_repeated_wrong_passwords(client, reporter, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, reporter.username, "forkert-adgangskode")
    # Now even the right password is refused, with a Danish explanation.
    response = login(client, reporter.username, PASSWORD)
    assert response.status_code == 429
    body = response.content.decode()
    assert "Din konto er midlertidigt låst" in body
    assert "15 minutter" in body
    assert "_auth_user_id" not in client.session


TRIES_LEFT = re.compile(r"Du har (\d+) forsøg tilbage, før login spærres i (\d+) minutter\.")


def _error_message(response) -> str:
    """The login form's error, as the error summary shows it."""
    body = response.content.decode()
    return re.search(r'<ul class="alert-text nobullet-list">\s*<li>(.*?)</li>', body, re.S).group(1).strip()


def test_from_the_third_wrong_try_the_form_says_how_many_are_left(client, reporter, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    messages = [_error_message(login(client, reporter.username, "forkert-adgangskode")) for _ in range(4)]
    # Two typos are just typos; from the third on, the user is told before the lock.
    assert messages[:2] == ["Forkert brugernavn eller adgangskode."] * 2
    assert messages[2] == (
        "Forkert brugernavn eller adgangskode. Du har 2 forsøg tilbage, før login spærres i 15 minutter."
    )
    assert messages[3] == (
        "Forkert brugernavn eller adgangskode. Du har 1 forsøg tilbage, før login spærres i 15 minutter."
    )
    assert login(client, reporter.username, "forkert-adgangskode").status_code == 429


def test_tries_left_read_the_same_whether_the_username_exists_or_not(client, reporter):
    for _ in range(3):
        known = login(client, reporter.username, "forkert-adgangskode")
        unknown = login(client, "findes-ikke", "forkert-adgangskode")
    assert _error_message(known) == _error_message(unknown)
    assert TRIES_LEFT.search(_error_message(unknown)).groups() == ("2", "15")


def test_tries_left_follow_the_lockout_settings(client, reporter, settings):
    settings.AXES_FAILURE_LIMIT = 7
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    for _ in range(3):
        response = login(client, reporter.username, "forkert-adgangskode")
    assert TRIES_LEFT.search(_error_message(response)).groups() == ("4", "30")


def test_a_right_password_starts_the_count_again(client, reporter):
    for _ in range(3):
        login(client, reporter.username, "forkert-adgangskode")
    assert login(client, reporter.username, PASSWORD).status_code == 302
    client.logout()
    assert _error_message(login(client, reporter.username, "forkert-adgangskode")) == (
        "Forkert brugernavn eller adgangskode."
    )


def _lock(client, user, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, user.username, "forkert-adgangskode")
    assert response.status_code == 429
    return response


def _move_lock_back(user, minutes: float) -> None:
    """As if the wrong tries were made `minutes` earlier."""
    for attempt in AccessAttempt.objects.filter(username=user.username):
        attempt.attempt_time -= timedelta(minutes=minutes)
        attempt.save(update_fields=["attempt_time"])


def test_the_lock_ends_after_the_cool_off_also_when_tried_during_it(client, reporter, settings):
    _lock(client, reporter, settings)
    _move_lock_back(reporter, 10)
    assert login(client, reporter.username, PASSWORD).status_code == 429  # still locked
    _move_lock_back(reporter, 5.5)
    # 15½ minutes after the lock: the try at 10 minutes did not start the wait again.
    assert login(client, reporter.username, PASSWORD).status_code == 302


def test_the_lock_page_says_when_to_try_again(client, reporter, settings):
    body = _lock(client, reporter, settings).content.decode()
    locked_at = AccessAttempt.objects.get(username=reporter.username).attempt_time
    # The next whole minute after the cool-off: trying then works.
    unlocks = (locked_at + settings.AXES_COOLOFF_TIME).timestamp()
    shown = timezone.localtime(datetime.fromtimestamp(math.ceil(unlocks / 60) * 60, tz=UTC))
    assert f"kl. {shown:%H.%M}" in body
    assert "15 minutter" in body
    # The lock covers this username on this computer, not the colleague next to you.
    assert "fra denne computer" in body


def test_an_unknown_username_is_locked_with_the_same_page(client, reporter, settings):
    known = _lock(client, reporter, settings).content.decode()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = login(client, "findes-ikke", "forkert-adgangskode")
    assert response.status_code == 429

    def without_token_and_time(body):
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|kl\. \d\d\.\d\d', "", body)

    assert without_token_and_time(response.content.decode()) == without_token_and_time(known)


def test_the_lock_page_follows_the_cool_off_setting(client, reporter, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    assert "30 minutter" in _lock(client, reporter, settings).content.decode()


def _reset_password(client, user, new_password) -> None:
    client.post(reverse("password_reset"), {"email": user.email})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/accounts/reset/" in line)
    response = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": new_password, "new_password2": new_password})
    assert response.status_code == 302


def test_a_new_password_through_the_reset_link_lifts_the_lock(client, reporter, settings):
    body = _lock(client, reporter, settings).content.decode()
    # The lock page says so, and links to it.
    assert "vælger en ny adgangskode" in body
    assert f'href="{reverse("password_reset")}"' in body
    new = "et-langt-nyt-kodeord-efter-spaerring"
    _reset_password(client, reporter, new)
    assert login(client, reporter.username, new).status_code == 302


def test_a_password_reset_lifts_the_lock_from_every_address(client, reporter, settings):
    for address in ("10.0.0.1", "10.0.0.2"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            client.post(
                reverse("login"),
                {"username": reporter.username, "password": "forkert"},
                REMOTE_ADDR=address,
            )
    assert AccessAttempt.objects.filter(username=reporter.username).count() == 2
    _reset_password(client, reporter, "et-langt-nyt-kodeord-efter-spaerring")
    assert not AccessAttempt.objects.filter(username=reporter.username).exists()


def test_a_password_reset_leaves_other_logins_locked(client, reporter, advisor, settings):
    _lock(client, advisor, settings)
    _reset_password(client, reporter, "et-langt-nyt-kodeord-efter-spaerring")
    assert AccessAttempt.objects.filter(username=advisor.username).exists()


def test_lockout_is_per_username_and_address(client, reporter, advisor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        login(client, reporter.username, "forkert-adgangskode")
    # Someone hammering one account does not lock out a colleague at the same address.
    response = login(client, advisor.username, PASSWORD)
    assert response.status_code == 302


def test_logout_needs_post_and_ends_the_session(client, reporter):
    client.force_login(reporter)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("start")).status_code == 302


def test_password_reset_sends_a_link_without_personal_data(client, reporter):
    response = client.post(reverse("password_reset"), {"email": reporter.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [reporter.email]
    assert "Nulstil din adgangskode til Bindeled" in message.subject
    assert "/accounts/reset/" in message.body
    assert reporter.last_name not in message.body


def test_password_reset_for_unknown_address_says_the_same_and_sends_nothing(client):
    response = client.post(reverse("password_reset"), {"email": "ukendt@example.dk"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_password_reset_link_sets_a_new_password(client, reporter):
    client.post(reverse("password_reset"), {"email": reporter.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    form_url = response.redirect_chain[-1][0]
    response = client.post(form_url, {"new_password1": "kort", "new_password2": "kort"})
    assert "mindst 12 tegn" in response.content.decode()
    new = "et-langt-nyt-kodeord-til-bindeled"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    client.logout()
    assert login(client, reporter.username, new).status_code == 302


def test_password_longer_than_128_characters_is_refused(client, reporter):
    client.force_login(reporter)
    too_long = "a1b2c3d4" * 17
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": too_long, "new_password2": too_long},
    )
    assert response.status_code == 200
    assert "højst være 128 tegn" in response.content.decode()


def test_session_ends_after_the_absolute_timeout(client, reporter, settings):
    client.force_login(reporter)
    assert client.get(reverse("start")).status_code == 200
    session = client.session
    session[SESSION_STARTED_KEY] = time.time() - settings.SESSION_ABSOLUTE_SECONDS - 1
    session.save()
    response = client.get(reverse("start"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


POLL = {"HX-Request": "true", "X-Bindeled-Background": "1"}


def test_the_cookie_outlives_the_idle_timeout_which_the_middleware_keeps(settings):
    # The idle clock is the middleware's job; the session row lasts until the absolute timeout.
    assert settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_SECONDS


def test_the_session_is_written_at_most_once_a_minute(client, reporter, clock):
    """Clicks within a minute do not save the session (three queries each); the next
    click after it moves the idle clock on."""
    from django.contrib.sessions.models import Session

    client.force_login(reporter)
    assert client.get(reverse("start")).status_code == 200
    first = client.session[LAST_ACTIVITY_KEY]
    saved = Session.objects.get().expire_date
    clock.advance(30)
    assert client.get(reverse("start")).status_code == 200
    assert client.session[LAST_ACTIVITY_KEY] == first
    assert Session.objects.get().expire_date == saved
    clock.advance(31)
    assert client.get(reverse("start")).status_code == 200
    assert client.session[LAST_ACTIVITY_KEY] == clock.now


def test_session_ends_after_30_idle_minutes(client, reporter, clock):
    client.force_login(reporter)
    assert client.get(reverse("start")).status_code == 200
    clock.advance(31 * 60)
    response = client.get(reverse("referrals:list"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('referrals:list')}"
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("start")).status_code == 302


def test_real_activity_keeps_the_session_alive(client, reporter, clock):
    client.force_login(reporter)
    for _ in range(4):  # two hours, a click every 29 minutes
        clock.advance(29 * 60)
        assert client.get(reverse("start")).status_code == 200
    assert client.session[LAST_ACTIVITY_KEY] == clock.now


def test_background_polls_do_not_extend_the_idle_time(client, advisor, clock):
    client.force_login(advisor)
    assert client.get(reverse("referrals:list")).status_code == 200
    last_activity = client.session[LAST_ACTIVITY_KEY]
    for _ in range(29):  # the queue's hx-trigger="every 60s"
        clock.advance(60)
        assert client.get(reverse("referrals:list"), headers=POLL).status_code == 200
    assert client.session[LAST_ACTIVITY_KEY] == last_activity
    clock.advance(2 * 60)  # 31 minutes since the last click
    response = client.get(reverse("referrals:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_htmx_poll_after_idle_gets_hx_redirect_to_login(client, advisor, clock):
    client.force_login(advisor)
    client.get(reverse("referrals:list"))
    clock.advance(31 * 60)
    response = client.get(reverse("referrals:list"), headers=POLL)
    # A 302 would be followed inside the XHR and the login page swapped into the queue.
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("login")
    assert client.get(reverse("start")).status_code == 302


def test_the_queue_marks_its_poll_as_background(client, advisor):
    client.force_login(advisor)
    body = client.get(reverse("referrals:list")).content.decode()
    assert 'hx-trigger="every 60s"' in body
    assert """hx-headers='{"X-Bindeled-Background": "1"}'""" in body


def test_session_ends_after_the_absolute_timeout_however_active(client, reporter, clock, settings):
    client.force_login(reporter)
    assert client.get(reverse("start")).status_code == 200
    signed_in_at = clock.now
    while clock.now + 20 * 60 <= signed_in_at + settings.SESSION_ABSOLUTE_SECONDS:
        clock.advance(20 * 60)  # a click every 20 minutes, all day
        assert client.get(reverse("start")).status_code == 200
    clock.advance(20 * 60)
    # A POST is not replayed after login ("next" would be a GET of it): plain login page.
    response = client.post(reverse("referrals:rules"), {"accept": "on"})
    assert response.status_code == 302
    assert response.url == reverse("login")


def test_deactivated_account_is_signed_out_at_once(client, reporter):
    client.force_login(reporter)
    reporter.is_active = False
    reporter.save(update_fields=["is_active"])
    response = client.get(reverse("start"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_signed_in_pages_are_never_cached(client, reporter):
    client.force_login(reporter)
    response = client.get(reverse("start"))
    assert "no-store" in response["Cache-Control"]


def test_pages_carry_a_strict_content_security_policy(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_english_is_available_on_request(client):
    client.cookies["django_language"] = "en"
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in body
    assert "Log in" in body


def test_an_htmx_poll_after_logout_is_sent_to_login_not_swapped_in(client):
    response = client.get("/referrals/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/"


def test_changes_to_logins_are_audit_logged_without_the_password(client, administrator, reporter):
    from auditlog.models import LogEntry

    reporter.first_name = "Omdøbt"
    reporter.set_password("et-helt-nyt-kodeord-2026")
    reporter.save()
    entry = LogEntry.objects.get_for_object(reporter).latest("timestamp")
    assert "first_name" in entry.changes_dict
    assert "password" not in entry.changes_dict
