"""Departments: the list a user may look up, and who to call for each."""

from django.core.paginator import Paginator
from django.shortcuts import render

from contacts.roles import Role, role_required
from contacts.selectors import who_to_call_for
from housing.forms import DepartmentSearchForm
from housing.models import District
from housing.selectors import department_list_for

STAFF_ROLES = (
    Role.CONTACT_PERSON,
    Role.ADVISOR,
    Role.CASEWORKER,
    Role.ASSOCIATION_STAFF,
    Role.ADMINISTRATOR,
)


@role_required(*STAFF_ROLES)
def department_list(request):
    """The departments the user may look up, searchable and paged."""
    form = DepartmentSearchForm(request.GET or None, districts=District.objects.order_by("name"))
    filters = form.cleaned_data if form.is_valid() else {}
    departments = department_list_for(
        request.user,
        search=filters.get("q", ""),
        district_id=filters["district"].pk if filters.get("district") else None,
    )
    page = Paginator(departments, 25).get_page(request.GET.get("side"))
    return render(request, "housing/department_list.html", {"form": form, "page": page})


@role_required(*STAFF_ROLES)
def department_detail(request, pk: int):
    """Who to call for one department: contact persons, advisors, emergency numbers."""
    return render(request, "housing/department_detail.html", {"who": who_to_call_for(request.user, pk)})
