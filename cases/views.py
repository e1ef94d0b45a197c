"""Citizens' cases: list, registration, the case page and its actions, the case file."""

from auditlog.signals import accessed
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from cases import forms, selectors, services
from cases.models import Case, CaseFileExport
from config.forms import add_validation_errors
from contacts.roles import Role, role_of, role_required
from housing import services as allocation
from housing.models import Placement
from housing.selectors import offers_for_case

CASE_ROLES = (Role.CASEWORKER, Role.ADVISOR)


CASE_SEARCH_KEY = "bindeled_case_search"


def case_write(view):
    """A write on a case: POST only, the municipality's case roles only, and what is
    typed about the citizen kept out of any error report (POST and local variables)."""
    return require_POST(sensitive_post_parameters()(sensitive_variables()(role_required(*CASE_ROLES)(view))))


@sensitive_post_parameters()
@sensitive_variables()
@role_required(*CASE_ROLES)
def case_list(request):
    """The cases of the user's team and those assigned to them: longest in shelter first.

    A search for a citizen's name is posted and kept in the session, so the name never
    stands in an address, the browser history or a server log.
    """
    if request.method == "POST":
        request.session[CASE_SEARCH_KEY] = request.POST.get("q", "").strip()[:100]
        filters = {"status": request.POST.get("status", "open"), "herberg": request.POST.get("herberg", "")}
        return redirect(f"{reverse('cases:list')}?{urlencode({k: v for k, v in filters.items() if v})}")
    status = request.GET.get("status", "open")
    shelter = request.GET.get("herberg", "")
    search = request.session.get(CASE_SEARCH_KEY, "")
    cases = selectors.case_list_for(request.user, status=status, search=search, shelter=shelter)
    page = Paginator(cases, settings.CASES_PER_PAGE).get_page(request.GET.get("side"))
    return render(request, "cases/case_list.html", {"page": page, "status": status, "shelter": shelter, "q": search})


@sensitive_post_parameters()
@sensitive_variables()
@role_required(Role.CASEWORKER)
def case_new(request):
    """Register a citizen and open a homelessness pathway."""
    form = forms.CitizenCaseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.citizen_case_open(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, _("Sagen er oprettet."))
            return redirect("cases:detail", reference=case.reference)
    return render(request, "cases/case_new.html", {"form": form})


def _case_page(request, case, *, status=200, **bound_forms):
    """Render the whole case. Every render is a read and is logged (who, which, when),
    also the page shown again after a form error."""
    accessed.send(sender=Case, instance=case)
    case = selectors.case_detail(case)
    active_placement = next((p for p in case.placements.all() if p.status != Placement.Status.DECLINED), None)
    context = {
        "case": case,
        "full_cpr": selectors.can_see_full_cpr(request.user, case),
        "can_assign": selectors.can_assign(request.user, case),
        "can_propose": role_of(request.user) is Role.CASEWORKER,  # allocation is the homelessness unit's
        "open_stay": next((stay for stay in case.stays.all() if stay.left_on is None), None),
        "active_placement": active_placement,
        "offers": list(offers_for_case(request.user, case)[:10]) if case.is_open and not active_placement else [],
        "discharge_missing": services.discharge_checklist(case),
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
        "subsidy_form": forms.SubsidyForm(),
        "assign_form": forms.CaseAssignForm(advisors=selectors.assignable_advisors(case)),
        "close_form": forms.CaseCloseForm(),
        "export_form": forms.CaseExportForm(),
    }
    context.update(bound_forms)
    return render(request, "cases/case_detail.html", context, status=status)


@role_required(*CASE_ROLES)
def case_detail(request, reference: str):
    """The whole case; the read is logged (who, which, when)."""
    case = selectors.get_case_for(request.user, reference)
    return _case_page(request, case)


def _case_action(request, reference, *, form_class, context_key, perform, done_text, form_kwargs=None):
    """Validate one of the case page's forms and run its service; on errors show the page
    again with what was typed and the Danish error summary."""
    case = selectors.get_case_for(request.user, reference)
    kwargs = form_kwargs(case) if form_kwargs else {}
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            perform(case, form.cleaned_data)
        except ValidationError as error:
            add_validation_errors(form, error)
        else:
            messages.success(request, done_text)
            return redirect("cases:detail", reference=case.reference)
    return _case_page(request, case, status=400, **{context_key: form})


