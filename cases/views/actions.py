"""The forms on the case page: each validates, calls one service and comes back to the case."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from cases import forms
from cases.models import Placement
from cases.selectors import citizens as selectors
from cases.services import allocation, citizens, export, stays
from cases.views.citizens import case_page, case_url
from config.forms import form_action
from contacts.roles import role_required


def case_write(view):
    """A write on a case: POST only, the municipality's case roles only, and what is
    typed about the citizen kept out of any error report (POST and local variables)."""
    return require_POST(sensitive_post_parameters()(sensitive_variables()(role_required(*selectors.CASE_ROLES)(view))))


def _case_action(request, reference, *, form_class, context_key, perform, done_text, form_kwargs=None):
    """One of the case page's forms: validate and run its service; on errors show the
    page again with what was typed and the Danish error summary."""
    case = selectors.get_case_for(request.user, reference)
    form = form_class(request.POST, **(form_kwargs(case) if form_kwargs else {}))
    return form_action(
        request,
        form,
        perform=lambda data: perform(case, data),
        done=done_text,
        redirect_to=case_url(case),
        again=lambda form: case_page(request, case, status=400, **{context_key: form}),
    )


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
        perform=lambda case, data: citizens.case_note_add(
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
        perform=lambda case, data: citizens.case_consent_record(
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
    citizens.case_consent_withdraw(consent=consent, by=request.user)
    messages.success(request, _("Samtykket er trukket tilbage."))
    return redirect(case_url(case))


@case_write
def stay_start(request, reference: str):
    return _case_action(
        request,
        reference,
        form_class=forms.StayStartForm,
        context_key="stay_form",
        perform=lambda case, data: stays.stay_start(
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
        stays.stay_end(stay=stay, by=request.user, left_on=data["left_on"], exit=data["exit"])

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
        perform=lambda case, data: stays.action_plan_add(case=case, by=request.user, **data),
        done_text=_("Handleplanen er gemt."),
    )


@case_write
def support_add(request, reference: str):
    return _case_action(
        request,
        reference,
        form_class=forms.SupportForm,
        context_key="support_form",
        perform=lambda case, data: stays.support_grant(case=case, by=request.user, **data),
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


STEP_SERVICES = {
    "accept": (
        allocation.placement_accept,
        gettext_lazy("Borgeren har sagt ja. Boligrådgiveren i området får besked."),
    ),
    "withdraw": (
        allocation.placement_withdraw,
        gettext_lazy("Forslaget er trukket tilbage, og boligen er ledig igen."),
    ),
    "lease": (allocation.placement_lease_signed, gettext_lazy("Lejekontrakten er registreret.")),
    "move_in": (allocation.placement_move_in, gettext_lazy("Indflytningen er registreret.")),
}


@case_write
def placement_step(request, reference: str, step: str):
    if step not in STEP_SERVICES:
        raise Http404
    service, done_text = STEP_SERVICES[step]

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
        done_text=lambda placement: (
            _("Borgerens nej er registreret, og boligen er ledig igen.")
            if placement.offer_id
            else _("Borgerens nej er registreret.")
        ),
    )


@case_write
def placement_move_out(request, reference: str):
    return _case_action(
        request,
        reference,
        form_class=forms.MoveOutForm,
        context_key="move_out_form",
        perform=lambda case, data: allocation.placement_move_out(
            placement=_placement_of(case, request),
            by=request.user,
            moved_out_on=data["moved_out_on"],
            reason=data["reason"],
        ),
        done_text=_("Fraflytningen er registreret. Boligen kan tilbydes igen, og borgeren kan få en ny bolig."),
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
        perform=lambda case, data: citizens.case_assign(case=case, by=request.user, user=data["assignee"].user),
        done_text=_("Sagen er tildelt."),
    )


@case_write
def case_close(request, reference: str):
    return _case_action(
        request,
        reference,
        form_class=forms.CaseCloseForm,
        context_key="close_form",
        perform=lambda case, data: citizens.case_close(case=case, by=request.user, reason=data["reason"]),
        done_text=_("Sagen er lukket."),
    )


@case_write
def case_reopen(request, reference: str):
    case = selectors.get_case_for(request.user, reference)
    citizens.case_reopen(case=case, by=request.user)
    messages.success(request, _("Sagen er genåbnet."))
    return redirect(case_url(case))


@case_write
def case_export(request, reference: str):
    """Start the right-of-access case file; the page shows progress until it is ready."""
    case = selectors.get_case_for(request.user, reference)
    form = forms.CaseExportForm(request.POST)
    token = form.cleaned_data["submission_token"] if form.is_valid() else None
    started = export.case_file_export_request(case=case, by=request.user, submission_token=token)
    return redirect("cases:export", reference=case.reference, export_id=started.pk)
