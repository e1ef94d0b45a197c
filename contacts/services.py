"""Writes with rules about people and roles."""

from django.conf import settings
from django.contrib.auth.models import Group, Permission, User
from django.db import transaction
from django.db.models import Q

from contacts.models import ContactPerson, RulesAcceptance

ADMINISTRATORS_GROUP = "Administratorer"

# Administrators keep the master data; case content stays out of their reach
# (separation of duties), so only these models are granted.
ADMINISTRATOR_MODELS = {
    "housing": ("housingorganisation", "district", "department", "dwelling"),
    "contacts": ("team", "advisor", "contactperson", "appointment", "associationstaff", "rulesacceptance"),
    "cases": ("shelter", "supportkind", "cohort", "cohortgroup"),
}
ADMINISTRATOR_AUTH_CODENAMES = ("view_user", "add_user", "change_user", "view_group")
# Concerns and cases point at these (PROTECT), and Django's delete confirmation lists
# what blocks a delete by its reference (BH-…, SAG-…): administrators deactivate or
# rename instead. None means every model of the app.
ADMINISTRATOR_NO_DELETE = {
    "housing": None,
    "contacts": ("team",),  # Case.team
    "cases": ("shelter", "supportkind"),  # stays and support decisions point at them
}


@transaction.atomic
def administrators_group_ensure() -> Group:
    """Create or refresh the administrators' group with exactly the master-data permissions."""
    group, _ = Group.objects.get_or_create(name=ADMINISTRATORS_GROUP)
    permissions = Permission.objects.filter(content_type__app_label="auth", codename__in=ADMINISTRATOR_AUTH_CODENAMES)
    for app_label, models in ADMINISTRATOR_MODELS.items():
        granted = Permission.objects.filter(content_type__app_label=app_label, content_type__model__in=models)
        if app_label in ADMINISTRATOR_NO_DELETE:
            no_delete = ADMINISTRATOR_NO_DELETE[app_label]
            undeletable = Q(codename__startswith="delete_")
            if no_delete is not None:
                undeletable &= Q(content_type__model__in=no_delete)
            granted = granted.exclude(undeletable)
        permissions |= granted
    group.permissions.set(permissions)
    return group


@transaction.atomic
def rules_accept(*, user: User) -> RulesAcceptance:
    """Record that a contact person has read and accepted the confidentiality rules."""
    person = ContactPerson.objects.get(user=user, active=True)
    return RulesAcceptance.objects.create(contact_person=person, rules_version=settings.RULES_VERSION)