def _placement_of(case, request) -> Placement:
    placement = (
        case.placements.filter(pk=request.POST.get("placement", "")).first()
        if request.POST.get("placement", "").isdigit()
        else None
    )
    if placement is None:
        raise Http404
    return placement


@case_write
def journal_add(request, reference: str):
    return _case_action(
        request,
        reference,
        form_class=forms.JournalForm,
        context_key="journal_form",
        form_kwargs=lambda case: {"case": case},
        perform=lambda case, data: services.case_note_add(
            case=case,
            by=request.user,
            text=data["text"],
            written_on=data["written_on"],
            corrects=data["corrects"],
            submission_token=data["submission_token"],
        ),
        done_text=_("Notatet er gemt i journalen."),
    )


@case_write
def consent_add(request, reference: str):
    return _case_action(
        request,
        reference,
        form_class=forms.CaseConsentForm,
        context_key="consent_form",
        perform=lambda case, data: services.case_consent_record(
            case=case,
            by=request.user,
            scope=data["scope"],
            method=data["method"],
            ngo_name=data["ngo_name"],
            submission_token=data["submission_token"],
        ),
        done_text=_("Samtykket er registreret."),
    )


@case_write
def consent_withdraw(request, reference: str, consent_id: int):
    case = selectors.get_case_for(request.user, reference)
    consent = case.consents.filter(pk=consent_id).first()
    if consent is None:
        raise Http404
    services.case_consent_withdraw(consent=consent, by=request.user)
    messages.success(request, _("Samtykket er trukket tilbage."))
    return redirect("cases:detail", reference=case.reference)


@case_write
def stay_start(request, reference: str):
    return _case_action(
        request,
        reference,
        form_class=forms.StayStartForm,
        context_key="stay_form",
        perform=lambda case, data: services.stay_start(
            case=case, by=request.user, shelter=data["shelter"], entered_on=data["entered_on"]
        ),
        done_text=_("Herbergsopholdet er registreret."),
    )


@case_write
def stay_end(request, reference: str):
    def perform(case, data):
        stay = case.stays.filter(left_on__isnull=True).first()
        if stay is None:
            raise ValidationError(_("Borgeren har ikke et igangværende herbergsophold."))
        services.stay_end(stay=stay, by=request.user, left_on=data["left_on"], exit=data["exit"])

    return _case_action(
        request,
        reference,
        form_class=forms.StayEndForm,
        context_key="stay_end_form",
        perform=perform,
        done_text=_("Herbergsopholdet er afsluttet."),
    )


@case_write
def plan_add(request, reference: str):
    return _case_action(
        request,
        reference,
        form_class=forms.ActionPlanForm,
        context_key="plan_form",
        perform=lambda case, data: services.action_plan_add(case=case, by=request.user, **data),
        done_text=_("Handleplanen er gemt."),
    )


@case_write
def support_add(request, reference: str):
    return _case_action(
        request,
        reference,
        form_class=forms.SupportForm,
        context_key="support_form",
        perform=lambda case, data: services.support_grant(case=case, by=request.user, **data),
        done_text=_("Bostøtten er registreret."),
    )


@case_write
def supported_accommodation_add(request, reference: str):
    return _case_action(
        request,
        reference,
        form_class=forms.SupportedAccommodationForm,
        context_key="sa_form",
        perform=lambda case, data: allocation.placement_supported_accommodation(
            case=case,
            by=request.user,
            provider=data["provider"],
            kind=data["kind"],
            submission_token=data["submission_token"],
        ),
        done_text=_("Afgørelsen er registreret."),
    )


PLACEMENT_STEPS = {
    "accept": (allocation.placement_accept, _("Borgeren har sagt ja. Boligrådgiveren i området får besked.")),
    "withdraw": (allocation.placement_withdraw, _("Forslaget er trukket tilbage, og boligen er ledig igen.")),
    "lease": (allocation.placement_lease_signed, _("Lejekontrakten er registreret.")),
    "move_in": (allocation.placement_move_in, _("Indflytningen er registreret.")),
}


