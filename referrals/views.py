"""Concerns: the contact person's form, receipt and list; the advisor's queue and actions."""

from auditlog.signals import accessed
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from contacts.roles import Role, role_of, role_required
from contacts.selectors import appointments_of, dwellings_served_by, rules_accepted, rules_accepted_on
from contacts.services import rules_accept
from referrals import forms, selectors, services
from referrals.filters import ReferralQueueFilter
from referrals.models import Referral
from referrals.pdf import receipt_pdf


@role_required(Role.CONTACT_PERSON, Role.ADVISOR)
def referral_list(request):
    """A contact person's own concerns, or an advisor's queue."""
    if role_of(request.user) is Role.CONTACT_PERSON:
        page = Paginator(selectors.reporter_referrals(request.user), settings.REFERRALS_PER_PAGE).get_page(
            request.GET.get("side")
        )
        return render(request, "referrals/my_referrals.html", {"page": page})
    districts, departments = selectors.queue_filter_choices(request.user)
    queue = ReferralQueueFilter(
        request.GET, queryset=selectors.advisor_queue(request.user), districts=districts, departments=departments
    )
    page = Paginator(queue.qs, settings.REFERRALS_PER_PAGE).get_page(request.GET.get("side"))
    context = {"filter": queue, "page": page, "counts": selectors.queue_counts(request.user)}
    if request.htmx:
        return render(request, "referrals/_queue.html", context)
    return render(request, "referrals/queue.html", context)


@role_required(Role.CONTACT_PERSON)
def rules(request):
    """The scheme's confidentiality rules; accepting them opens the concern form."""
    form = forms.RulesAcceptanceForm(request.POST or None)
    next_url = request.POST.get("next") or request.GET.get("next") or reverse("referrals:new")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("referrals:new")
    if request.method == "POST" and form.is_valid():
        rules_accept(user=request.user)
        messages.success(request, _("Tak. Du har accepteret reglerne om tavshedspligt."))
        return redirect(next_url)
    return render(
        request,
        "referrals/rules.html",
        {"form": form, "next": next_url, "accepted_on": rules_accepted_on(request.user)},
    )


