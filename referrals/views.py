"""Concerns: the contact person's form, receipt and list; the advisor's queue and actions."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_POST

from cases.selectors.citizens import find_case_for
from config.audit import audit_read
from config.forms import form_action
from config.http import safe_next
from contacts.roles import Role, role_of, role_required
from contacts.selectors import appointments_of, dwellings_served_by, rules_accepted, rules_accepted_on
from contacts.services import rules_accept
from referrals import forms, selectors
from referrals.filters import ReferralQueueFilter
from referrals.forms import CaseFromReferralForm, LinkCaseForm
from referrals.pdf import receipt_pdf
from referrals.services import case_bridge, filing, handling


@role_required(Role.CONTACT_PERSON, Role.ADVISOR)
def referral_list(request):
    """A contact person's own concerns, or an advisor's queue."""
    if role_of(request.user) is Role.CONTACT_PERSON:
        page = Paginator(selectors.reporter_referrals(request.user), settings.REFERRALS_PER_PAGE).get_page(
            request.GET.get("side")
        )
        return render(request, "referrals/my_referrals.html", {"page": page})
    scope = selectors.queue_scope(request.user)
    filters = ReferralQueueFilter(
        request.GET,
        districts=scope.district_choices,
        departments=scope.department_choices,
        department_districts=scope.department_districts,
    )
    counts = selectors.queue_counts(request.user, scope=scope)
    queue = selectors.advisor_queue(
        request.user,
        scope=scope,
        narrow=filters.narrow,
        counts=counts if filters.is_default() else None,
        per_page=settings.REFERRALS_PER_PAGE,
        number=request.GET.get("side"),
    )
    page = Paginator(queue, settings.REFERRALS_PER_PAGE).get_page(request.GET.get("side"))
    context = {"filter": filters, "page": page, "counts": counts}
    if request.htmx:
        return render(request, "referrals/_queue.html", context)
    return render(request, "referrals/queue.html", context)


@role_required(Role.CONTACT_PERSON)
def rules(request):
    """The scheme's confidentiality rules; accepting them opens the concern form."""
    form = forms.RulesAcceptanceForm(request.POST or None)
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"), default=reverse("referrals:new"))
    if request.method == "POST" and form.is_valid():
        rules_accept(user=request.user)
        messages.success(request, _("Tak. Du har accepteret reglerne om tavshedspligt."))
        return redirect(next_url)
    return render(
        request,
        "referrals/rules.html",
        {"form": form, "next": next_url, "accepted_on": rules_accepted_on(request.user)},
    )


# What is typed about a resident must never reach an error report: not the POST
# (sensitive_post_parameters) and not the locals of any frame below (sensitive_variables).
@sensitive_post_parameters()
@sensitive_variables()
@role_required(Role.CONTACT_PERSON)
def referral_new(request):
    """The guided concern form; blocked until the confidentiality rules are accepted."""
    if not rules_accepted(request.user):
        return render(request, "referrals/rules_required.html")
    dwellings = dwellings_served_by(request.user)
    offered = (
        selectors.dwelling_choices_for_filing(request.user, chosen=request.POST.get("dwelling", ""))
        if request.method == "POST"
        else dwellings
    )
    form = forms.ReferralForm(
        request.POST or None, appointments=list(appointments_of(request.user)), dwellings=list(offered)
    )
    if request.method != "POST":
        return render(request, "referrals/new.html", {"form": form})

    def again(form):
        form.offer_dwellings(list(dwellings))
        return render(request, "referrals/new.html", {"form": form})

    return form_action(
        request,
        form,
        perform=lambda data: filing.referral_file(reporter=request.user, **data),
        done=lambda filed: (
            None
            if filed[1]
            else _(
                "Du har allerede sendt denne bekymring for lidt siden. Den har referencen %(reference)s – "
                "der er ikke oprettet en ny."
            )
            % {"reference": filed[0].reference}
        ),
        redirect_to=lambda filed: reverse("referrals:receipt", args=[filed[0].reference]),
        again=again,
    )


@role_required(Role.CONTACT_PERSON)
def referral_dwelling_options(request):
    """htmx: the dwelling options for the department just chosen in the concern form."""
    dwellings = selectors.dwellings_for_department(request.user, request.GET.get("department", ""))
    form = forms.ReferralForm(appointments=list(appointments_of(request.user)), dwellings=list(dwellings))
    return HttpResponse(str(form["dwelling"]))


