"""Small helpers for requests and responses that every app shares."""

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request: HttpRequest, value: str | None, *, default: str) -> str:
    """A return address taken from the request, if it is a path on this site; else the
    default. Only a path: redirect() would try anything else as a view name (a 500),
    and a full URL could send the user elsewhere."""
    if (
        value
        and value.startswith("/")
        and not value.startswith("//")
        and "\\" not in value
        and url_has_allowed_host_and_scheme(
            value, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return value
    return default
