"""Citizens' cases: list, registration, the case page, the case file and the cohorts."""

from django.conf import settings
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from cases import forms
from cases.models import SHELTER_GOAL_DAYS, SHELTER_WARNING_DAYS, Case, CaseFileExport
from cases.selectors import allocation as allocation_selectors
from cases.selectors import citizens as selectors
from cases.services import citizens as services
from cases.services.stays import discharge_checklist
from config.audit import audit_read
from config.forms import form_action
from contacts.roles import Role, role_required

CASE_SEARCH_KEY = "bindeled_case_search"


@sensitive_post_parameters()
@sensitive_variables()
@role_required(*selectors.CASE_ROLES)
def case_list(request):
    """The cases of the user's team and those assigned to them: longest in shelter first.

    A search for a citizen's name is posted and kept in the session, so the name never
    stands in an address, the browser history or a server log. A whole CPR number is
    found exactly, and only its look-up hash is kept.
    """
    if request.method == "POST":
        typed, kept = request.POST.get("q", ""), request.session.get(CASE_SEARCH_KEY) or {}
        if not (isinstance(kept, dict) and kept.get("cpr_hash") and typed.strip() == kept.get("shown")):
            request.session[CASE_SEARCH_KEY] = selectors.case_list_search(typed)
        filters = {"status": request.POST.get("status", "open"), "herberg": request.POST.get("herberg", "")}
        return redirect(f"{reverse('cases:list')}?{urlencode({k: v for k, v in filters.items() if v})}")
    status = request.GET.get("status", "open")
    shelter = request.GET.get("herberg", "")
    search = request.session.get(CASE_SEARCH_KEY) or {}
    if isinstance(search, str):  # a session from before CPR search
        search = {"q": search, "shown": search}
    cases = selectors.case_list_for(
        request.user, status=status, search=search.get("q", ""), cpr_hash=search.get("cpr_hash", ""), shelter=shelter
    )
    page = Paginator(cases, settings.CASES_PER_PAGE).get_page(request.GET.get("side"))
    return render(
        request,
        "cases/case_list.html",
        {
            "page": page,
            "status": status,
            "shelter": shelter,
            "q": search.get("shown", ""),
            "can_register": selectors.works_the_homelessness_plan(request.user),
            "goal_days": SHELTER_GOAL_DAYS,
            "warning_days": SHELTER_WARNING_DAYS,
        },
    )


@sensitive_post_parameters()
@sensitive_variables()
@role_required(Role.CASEWORKER)
def case_new(request):
    """Register a citizen and open a homelessness pathway."""
    form = forms.CitizenCaseForm(request.POST or None, user=request.user)
    if request.method != "POST":
        return render(request, "cases/case_new.html", {"form": form})
    return form_action(
        request,
        form,
        perform=lambda data: services.citizen_case_open(by=request.user, **data),
        done=_("Sagen er oprettet."),
        redirect_to=case_url,
        again=lambda form: render(request, "cases/case_new.html", {"form": form}),
    )


def case_url(case: Case) -> str:
    return reverse("cases:detail", args=[case.reference])


def case_page(request, case: Case, *, status: int = 200, **bound_forms):
    """Render the whole case. Every render is a read and is logged (who, which, when),
    also the page shown again after a form error."""
    audit_read(case, by=request.user)
    case = selectors.case_detail(case)
    active_placement = next((p for p in case.placements.all() if p.status in p.ACTIVE), None)
    context = {
        "case": case,
        "goal_days": SHELTER_GOAL_DAYS,
        "full_cpr": selectors.can_see_full_cpr(request.user, case),
        "can_assign": selectors.can_assign(request.user, case),
        "can_propose": selectors.works_the_homelessness_plan(request.user),
        "open_stay": next((stay for stay in case.stays.all() if stay.left_on is None), None),
        "active_placement": active_placement,
        "earlier_placements": [p for p in case.placements.all() if p.status not in p.ACTIVE],
        "offers": list(allocation_selectors.offers_for_case(request.user, case)[:10])
        if case.is_open and not active_placement
        else [],
        "discharge_missing": discharge_checklist(case),
        "journal_form": forms.JournalForm(case=case),
        "consent_form": forms.CaseConsentForm(),
        "stay_form": forms.StayStartForm(),
        "stay_end_form": forms.StayEndForm(),
        "plan_form": forms.ActionPlanForm(),
        "support_form": forms.SupportForm(),
        "sa_form": forms.SupportedAccommodationForm(),
        "placement_form": forms.PlacementDateForm(
            initial={"move_in_on": active_placement.move_in_on} if active_placement else None
        ),
        "decline_form": forms.PlacementDeclineForm(),
        "move_out_form": forms.MoveOutForm(),
        "subsidy_form": forms.SubsidyForm(),
        "assign_form": forms.CaseAssignForm(advisors=selectors.assignable_advisors(case)),
        "close_form": forms.CaseCloseForm(),
        "export_form": forms.CaseExportForm(),
    }
    context.update(bound_forms)
    return render(request, "cases/case_detail.html", context, status=status)


@role_required(*selectors.CASE_ROLES)
def case_detail(request, reference: str):
    """The whole case; the read is logged (who, which, when)."""
    return case_page(request, selectors.get_case_for(request.user, reference))


def _export_for(request, reference: str, export_id: int) -> CaseFileExport:
    case = selectors.get_case_for(request.user, reference)
    export = case.exports.filter(pk=export_id, requested_by=request.user).first()
    if export is None:
        raise Http404
    return export


@role_required(*selectors.CASE_ROLES)
def case_export_status(request, reference: str, export_id: int):
    """The case file's progress, refreshed by htmx until it can be downloaded."""
    export = _export_for(request, reference, export_id)
    template = "cases/_export_status.html" if request.htmx else "cases/export.html"
    return render(request, template, {"export": export, "case": export.case})


@role_required(*selectors.CASE_ROLES)
def case_export_download(request, reference: str, export_id: int):
    export = _export_for(request, reference, export_id)
    if export.state != CaseFileExport.State.DONE:
        raise Http404
    response = HttpResponse(bytes(export.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sagsakter-{export.case.reference}.pdf"'
    return response


@role_required(*selectors.CASE_ROLES)
def cohort_list(request):
    """Pilot cohorts and their progress against the targets."""
    return render(request, "cases/cohorts.html", {"cohorts": selectors.cohorts_with_progress(request.user)})