@role_required(Role.CONTACT_PERSON)
def referral_receipt(request, reference: str):
    """After filing: the reference, what happens next and the confidentiality rule."""
    referral = selectors.get_referral_for(request.user, reference)
    return render(request, "referrals/receipt.html", {"referral": referral})


@role_required(Role.CONTACT_PERSON)
def referral_receipt_pdf(request, reference: str):
    """The receipt as a PDF: reference, date, department and categories, never the description."""
    referral = selectors.get_referral_for(request.user, reference)
    response = HttpResponse(receipt_pdf(referral), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="kvittering-{referral.reference}.pdf"'
    return response


@role_required(Role.CONTACT_PERSON, Role.ADVISOR)
def referral_detail(request, reference: str):
    """One concern: the reporter's narrow window, or the advisor's whole case."""
    referral = selectors.get_referral_for(request.user, reference)
    audit_read(referral, by=request.user)
    if selectors.is_reporter_view(request.user, referral):
        return _reporter_page(request, referral)
    return _advisor_page(request, referral, can_change=selectors.may_change(request.user, referral))


def _reporter_page(request, referral, *, follow_up_form=None, status=200):
    return render(
        request,
        "referrals/reporter_detail.html",
        {
            "referral": referral,
            "shared_messages": selectors.messages_for_reporter(referral),
            "follow_ups": list(referral.follow_ups.all()),
            "follow_up_form": follow_up_form or forms.FollowUpForm(),
        },
        status=status,
    )


def _advisor_page(request, referral, *, can_change, status=200, **bound_forms):
    """The advisor's case page; the action forms only for those who may act on it."""
    earlier, later = selectors.other_referrals_same_place(request.user, referral)
    context = {
        "earlier": earlier,
        "later": later,
        "referral": selectors.referral_detail_for_advisor(referral),
        "reporter": selectors.reporter_of(referral),
        "can_change": can_change,
    }
    if can_change:
        colleagues, own = selectors.assignment_choices(request.user, referral)
        context.update(
            note_form=forms.NoteForm(),
            message_form=forms.MessageForm(),
            assign_form=forms.AssignForm(advisors=colleagues, initial={"assignee": own}),
            consent_form=forms.ConsentForm(),
            close_form=forms.CloseForm(),
            case_form=CaseFromReferralForm(initial={"name": referral.resident_name}, user=request.user),
            link_form=LinkCaseForm(),
        )
    context.update(bound_forms)
    return render(request, "referrals/advisor_detail.html", context, status=status)


def _done(request, referral, text):
    messages.success(request, text)
    return redirect("referrals:detail", reference=referral.reference)


@sensitive_post_parameters()
@sensitive_variables()
@require_POST
@role_required(Role.CONTACT_PERSON)
def referral_follow_up(request, reference: str):
    referral = selectors.get_referral_for(request.user, reference)
    return form_action(
        request,
        forms.FollowUpForm(request.POST),
        perform=lambda data: handling.followup_add(referral=referral, by=request.user, **data),
        done=_("Din opfølgning er sendt til boligrådgiveren."),
        redirect_to=reverse("referrals:detail", args=[referral.reference]),
        again=lambda form: _reporter_page(request, referral, follow_up_form=form, status=400),
    )


@require_POST
@role_required(Role.ADVISOR)
def referral_acknowledge(request, reference: str):
    referral = selectors.get_referral_for_change(request.user, reference)
    handling.referral_acknowledge(referral=referral, by=request.user)
    return _done(request, referral, _("Henvendelsen er kvitteret og er nu under behandling."))


def _advisor_form_action(request, reference, *, form_class, context_key, perform, done_text, form_kwargs=None):
    """One of the advisor's forms: validate and run its service; on errors show the page
    again with the form as typed and the Danish error summary.

    Only for advisors who may act on the concern (a view-only grant gets 404).
    form_kwargs(referral) gives the form what depends on the concern.
    """
    referral = selectors.get_referral_for_change(request.user, reference)
    form = form_class(request.POST, **(form_kwargs(referral) if form_kwargs else {}))
    return form_action(
        request,
        form,
        perform=lambda data: perform(referral, data),
        done=(lambda result: done_text(referral, result)) if callable(done_text) else done_text,
        redirect_to=reverse("referrals:detail", args=[referral.reference]),
        again=lambda form: _advisor_page(request, referral, can_change=True, status=400, **{context_key: form}),
    )


@require_POST
@role_required(Role.ADVISOR)
def referral_assign(request, reference: str):
    return _advisor_form_action(
        request,
        reference,
        form_class=forms.AssignForm,
        context_key="assign_form",
        form_kwargs=lambda referral: {"advisors": selectors.colleagues_for_assignment(referral)},
        perform=lambda referral, data: handling.referral_assign(
            referral=referral, by=request.user, assignee=data["assignee"]
        ),
        done_text=_("Henvendelsen er tildelt."),
    )


@sensitive_post_parameters()
@sensitive_variables()
@require_POST
@role_required(Role.ADVISOR)
def referral_note(request, reference: str):
    return _advisor_form_action(
        request,
        reference,
        form_class=forms.NoteForm,
        context_key="note_form",
        perform=lambda referral, data: handling.referral_note_add(
            referral=referral, by=request.user, text=data["text"], submission_token=data["submission_token"]
        ),
        done_text=_("Noten er gemt."),
    )


@require_POST
@role_required(Role.ADVISOR)
def referral_consent(request, reference: str):
    return _advisor_form_action(
        request,
        reference,
        form_class=forms.ConsentForm,
        context_key="consent_form",
        perform=lambda referral, data: handling.referral_consent_record(
            referral=referral,
            by=request.user,
            given=data["given"],
            method=data["method"],
            submission_token=data["submission_token"],
        ),
        done_text=_("Samtykket er registreret."),
    )


@sensitive_post_parameters()
@sensitive_variables()
@require_POST
@role_required(Role.ADVISOR)
def referral_message(request, reference: str):
    def done_text(referral, message):
        if selectors.reporter_may_hear_more(referral):
            return _("Beskeden er sendt. Indberetteren kan se den.")
        return _("Beskeden er gemt. Indberetteren kan se den, når beboerens samtykke er registreret.")

    return _advisor_form_action(
        request,
        reference,
        form_class=forms.MessageForm,
        context_key="message_form",
        perform=lambda referral, data: handling.referral_message_send(
            referral=referral,
            by=request.user,
            text=data["text"],
            submission_token=data["submission_token"],
        ),
        done_text=done_text,
    )


@require_POST
@role_required(Role.ADVISOR)
def referral_close(request, reference: str):
    return _advisor_form_action(
        request,
        reference,
        form_class=forms.CloseForm,
        context_key="close_form",
        form_kwargs=lambda referral: {
            "duplicate_candidates": selectors.duplicate_candidates(request.user, referral),
            "visible_referrals": selectors.referrals_visible_to(request.user),
        },
        perform=lambda referral, data: handling.referral_close(
            referral=referral, by=request.user, outcome=data["outcome"], duplicate_of=data["duplicate_of"]
        ),
        done_text=_("Henvendelsen er afsluttet. Indberetteren får besked."),
    )


@sensitive_post_parameters()
@require_POST
@role_required(Role.ADVISOR)
def referral_open_case(request, reference: str):
    """Open a housing-social case from the concern; the concern closes as "case opened"."""
    referral = selectors.get_referral_for_change(request.user, reference)
    return form_action(
        request,
        CaseFromReferralForm(request.POST, user=request.user),
        perform=lambda data: case_bridge.case_open_from_referral(referral=referral, by=request.user, **data),
        done=_("Sagen er oprettet, og henvendelsen er afsluttet."),
        redirect_to=lambda case: reverse("cases:detail", args=[case.reference]),
        again=lambda form: _advisor_page(request, referral, can_change=True, status=400, case_form=form),
    )


@require_POST
@role_required(Role.ADVISOR)
def referral_link_case(request, reference: str):
    """Link the concern to a case the advisor can see; the case's consent then applies."""
    referral = selectors.get_referral_for_change(request.user, reference)
    form = LinkCaseForm(request.POST)
    if form.is_valid():
        case = find_case_for(request.user, form.cleaned_data["reference"])
        if case is None:
            form.add_error("reference", _("Der er ingen sag med det nummer, som du har adgang til."))
        else:
            case_bridge.referral_link_case(referral=referral, case=case, by=request.user)
            return _done(
                request, referral, _("Henvendelsen er knyttet til sag %(reference)s.") % {"reference": case.reference}
            )
    return _advisor_page(request, referral, can_change=True, status=400, link_form=form)
