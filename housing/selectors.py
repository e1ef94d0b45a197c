"""Permission-filtered reads of the housing world."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from config.access import get_visible_or_404
from contacts.models import Advisor, Appointment, AssociationStaff
from contacts.roles import Role, role_of
from housing.models import Department


def departments_visible_to(user) -> QuerySet[Department]:
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
    return departments.filter(
        Q(
            Exists(
                Appointment.objects.filter(
                    department=OuterRef("pk"),
                    contact_person__user=user,
                    contact_person__active=True,
                )
            )
        )
        | Q(
            Exists(
                Advisor.districts.through.objects.filter(
                    district=OuterRef("district"), advisor__user=user, advisor__active=True
                )
            )
        )
        | Q(
            Exists(
                AssociationStaff.objects.filter(
                    organisation=OuterRef("organisation"), user=user, active=True
                )
            )
        )
    )


def department_list_for(user, *, search: str = "", district_id: int | None = None) -> QuerySet[Department]:
    """The department list page: visible departments, optionally searched and filtered."""
    departments = departments_visible_to(user).annotate(
        contact_person_count=Count(
            "appointments", filter=Q(appointments__contact_person__active=True), distinct=True
        )
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


def get_department_for(user, pk: int) -> Department:
    """One department the user may see, or 404."""
    return get_visible_or_404(departments_visible_to(user), user=user, pk=pk)
