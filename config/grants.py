"""django-guardian's per-object grants, OR-ed into a selector's queryset as Exists()."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, Permission
from django.db.models import Exists, OuterRef, Q
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase


def granted(
    user: AbstractBaseUser | AnonymousUser,
    codename: str,
    *,
    user_grants: type[UserObjectPermissionBase],
    group_grants: type[GroupObjectPermissionBase],
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