@role_required(Role.CONTACT_PERSON)
def referral_new(request):
    """The guided concern form; blocked until the confidentiality rules are accepted."""
    if not rules_accepted(request.user):
        return render(request, "referrals/rules_required.html")
    form = forms.ReferralForm(
        request.POST or None,
        appointments=list(appointments_of(request.user)),
        dwellings=list(dwellings_served_by(request.user)),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            referral, _created = services.referral_file(
                reporter=request.user,
                department=data["department"],
                dwelling=data["dwelling"],
                address=data["address"],
                unit=data["unit"],
                resident_name=data["resident_name"],
                categories=data["categories"],
                children_present=data["children_present"],
                description=data["description"],
                observed_on=data["observed_on"],
                source=data["source"],
                acute_reasons=data["acute_reasons"],
                submission_token=data["submission_token"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return redirect("referrals:receipt", reference=referral.reference)
    return render(request, "referrals/new.html", {"form": form})


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
    accessed.send(sender=Referral, instance=referral)
    if selectors.is_reporter_view(request.user, referral):
        return _reporter_page(request, referral)
    return _advisor_page(request, referral)


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


def _advisor_page(request, referral, *, status=200, **bound_forms):
    colleagues = selectors.colleagues_for_assignment(referral)
    context = {
        "referral": selectors.referral_detail_for_advisor(referral),
        "earlier": selectors.earlier_referrals_same_place(request.user, referral),
        "note_form": forms.NoteForm(),
        "message_form": forms.MessageForm(),
        "assign_form": forms.AssignForm(
            advisors=colleagues, initial={"assignee": colleagues.filter(user=request.user).first()}
        ),
        "consent_form": forms.ConsentForm(),
        "close_form": forms.CloseForm(),
    }
    context.update(bound_forms)
    return render(request, "referrals/advisor_detail.html", context, status=status)


def _done(request, referral, text):
    messages.success(request, text)
    return redirect("referrals:detail", reference=referral.reference)


@require_POST
@role_required(Role.CONTACT_PERSON)
def referral_follow_up(request, reference: str):
    referral = selectors.get_referral_for(request.user, reference)
    form = forms.FollowUpForm(request.POST)
    if not form.is_valid():
        return _reporter_page(request, referral, follow_up_form=form, status=400)
    services.followup_add(
        referral=referral,
        by=request.user,
        text=form.cleaned_data["text"],
        submission_token=form.cleaned_data["submission_token"],
    )
    return _done(request, referral, _("Din opfølgning er sendt til boligrådgiveren."))


@require_POST
@role_required(Role.ADVISOR)
def referral_acknowledge(request, reference: str):
    referral = selectors.get_referral_for(request.user, reference)
    services.referral_acknowledge(referral=referral, by=request.user)
    return _done(request, referral, _("Henvendelsen er kvitteret og er nu under behandling."))


@require_POST
@role_required(Role.ADVISOR)
def referral_assign(request, reference: str):
    referral = selectors.get_referral_for(request.user, reference)
    form = forms.AssignForm(request.POST, advisors=selectors.colleagues_for_assignment(referral))
    if form.is_valid():
        try:
            services.referral_assign(referral=referral, by=request.user, assignee=form.cleaned_data["assignee"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, referral, _("Henvendelsen er tildelt."))
    return _advisor_page(request, referral, assign_form=form, status=400)


@require_POST
@role_required(Role.ADVISOR)
def referral_note(request, reference: str):
    referral = selectors.get_referral_for(request.user, reference)
    form = forms.NoteForm(request.POST)
    if not form.is_valid():
        return _advisor_page(request, referral, note_form=form, status=400)
    services.referral_note_add(
        referral=referral,
        by=request.user,
        text=form.cleaned_data["text"],
        submission_token=form.cleaned_data["submission_token"],
    )
    return _done(request, referral, _("Noten er gemt."))


@require_POST
@role_required(Role.ADVISOR)
def referral_consent(request, reference: str):
    referral = selectors.get_referral_for(request.user, reference)
    form = forms.ConsentForm(request.POST)
    if not form.is_valid():
        return _advisor_page(request, referral, consent_form=form, status=400)
    services.referral_consent_record(
        referral=referral, by=request.user, given=form.cleaned_data["given"], method=form.cleaned_data["method"]
    )
    return _done(request, referral, _("Samtykket er registreret."))


@require_POST
@role_required(Role.ADVISOR)
def referral_message(request, reference: str):
    referral = selectors.get_referral_for(request.user, reference)
    form = forms.MessageForm(request.POST)
    if not form.is_valid():
        return _advisor_page(request, referral, message_form=form, status=400)
    services.referral_message_send(
        referral=referral,
        by=request.user,
        text=form.cleaned_data["text"],
        shareable=form.cleaned_data["shareable"],
        submission_token=form.cleaned_data["submission_token"],
    )
    if form.cleaned_data["shareable"] and referral.consent_to_share:
        return _done(request, referral, _("Beskeden er sendt. Indberetteren kan se den."))
    return _done(request, referral, _("Beskeden er gemt. Indberetteren kan ikke se den uden samtykke og deling."))


@require_POST
@role_required(Role.ADVISOR)
def referral_close(request, reference: str):
    referral = selectors.get_referral_for(request.user, reference)
    form = forms.CloseForm(request.POST, visible_referrals=selectors.referrals_visible_to(request.user))
    if form.is_valid():
        try:
            services.referral_close(
                referral=referral,
                by=request.user,
                outcome=form.cleaned_data["outcome"],
                duplicate_of=form.cleaned_data["duplicate_of"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _done(request, referral, _("Henvendelsen er afsluttet. Indberetteren får besked."))
    return _advisor_page(request, referral, close_form=form, status=400)
