"""Departments and who to call: the contact persons and advisors of a department."""

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render

from contacts import selectors
from contacts.forms import DepartmentSearchForm
from contacts.roles import Role, role_of, role_required
from housing.selectors import districts_for_search

# Everyone with a role looks departments up; a contact person to find whom to call.
DEPARTMENT_ROLES = (Role.CONTACT_PERSON, Role.ADVISOR, Role.CASEWORKER, Role.ASSOCIATION_STAFF, Role.ADMINISTRATOR)


@role_required(*DEPARTMENT_ROLES)
def department_list(request):
    """The departments the user may look up, searchable and paged."""
    form = DepartmentSearchForm(request.GET or None, districts=districts_for_search())
    filters = form.cleaned_data if form.is_valid() else {}
    departments = selectors.department_list_for(
        request.user,
        search=filters.get("q", ""),
        district_id=filters["district"].pk if filters.get("district") else None,
    )
    page = Paginator(departments, settings.DEPARTMENTS_PER_PAGE).get_page(request.GET.get("side"))
    return render(
        request,
        "contacts/department_list.html",
        {"form": form, "page": page, "finds_whom_to_call": role_of(request.user) is Role.CONTACT_PERSON},
    )


@role_required(*DEPARTMENT_ROLES)
def department_detail(request, pk: int):
    """Who to call for one department: contact persons, advisors, emergency numbers."""
    return render(request, "contacts/department_detail.html", {"who": selectors.who_to_call_for(request.user, pk)})
