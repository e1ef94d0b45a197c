"""Which of Bindeled's roles a signed-in user has. Deny by default: no role, no access."""

import logging
from collections.abc import Callable, Mapping
from enum import StrEnum
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import resolve_url

from contacts.models import Advisor, AssociationStaff, ContactPerson

_CACHE_ATTR = "_bindeled_role"
logger = logging.getLogger("bindeled.access")
ViewFunction = Callable[..., HttpResponseBase]


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    ADVISOR = "advisor"
    CASEWORKER = "caseworker"
    CONTACT_PERSON = "contact_person"
    ASSOCIATION_STAFF = "association_staff"
    NONE = "none"


def role_of(user: User | AnonymousUser | None) -> Role:
    """The user's role, resolved in one query and cached on the user object."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Role.NONE
    cached: Role | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if user.is_staff:
        role = Role.ADMINISTRATOR
    else:
        active_advisor = Advisor.objects.filter(user=OuterRef("pk"), active=True)
        flags: Mapping[str, object] = (
            get_user_model()
            .objects.filter(pk=user.pk)
            .annotate(
                is_caseworker=Exists(active_advisor.filter(function=Advisor.Function.HOMELESSNESS_CASEWORKER)),
                is_advisor=Exists(active_advisor.exclude(function=Advisor.Function.HOMELESSNESS_CASEWORKER)),
                is_contact_person=Exists(ContactPerson.objects.filter(user=OuterRef("pk"), active=True)),
                is_association_staff=Exists(AssociationStaff.objects.filter(user=OuterRef("pk"), active=True)),
            )
            .values("is_caseworker", "is_advisor", "is_contact_person", "is_association_staff")
            .first()
        ) or {}
        municipal = flags.get("is_advisor") or flags.get("is_caseworker")
        external = flags.get("is_contact_person") or flags.get("is_association_staff")
        if municipal and external:
            # One login, one role: a housing department's or association's login that
            # also has a municipal role would reach cases. Refuse both until fixed.
            logger.warning("login %s has both a municipal and an external role; access refused", user.pk)
            role = Role.NONE
        elif flags.get("is_advisor"):
            role = Role.ADVISOR
        elif flags.get("is_caseworker"):
            role = Role.CASEWORKER
        elif flags.get("is_contact_person"):
            role = Role.CONTACT_PERSON
        elif flags.get("is_association_staff"):
            role = Role.ASSOCIATION_STAFF
        else:
            role = Role.NONE
    setattr(user, _CACHE_ATTR, role)
    return role


def role_required(*allowed: Role) -> Callable[[ViewFunction], ViewFunction]:
    """Let signed-in users with one of the allowed roles in; everyone else gets 404."""

    def decorator(view: ViewFunction) -> ViewFunction:
        signed_in_view = login_required(view)

        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                if request.headers.get("HX-Request"):
                    # A background poll after logout must not swap the login page into the page.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = resolve_url(settings.LOGIN_URL)
                    return response
                return signed_in_view(request, *args, **kwargs)
            if role_of(request.user) not in allowed:
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
