"""Vacant homes offered by the associations: offering, matching, proposing, returning."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.forms import MoveOutForm, OfferForm, ReturnOfferForm
from cases.selectors import allocation as selectors
from cases.selectors.citizens import get_case_for, works_the_homelessness_plan
from cases.services import allocation as services
from cases.views.citizens import case_url
from config.forms import form_action
from contacts.roles import Role, role_required


@role_required(Role.ASSOCIATION_STAFF, Role.CASEWORKER)
def offer_list(request):
    """Association staff: their offers and each one's outcome. Caseworkers: open offers."""
    status = request.GET.get("status", "")
    offers = selectors.offer_list_for(request.user, status=status)
    can_allocate = works_the_homelessness_plan(request.user)
    show_candidates = can_allocate and status in ("", "offered")
    page = Paginator(offers, settings.OFFERS_PER_PAGE).get_page(request.GET.get("side"))
    if show_candidates:
        selectors.add_candidate_counts(request.user, page.object_list)
    return render(
        request,
        "cases/offer_list.html",
        {
            "page": page,
            "status": status,
            "show_candidates": show_candidates,
            "can_allocate": can_allocate,
            "can_offer": selectors.can_offer(request.user),
        },
    )


@role_required(Role.ASSOCIATION_STAFF)
def offer_new(request):
    """An association offers a vacant dwelling of its own to the municipality."""
    form = OfferForm(request.POST or None, dwellings=selectors.dwellings_offerable_by(request.user))
    if request.method != "POST":
        return render(request, "cases/offer_new.html", {"form": form})
    return form_action(
        request,
        form,
        perform=lambda data: services.offer_submit(by=request.user, **data),
        done=_("Boligen er tilbudt kommunen."),
        redirect_to="allocation:offer_list",
        again=lambda form: render(request, "cases/offer_new.html", {"form": form}),
    )


@role_required(Role.ASSOCIATION_STAFF, Role.CASEWORKER)
def offer_detail(request, pk: int, *, return_form=None, move_out_form=None, status=200):
    """One offer. Caseworkers see the fitting candidates; association staff only the outcome."""
    offer = selectors.get_offer_for(request.user, pk)
    can_allocate = works_the_homelessness_plan(request.user)
    context = {
        "offer": offer,
        "can_allocate": can_allocate,
        "can_withdraw": selectors.can_offer(request.user) and offer.status in offer.WITHDRAWABLE,
        "can_report_move_out": selectors.can_offer(request.user) and offer.step == offer.Step.MOVED_IN,
        "return_form": return_form or ReturnOfferForm(),
        "move_out_form": move_out_form or MoveOutForm(),
    }
    if can_allocate and offer.status == offer.Status.OFFERED:
        context["candidates"] = list(selectors.candidates_for_offer(request.user, offer)[:25])
    return render(request, "cases/offer_detail.html", context, status=status)


def _offer_step(request, offer, *, perform, done: str, redirect_to: str):
    """A step on an offer without a form: run the service, say what was done, go on;
    when the service refuses, back to the offer with its reasons."""
    try:
        perform()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("allocation:offer_detail", pk=offer.pk)
    messages.success(request, done)
    return redirect(redirect_to)


@require_POST
@role_required(Role.CASEWORKER)
def offer_propose(request, pk: int):
    """Propose the offered home to a citizen; the case page follows it from here."""
    offer = selectors.get_offer_for(request.user, pk)
    case = get_case_for(request.user, request.POST.get("case", "")[:20])
    return _offer_step(
        request,
        offer,
        perform=lambda: services.placement_propose(case=case, offer=offer, by=request.user),
        done=_("Boligen er foreslået borgeren i sag %(reference)s.") % {"reference": case.reference},
        redirect_to=case_url(case),
    )


@require_POST
@role_required(Role.CASEWORKER)
def offer_return(request, pk: int):
    """Hand the home back to the association, with the reason."""
    offer = selectors.get_offer_for(request.user, pk)
    return form_action(
        request,
        ReturnOfferForm(request.POST),
        perform=lambda data: services.offer_return(offer=offer, by=request.user, reason=data["reason"]),
        done=_("Boligen er returneret til boligorganisationen."),
        redirect_to="allocation:offer_list",
        again=lambda form: offer_detail(request, pk, return_form=form, status=400),
    )


@require_POST
@role_required(Role.ASSOCIATION_STAFF)
def offer_withdraw(request, pk: int):
    """The association takes the offer back before a citizen has said yes."""
    offer = selectors.get_offer_for(request.user, pk)
    return _offer_step(
        request,
        offer,
        perform=lambda: services.offer_withdraw(offer=offer, by=request.user),
        done=_("Tilbuddet er trukket tilbage. Kommunen kan ikke længere anvise boligen."),
        redirect_to=reverse("allocation:offer_list"),
    )


@require_POST
@role_required(Role.ASSOCIATION_STAFF)
def offer_move_out(request, pk: int):
    """The association reports that the tenant allocated to the home has moved out."""
    offer = selectors.get_offer_for(request.user, pk)
    return form_action(
        request,
        MoveOutForm(request.POST),
        perform=lambda data: services.offer_move_out_report(offer=offer, by=request.user, **data),
        done=_("Fraflytningen er registreret. Boligen kan tilbydes igen."),
        redirect_to=reverse("allocation:offer_detail", args=[offer.pk]),
        again=lambda form: offer_detail(request, pk, move_out_form=form, status=400),
    )
