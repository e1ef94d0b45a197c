"""Session and caching rules that apply to every signed-in page."""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.cache import patch_cache_control
from django_htmx.middleware import HtmxDetails

SESSION_STARTED_KEY = "bindeled_signed_in_at"
LAST_ACTIVITY_KEY = "bindeled_last_activity"
# Sent by requests the page makes on its own (the queue's 60-second poll): they are
# not the user doing anything, so they must not keep an unattended screen signed in.
BACKGROUND_HEADER = "X-Bindeled-Background"


# How often the idle clock is moved on: the session may end up to this much before
# SESSION_IDLE_SECONDS after the very last click.
ACTIVITY_RESOLUTION_SECONDS = 60


class SessionTimeoutMiddleware:
    """End a session after SESSION_IDLE_SECONDS without user activity (idle timeout)
    and SESSION_ABSOLUTE_SECONDS after login however active it is (absolute timeout).

    The idle clock is kept in the session rather than in the cookie's age (the cookie
    lasts until the browser closes; the session row until the absolute timeout).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            session = request.session
            started = session.get(SESSION_STARTED_KEY)
            last_activity = session.get(LAST_ACTIVITY_KEY)
            if started is None:
                session[SESSION_STARTED_KEY] = started = now
            if now - started > settings.SESSION_ABSOLUTE_SECONDS or (
                last_activity is not None and now - last_activity > settings.SESSION_IDLE_SECONDS
            ):
                logout(request)
                return self.to_login(request)
            if last_activity is None or (
                request.headers.get(BACKGROUND_HEADER) != "1" and now - last_activity >= ACTIVITY_RESOLUTION_SECONDS
            ):
                # Written at most once a minute: a session is saved only when it
                # changes, and saving it on every request cost three queries each.
                session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)

    @staticmethod
    def to_login(request):
        # HtmxMiddleware runs after this one, so request.htmx is not there yet.
        if getattr(request, "htmx", None) or HtmxDetails(request):
            # A redirect would be followed inside the XHR and the login page swapped
            # into the queue; HX-Redirect makes htmx load the login page as a page.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
            return response
        if request.method == "GET":
            # The path only: a query string could carry what the user searched for.
            return redirect_to_login(request.path)
        # After login, "next" would be a GET of a POST-only address: go to the start page.
        return redirect(settings.LOGIN_URL)


class NoStoreForSignedInMiddleware:
    """Pages seen by a signed-in user may carry personal data: never cache them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "user", None) is not None and request.user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response


class DanishFirstLocaleMiddleware:
    """Danish unless the user picked another language (cookie from set_language).

    A municipal system answers in Danish whatever the browser's Accept-Language says.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # override, not activate: the thread's language is restored after the response,
        # so one user's choice never leaks into the next request the thread serves.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class RefusedObjectPageMiddleware:
    """A page the user may not see answers with the Danish 404 page, also in the demo
    (DEBUG), where Django would show its technical page with the URL patterns. An
    address that matches no page at all still gets Django's page while developing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if settings.DEBUG and isinstance(exception, Http404):
            return render(request, "404.html", status=404)
        return None
