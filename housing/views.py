"""Departments and who to call; vacancy offers for the municipality's allocation."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.selectors import get_case_for
from contacts.roles import Role, role_of, role_required
from contacts.selectors import who_to_call_for
from housing import selectors, services
from housing.forms import DepartmentSearchForm, OfferForm, ReturnOfferForm

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
    form = DepartmentSearchForm(request.GET or None, districts=selectors.districts_for_search())
    filters = form.cleaned_data if form.is_valid() else {}
    departments = selectors.department_list_for(
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


# --- Allocation: vacancy offers ------------------------------------------------------


@role_required(Role.ASSOCIATION_STAFF, Role.CASEWORKER)
def offer_list(request):
    """Association staff: their offers and each one's outcome. Caseworkers: open offers."""
    status = request.GET.get("status", "")
    offers = selectors.offer_list_for(request.user, status=status)
    show_candidates = role_of(request.user) is Role.CASEWORKER and status in ("", "offered")
    page = Paginator(offers, 25).get_page(request.GET.get("side"))
    if show_candidates:
        selectors.add_candidate_counts(request.user, page.object_list)
    return render(
        request, "housing/offer_list.html", {"page": page, "status": status, "show_candidates": show_candidates}
    )


@role_required(Role.ASSOCIATION_STAFF)
def offer_new(request):
    """An association offers a vacant dwelling of its own to the municipality."""
    form = OfferForm(request.POST or None, dwellings=selectors.dwellings_offerable_by(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_create(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Boligen er tilbudt kommunen."))
            return redirect("housing:offer_list")
    return render(request, "housing/offer_new.html", {"form": form})


@role_required(Role.ASSOCIATION_STAFF, Role.CASEWORKER)
def offer_detail(request, pk: int, *, return_form=None, status=200):
    """One offer. Caseworkers see the fitting candidates; association staff only the outcome."""
    offer = selectors.get_offer_for(request.user, pk)
    context = {
        "offer": offer,
        "outcome": selectors.offer_outcome(offer),
        "return_form": return_form or ReturnOfferForm(),
    }
    if role_of(request.user) is Role.CASEWORKER and offer.status == offer.Status.OFFERED:
        context["candidates"] = list(selectors.candidates_for_offer(request.user, offer)[:25])
    return render(request, "housing/offer_detail.html", context, status=status)


@require_POST
@role_required(Role.CASEWORKER)
def offer_propose(request, pk: int):
    offer = selectors.get_offer_for(request.user, pk)
    case = get_case_for(request.user, request.POST.get("case", "")[:20])
    try:
        services.placement_propose(case=case, offer=offer, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("housing:offer_detail", pk=offer.pk)
    messages.success(request, _("Boligen er foreslået borgeren i sag %(reference)s.") % {"reference": case.reference})
    return redirect("cases:detail", reference=case.reference)


@require_POST
@role_required(Role.CASEWORKER)
def offer_return(request, pk: int):
    offer = selectors.get_offer_for(request.user, pk)
    form = ReturnOfferForm(request.POST)
    if form.is_valid():
        try:
            services.offer_return(offer=offer, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Boligen er returneret til boligorganisationen."))
            return redirect("housing:offer_list")
    return offer_detail(request, pk, return_form=form, status=400)
