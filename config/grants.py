"""django-guardian's per-object grants, OR-ed into a selector's queryset as Exists()."""

from typing import Any

from django.contrib.auth.models import Permission, User
from django.db.models import Exists, OuterRef, Q


def granted(
    user: User,
    codename: str,
    *,
    # A UserObjectPermissionBase / GroupObjectPermissionBase subclass with a direct
    # content_object foreign key (the stubs know only the abstract bases).
    user_grants: Any,
    group_grants: Any,
) -> Q:
    """Whether the row (OuterRef("pk")) is granted `codename` to the user or to one of
    their groups, through the model's direct-foreign-key permission tables. One
    subquery each, compiled into the caller's query: no id lists in Python."""
    model = user_grants._meta.get_field("content_object").related_model._meta
    permission = Permission.objects.filter(
        content_type__app_label=model.app_label, content_type__model=model.model_name, codename=codename
    )
    return Q(
        Exists(user_grants.objects.filter(content_object=OuterRef("pk"), user=user, permission__in=permission))
    ) | Q(
        Exists(group_grants.objects.filter(content_object=OuterRef("pk"), group__user=user, permission__in=permission))
    )
