"""Writes with rules about people and roles."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from contacts.models import ContactPerson, RulesAcceptance

ADMINISTRATORS_GROUP = "Administratorer"

# Administrators keep the master data; case content stays out of their reach
# (separation of duties), so only these apps' models are granted.
ADMINISTRATOR_APPS = ("housing", "contacts")
ADMINISTRATOR_AUTH_CODENAMES = ("view_user", "add_user", "change_user", "view_group")


@transaction.atomic
def administrators_group_ensure() -> Group:
    """Create or refresh the administrators' group with exactly the master-data permissions."""
    group, _ = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    permissions = Permission.objects.filter(content_type__app_label__in=ADMINISTRATOR_APPS) | Permission.objects.filter(
        content_type__app_label="auth", codename__in=ADMINISTRATOR_AUTH_CODENAMES
    )
    group.permissions.set(permissions)
    return group


@transaction.atomic
def rules_accept(*, user) -> RulesAcceptance:
    """Record that a contact person has read and accepted the confidentiality rules."""
    person = ContactPerson.objects.get(user=user, active=True)
    return RulesAcceptance.objects.create(contact_person=person, rules_version=settings.RULES_VERSION)
