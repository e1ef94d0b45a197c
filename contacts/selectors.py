"""Permission-filtered reads about people: start pages and who to call."""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from config.access import get_visible_or_404
from contacts.models import Advisor, Appointment, AssociationStaff, RulesAcceptance
from housing.models import Department, District, Dwelling
from housing.selectors import departments_visible_to


def appointments_of(user) -> QuerySet[Appointment]:
    """The departments a contact person serves, with their capacity there."""
    return (
        Appointment.objects.filter(contact_person__user=user, contact_person__active=True)
        .select_related("department__organisation", "department__district")
        .order_by("department__name")
    )


def districts_covered_by(user) -> QuerySet[District]:
    """The districts an advisor covers, with how many departments each has."""
    return (
        District.objects.filter(advisors__user=user, advisors__active=True)
        .annotate(department_count=Count("departments", distinct=True))
        .order_by("name")
    )


def advisor_of(user) -> Advisor | None:
    return Advisor.objects.select_related("team").filter(user=user, active=True).first()


def association_staff_of(user) -> AssociationStaff | None:
    return AssociationStaff.objects.select_related("organisation").filter(user=user, active=True).first()


@dataclass(frozen=True)
class WhoToCall:
    department: Department
    appointments: list[Appointment]
    advisors: list[Advisor]


def who_to_call_for(user, department_pk: int) -> WhoToCall:
    """A department's contact persons and the advisors covering its district, or 404."""
    department = get_visible_or_404(
        departments_visible_to(user).prefetch_related(
            Prefetch(
                "appointments",
                queryset=Appointment.objects.filter(contact_person__active=True)
                .select_related("contact_person__user")
                .order_by("capacity", "contact_person__user__first_name"),
                to_attr="active_appointments",
            ),
            Prefetch(
                "district__advisors",
                queryset=Advisor.objects.filter(active=True, user__is_active=True)
                .exclude(function=Advisor.Function.HOMELESSNESS_CASEWORKER)
                .select_related("user", "team"),
                to_attr="active_advisors",
            ),
        ),
        user=user,
        pk=department_pk,
    )
    return WhoToCall(
        department=department,
        appointments=department.active_appointments,
        advisors=department.district.active_advisors,
    )


def rules_accepted(user) -> bool:
    """Has this contact person accepted the confidentiality rules within the last year?"""
    since = timezone.now() - timedelta(days=settings.RULES_ACCEPTANCE_DAYS)
    return RulesAcceptance.objects.filter(
        contact_person__user=user, rules_version=settings.RULES_VERSION, accepted_at__gte=since
    ).exists()


def rules_accepted_on(user):
    """When the user last accepted the current rules (None if never)."""
    acceptance = RulesAcceptance.objects.filter(contact_person__user=user, rules_version=settings.RULES_VERSION).first()
    return acceptance.accepted_at if acceptance else None


def dwellings_served_by(user) -> QuerySet[Dwelling]:
    """The homes in the departments a contact person serves, for the concern form."""
    return (
        Dwelling.objects.filter(
            department__appointments__contact_person__user=user,
            department__appointments__contact_person__active=True,
        )
        .select_related("department")
        .order_by("department__name", "address", "unit")
    )
