"""The one way to fetch a protected object for a user: from a permission-filtered
queryset, or 404. Refusals are logged with ids only, never personal data."""

import logging
from typing import Any, TypeVar

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

logger = logging.getLogger("bindeled.access")


M = TypeVar("M", bound=Model)


def get_visible_or_404(queryset: QuerySet[M], *, user: User | AnonymousUser, **lookup: Any) -> M:
    """Return the one object in the user's visible queryset matching lookup, else 404.

    A user who may not see an object gets 404, not 403, so existence does not leak.
    """
    try:
        return queryset.get(**lookup)
    except ObjectDoesNotExist:
        logger.warning(
            "access refused user_id=%s model=%s",
            getattr(user, "pk", None),
            queryset.model._meta.label,
        )
        raise Http404 from None