@case_write
def placement_step(request, reference: str, step: str):
    if step not in PLACEMENT_STEPS:
        raise Http404
    service, done_text = PLACEMENT_STEPS[step]

    def perform(case, data):
        placement = _placement_of(case, request)
        if step in ("lease", "withdraw"):
            service(placement=placement, by=request.user)
        elif step == "move_in":
            if not data["move_in_on"]:
                raise ValidationError({"move_in_on": _("Skriv indflytningsdatoen.")})
            service(placement=placement, by=request.user, move_in_on=data["move_in_on"])
        else:
            service(placement=placement, by=request.user, move_in_on=data["move_in_on"])

    return _case_action(
        request,
        reference,
        form_class=forms.PlacementDateForm,
        context_key="placement_form",
        perform=perform,
        done_text=done_text,
    )


@case_write
def placement_decline(request, reference: str):
    return _case_action(
        request,
        reference,
        form_class=forms.PlacementDeclineForm,
        context_key="decline_form",
        perform=lambda case, data: allocation.placement_decline(
            placement=_placement_of(case, request), by=request.user, reason=data["reason"]
        ),
        done_text=_("Borgerens nej er registreret, og boligen er ledig igen."),
    )


@case_write
def subsidy_add(request, reference: str):
    return _case_action(
        request,
        reference,
        form_class=forms.SubsidyForm,
        context_key="subsidy_form",
        perform=lambda case, data: allocation.subsidy_grant(
            placement=_placement_of(case, request), by=request.user, **data
        ),
        done_text=_("Huslejetilskuddet er registreret."),
    )


@case_write
def case_assign(request, reference: str):
    return _case_action(
        request,
        reference,
        form_class=forms.CaseAssignForm,
        context_key="assign_form",
        form_kwargs=lambda case: {"advisors": selectors.assignable_advisors(case)},
        perform=lambda case, data: services.case_assign(case=case, by=request.user, user=data["assignee"].user),
        done_text=_("Sagen er tildelt."),
    )


@case_write
def case_close(request, reference: str):
    return _case_action(
        request,
        reference,
        form_class=forms.CaseCloseForm,
        context_key="close_form",
        perform=lambda case, data: services.case_close(case=case, by=request.user, reason=data["reason"]),
        done_text=_("Sagen er lukket."),
    )


@case_write
def case_reopen(request, reference: str):
    case = selectors.get_case_for(request.user, reference)
    services.case_reopen(case=case, by=request.user)
    messages.success(request, _("Sagen er genåbnet."))
    return redirect("cases:detail", reference=case.reference)


@case_write
def case_export(request, reference: str):
    """Start the right-of-access case file; the page shows progress until it is ready."""
    case = selectors.get_case_for(request.user, reference)
    form = forms.CaseExportForm(request.POST)
    token = form.cleaned_data["submission_token"] if form.is_valid() else None
    export = services.case_file_export_request(case=case, by=request.user, submission_token=token)
    return redirect("cases:export", reference=case.reference, export_id=export.pk)


def _export_for(request, reference, export_id) -> CaseFileExport:
    case = selectors.get_case_for(request.user, reference)
    export = case.exports.filter(pk=export_id, requested_by=request.user).first()
    if export is None:
        raise Http404
    return export


@role_required(*CASE_ROLES)
def case_export_status(request, reference: str, export_id: int):
    export = _export_for(request, reference, export_id)
    template = "cases/_export_status.html" if request.htmx else "cases/export.html"
    return render(request, template, {"export": export, "case": export.case})


@role_required(*CASE_ROLES)
def case_export_download(request, reference: str, export_id: int):
    export = _export_for(request, reference, export_id)
    if export.state != CaseFileExport.State.DONE:
        raise Http404
    response = HttpResponse(bytes(export.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="sagsakter-{export.case.reference}.pdf"'
    return response


@role_required(*CASE_ROLES)
def cohort_list(request):
    """Pilot cohorts and their progress against the targets."""
    return render(request, "cases/cohorts.html", {"cohorts": selectors.cohorts_with_progress(request.user)})
