"""Permission-filtered reads about people: start pages and who to call."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from config.access import get_visible_or_404
from contacts.models import CONCERN_FUNCTIONS, Advisor, Appointment, AssociationStaff, RulesAcceptance
from contacts.roles import Role, role_of
from housing.models import Department, District, Dwelling


def departments_visible_to(user: User) -> QuerySet[Department]:
    """Departments the user may look up (who to call, addresses): one query, no id lists.

    Contact persons see the departments they serve, advisors the departments in the
    districts they cover, association staff their organisation's departments.
    Caseworkers and administrators work city-wide and see all.
    """
    departments = Department.objects.select_related("organisation", "district")
    role = role_of(user)
    if role in (Role.ADMINISTRATOR, Role.CASEWORKER):
        return departments
    if role is Role.NONE:
        return departments.none()
    serves = Appointment.objects.filter(
        department=OuterRef("pk"), contact_person__user=user, contact_person__active=True
    )
    covers = Advisor.districts.through.objects.filter(
        district=OuterRef("district"), advisor__user=user, advisor__active=True
    )
    works_for = AssociationStaff.objects.filter(organisation=OuterRef("organisation"), user=user, active=True)
    return departments.filter(Q(Exists(serves)) | Q(Exists(covers)) | Q(Exists(works_for)))


def department_list_for(user: User, *, search: str = "", district_id: int | None = None) -> QuerySet[Department]:
    """The department list page: visible departments, optionally searched and filtered."""
    departments = departments_visible_to(user).annotate(
        contact_person_count=Count("appointments", filter=Q(appointments__contact_person__active=True), distinct=True)
    )
    if search:
        departments = departments.filter(
            Q(name__icontains=search)
            | Q(address__icontains=search)
            | Q(number__iexact=search)
            | Q(organisation__short_name__iexact=search)
        )
    if district_id:
        departments = departments.filter(district_id=district_id)
    return departments.order_by("name", "organisation__short_name")


def advisor_users_covering(district_id: int) -> list[User]:
    """The logins of the active housing advisors covering a district: who gets its new
    concerns, their reminders and its coming move-ins."""
    advisors = Advisor.objects.filter(
        districts=district_id, active=True, user__is_active=True, function__in=CONCERN_FUNCTIONS
    ).select_related("user")
    return [advisor.user for advisor in advisors]


def appointments_of(user: User) -> QuerySet[Appointment]:
    """The departments a contact person serves, with their capacity there."""
    return (
        Appointment.objects.filter(contact_person__user=user, contact_person__active=True)
        .select_related("department__organisation", "department__district")
        .order_by("department__name")
    )


def districts_covered_by(user: User) -> QuerySet[District]:
    """The districts an advisor covers, with how many departments each has."""
    return (
        District.objects.filter(advisors__user=user, advisors__active=True)
        .annotate(department_count=Count("departments", distinct=True))
        .order_by("name")
    )


def advisor_of(user: User) -> Advisor | None:
    """The user's active municipal employment (advisor or caseworker), with the team."""
    return Advisor.objects.select_related("team").filter(user=user, active=True, user__is_active=True).first()


def association_staff_of(user: User) -> AssociationStaff | None:
    """The user's active employment in a housing association, with the organisation."""
    return AssociationStaff.objects.select_related("organisation").filter(user=user, active=True).first()


@dataclass(frozen=True)
class WhoToCall:
    department: Department
    appointments: list[Appointment]
    advisors: list[Advisor]


def who_to_call_for(user: User, department_pk: int) -> WhoToCall:
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
        # Both lists come from the Prefetch(to_attr=...) above.
        appointments=department.active_appointments,  # type: ignore[attr-defined]
        advisors=department.district.active_advisors,  # type: ignore[attr-defined]
    )


def rules_accepted(user: User) -> bool:
    """Has this contact person accepted the confidentiality rules within the last year?"""
    since = timezone.now() - timedelta(days=settings.RULES_ACCEPTANCE_DAYS)
    return RulesAcceptance.objects.filter(
        contact_person__user=user, rules_version=settings.RULES_VERSION, accepted_at__gte=since
    ).exists()


def rules_accepted_on(user: User) -> datetime | None:
    """When the user last accepted the current rules (None if never)."""
    acceptance = RulesAcceptance.objects.filter(contact_person__user=user, rules_version=settings.RULES_VERSION).first()
    return acceptance.accepted_at if acceptance else None


def dwellings_served_by(user: User) -> QuerySet[Dwelling]:
    """The homes in the departments a contact person serves, for the concern form."""
    return (
        Dwelling.objects.filter(
            department__appointments__contact_person__user=user,
            department__appointments__contact_person__active=True,
        )
        .select_related("department")
        .order_by("department__name", "address", "unit")
    )
