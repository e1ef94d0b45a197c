"""A case keeps one true record: double submits save one row, a declined home stays
declined, a closed case refuses new content, reads and reminders are right."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import ActionPlan, CaseConsent, CaseFileExport, Placement, RentSubsidy, SupportAssignment, SupportKind
from cases.services import allocation, citizens, reminders, stays
from tests.factories import VacancyOfferFactory, open_case

pytestmark = pytest.mark.django_db


def detail(case):
    return reverse("cases:detail", args=[case.reference])


# --- Double submits -----------------------------------------------------------------------


def post_twice(client, url, data):
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == second.status_code == 302, (first.status_code, second.status_code)


def today(days=0) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_double_submits_on_the_case_page_save_one_of_each(client, caseworker, case):
    client.force_login(caseworker)
    page = client.get(detail(case))
    tokens = {
        name: page.context[name]["submission_token"].value()
        for name in ("consent_form", "plan_form", "support_form", "sa_form", "export_form")
    }
    assert len(set(tokens.values())) == len(tokens)  # each form has its own
    url = lambda name: reverse(f"cases:{name}", args=[case.reference])  # noqa: E731

    post_twice(
        client,
        url("consent"),
        {"consent-scope": "association", "consent-method": "oral", "consent-submission_token": tokens["consent_form"]},
    )
    post_twice(
        client,
        url("plan"),
        {
            "plan-made_on": today(),
            "plan-goals": "Egen bolig inden 90 dage",
            "plan-next_review_on": today(30),
            "plan-submission_token": tokens["plan_form"],
        },
    )
    post_twice(
        client,
        url("support"),
        {
            "support-kind": str(SupportKind.objects.get(code="CTI").pk),
            "support-granted_on": today(),
            "support-provider": "Hjemløseenheden",
            "support-submission_token": tokens["support_form"],
        },
    )
    post_twice(
        client,
        url("supported_accommodation"),
        {
            "sa-kind": "supported_accommodation",
            "sa-provider": "Botilbuddet Lindely",
            "sa-submission_token": tokens["sa_form"],
        },
    )
    post_twice(client, url("export_start"), {"export-submission_token": tokens["export_form"]})

    assert CaseConsent.objects.filter(case=case).count() == 1
    assert ActionPlan.objects.filter(case=case).count() == 1
    assert SupportAssignment.objects.filter(case=case).count() == 1
    assert Placement.objects.filter(case=case).count() == 1
    assert CaseFileExport.objects.filter(case=case).count() == 1


def test_a_double_submitted_rent_subsidy_is_saved_once(client, caseworker, case):
    placement = allocation.placement_propose(case=case, offer=VacancyOfferFactory(monthly_rent=4000), by=caseworker)
    allocation.placement_accept(placement=placement, by=caseworker)
    client.force_login(caseworker)
    token = client.get(detail(case)).context["subsidy_form"]["submission_token"].value()
    post_twice(
        client,
        reverse("cases:subsidy", args=[case.reference]),
        {
            "placement": str(placement.pk),
            "subsidy-monthly_amount": "800",
            "subsidy-starts_on": today(),
            "subsidy-ends_on": today(365),
            "subsidy-submission_token": str(token),
        },
    )
    assert RentSubsidy.objects.filter(placement=placement).count() == 1


def test_a_supported_accommodation_decision_is_refused_while_a_home_is_on_its_way(client, caseworker, case):
    allocation.placement_propose(case=case, offer=VacancyOfferFactory(monthly_rent=4000), by=caseworker)
    client.force_login(caseworker)
    response = client.post(
        reverse("cases:supported_accommodation", args=[case.reference]),
        {
            "sa-kind": "supported_accommodation",
            "sa-provider": "Botilbuddet Lindely",
            "sa-submission_token": str(uuid.uuid4()),
        },
    )
    assert response.status_code == 400
    assert "Borgeren har allerede en bolig på vej" in response.content.decode()
    assert Placement.objects.filter(case=case).count() == 1


def test_someone_elses_token_never_returns_their_row(caseworker, colleague, case):
    token = uuid.uuid4()
    mine = stays.action_plan_add(
        case=case,
        by=caseworker,
        made_on=timezone.localdate(),
        goals="Mål",
        next_review_on=timezone.localdate(),
        submission_token=token,
    )
    citizens.case_assign(case=case, by=caseworker, user=colleague)
    other_case = open_case(by=colleague, name="Anden Borger")
    with pytest.raises(ValidationError, match="Formularen er allerede brugt"):
        stays.action_plan_add(
            case=other_case,
            by=colleague,
            made_on=timezone.localdate(),
            goals="Andet mål",
            next_review_on=timezone.localdate(),
            submission_token=token,
        )
    assert ActionPlan.objects.get(submission_token=token) == mine


# --- A declined home stays declined ---------------------------------------------------------


def test_declining_again_never_reopens_a_home_someone_else_has_accepted(client, caseworker, case):
    offer = VacancyOfferFactory(monthly_rent=4000)
    first = allocation.placement_propose(case=case, offer=offer, by=caseworker)
    allocation.placement_decline(placement=first, by=caseworker, reason="For langt fra netværket")
    other = open_case(by=caseworker, name="Bente Borger")
    allocation.placement_accept(
        placement=allocation.placement_propose(case=other, offer=offer, by=caseworker), by=caseworker
    )
    client.force_login(caseworker)
    response = client.post(
        reverse("cases:placement_decline", args=[case.reference]),
        {"placement": str(first.pk), "decline-reason": "Igen"},
    )
    assert response.status_code == 302
    offer.refresh_from_db()
    first.refresh_from_db()
    assert offer.status == offer.Status.ACCEPTED
    assert first.declined_reason == "For langt fra netværket"
    assert Placement.objects.filter(offer=offer).exclude(status=Placement.Status.DECLINED).count() == 1


# --- A closed case is a record ------------------------------------------------------------


@pytest.fixture
def closed_case(caseworker, shelter):
    case = open_case(by=caseworker, name="Lukket Borger", cpr="010190-1234")
    citizens.case_close(case=case, by=caseworker, reason="housed")
    return case


def test_a_closed_case_refuses_new_stays_plans_support_consents_and_homes(client, caseworker, closed_case, shelter):
    client.force_login(caseworker)
    url = lambda name: reverse(f"cases:{name}", args=[closed_case.reference])  # noqa: E731
    posts = {
        "stay_start": {"stay-shelter": str(shelter.pk), "stay-entered_on": today(-1)},
        "plan": {"plan-made_on": today(), "plan-goals": "Mål", "plan-next_review_on": today(30)},
        "support": {
            "support-kind": str(SupportKind.objects.get(code="CTI").pk),
            "support-granted_on": today(),
            "support-provider": "Team",
        },
        "consent": {"consent-scope": "association", "consent-method": "oral"},
        "supported_accommodation": {"sa-kind": "supported_accommodation", "sa-provider": "Lindely"},
    }
    for name, data in posts.items():
        response = client.post(url(name), data)
        assert response.status_code == 400, name
        assert "Sagen er lukket" in response.content.decode(), name
    closed_case.refresh_from_db()
    assert not closed_case.stays.exists() and not closed_case.action_plans.exists()
    assert not closed_case.support.exists() and not closed_case.consents.exists()
    assert not closed_case.placements.exists()
    page = client.get(detail(closed_case)).content.decode()
    assert "Ny handleplan" not in page and "Registrér bostøtte" not in page and "Registrér samtykke" not in page


def test_a_closed_case_still_takes_a_journal_note_and_a_withdrawn_consent(client, caseworker, colleague, case):
    from auditlog.models import LogEntry

    consent = citizens.case_consent_record(case=case, by=caseworker, scope="reporter", method="written")
    stays.stay_end(stay=case.stays.get(), by=caseworker, left_on=timezone.localdate(), exit="other_shelter")
    citizens.case_close(case=case, by=caseworker, reason="other")
    client.force_login(colleague)
    response = client.post(reverse("cases:consent_withdraw", args=[case.reference, consent.pk]))
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_on == timezone.localdate() and consent.withdrawn_by == colleague
    assert LogEntry.objects.get_for_object(consent).filter(actor=colleague).exists()
    client.force_login(caseworker)
    token = client.get(detail(case)).context["journal_form"]["submission_token"].value()
    response = client.post(
        reverse("cases:journal", args=[case.reference]),
        {
            "journal-written_on": today(),
            "journal-text": "Borgeren er orienteret.",
            "journal-submission_token": str(token),
        },
    )
    assert response.status_code == 302 and case.journal.count() == 1


def test_closing_a_case_hands_a_proposed_home_back_and_waits_for_an_accepted_one(caseworker, case):
    from django.core.exceptions import ValidationError as Refused

    stays.stay_end(stay=case.stays.get(), by=caseworker, left_on=timezone.localdate(), exit="other_shelter")
    offer = VacancyOfferFactory(monthly_rent=4000)
    placement = allocation.placement_propose(case=case, offer=offer, by=caseworker)
    allocation.placement_accept(placement=placement, by=caseworker)
    with pytest.raises(Refused, match="sagt ja til en bolig"):
        citizens.case_close(case=case, by=caseworker, reason="other")

    other = open_case(by=caseworker, name="Bente Borger")
    second = VacancyOfferFactory(monthly_rent=4000)
    proposed = allocation.placement_propose(case=other, offer=second, by=caseworker)
    citizens.case_close(case=other, by=caseworker, reason="other")
    proposed.refresh_from_db()
    second.refresh_from_db()
    assert proposed.status == Placement.Status.DECLINED and second.status == second.Status.OFFERED
    with pytest.raises(Refused, match="Sagen er lukket"):
        allocation.placement_accept(placement=proposed, by=caseworker)


def test_steps_and_subsidies_are_refused_on_a_closed_case(caseworker, case):
    from django.core.exceptions import ValidationError as Refused

    offer = VacancyOfferFactory(monthly_rent=4000)
    placement = allocation.placement_propose(case=case, offer=offer, by=caseworker)
    allocation.placement_accept(placement=placement, by=caseworker)
    allocation.placement_move_in(placement=placement, by=caseworker, move_in_on=timezone.localdate())
    case.stays.update(left_on=timezone.localdate(), exit="own_home")
    citizens.case_close(case=case, by=caseworker, reason="housed")
    placement.refresh_from_db()
    with pytest.raises(Refused, match="Sagen er lukket"):
        allocation.subsidy_grant(
            placement=placement,
            by=caseworker,
            monthly_amount=500,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + timedelta(days=365),
        )


def test_a_subsidy_needs_a_home_the_citizen_said_yes_to(caseworker, case):
    from django.core.exceptions import ValidationError as Refused

    placement = allocation.placement_propose(case=case, offer=VacancyOfferFactory(monthly_rent=4000), by=caseworker)
    with pytest.raises(Refused, match="sagt ja til"):
        allocation.subsidy_grant(
            placement=placement,
            by=caseworker,
            monthly_amount=500,
            starts_on=timezone.localdate(),
            ends_on=timezone.localdate() + timedelta(days=365),
        )


# --- Reads, reminders, error reports ------------------------------------------------------


def test_the_page_shown_again_after_a_form_error_is_a_logged_read(client, colleague, case):
    from auditlog.models import LogEntry

    client.force_login(colleague)
    response = client.post(reverse("cases:journal", args=[case.reference]), {"journal-text": ""})
    assert response.status_code == 400 and "Aksel Dammgaard" in response.content.decode()
    reads = LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.ACCESS, actor=colleague)
    assert reads.count() == 1


def test_reminders_skip_people_who_have_left(caseworker, colleague, shelter):
    from notifications.models import Notification

    at_65 = open_case(
        by=caseworker, name="Tres-fem", shelter=shelter, entered_on=timezone.localdate() - timedelta(days=65)
    )
    citizens.case_assign(case=at_65, by=caseworker, user=colleague)
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    reminders.cases_remind()
    assert set(
        Notification.objects.filter(template="stay_warning", context__days=60).values_list("recipient", flat=True)
    ) == {caseworker.pk}


def test_what_is_typed_on_case_forms_is_kept_out_of_error_reports(client, caseworker, case):
    client.force_login(caseworker)
    for url in (reverse("cases:new"), reverse("cases:journal", args=[case.reference]), reverse("cases:list")):
        response = client.post(url, {"name": "Aksel", "journal-text": "Misbrug"})
        assert response.wsgi_request.sensitive_post_parameters == "__ALL__", url


def test_an_offer_token_from_another_organisation_never_returns_their_offer(
    association_staff, association_staff_elsewhere, department, other_department
):
    from decimal import Decimal

    from django.core.exceptions import ValidationError as Refused

    from tests.factories import DwellingFactory

    token = uuid.uuid4()
    theirs = allocation.offer_submit(
        by=association_staff,
        dwelling=DwellingFactory(department=department),
        monthly_rent=Decimal(4000),
        available_from=timezone.localdate(),
        answer_by=timezone.localdate(),
        submission_token=token,
    )
    with pytest.raises(Refused, match="Formularen er allerede brugt"):
        allocation.offer_submit(
            by=association_staff_elsewhere,
            dwelling=DwellingFactory(department=other_department),
            monthly_rent=Decimal(4000),
            available_from=timezone.localdate(),
            answer_by=timezone.localdate(),
            submission_token=token,
        )
    assert list(type(theirs).objects.all()) == [theirs]


def test_a_proposal_can_be_withdrawn_until_the_citizen_answers(client, caseworker, case):
    offer = VacancyOfferFactory(monthly_rent=4000)
    placement = allocation.placement_propose(case=case, offer=offer, by=caseworker)
    client.force_login(caseworker)
    page = client.get(detail(case)).content.decode()
    assert "Træk forslaget tilbage" in page
    url = reverse("cases:placement_step", args=[case.reference, "withdraw"])
    assert client.post(url, {"placement": str(placement.pk)}).status_code == 302
    placement.refresh_from_db()
    offer.refresh_from_db()
    assert placement.status == Placement.Status.DECLINED and offer.status == offer.Status.OFFERED

    again = allocation.placement_propose(case=case, offer=offer, by=caseworker)
    allocation.placement_accept(placement=again, by=caseworker)
    response = client.post(url, {"placement": str(again.pk)})
    assert response.status_code == 400
    again.refresh_from_db()
    assert again.status == Placement.Status.ACCEPTED


def test_a_closed_case_can_be_reopened_and_it_is_logged(client, caseworker, closed_case):
    from auditlog.models import LogEntry

    client.force_login(caseworker)
    page = client.get(detail(closed_case)).content.decode()
    assert "Genåbn sagen" in page and "Sagen blev lukket med årsagen" in page
    assert client.post(reverse("cases:reopen", args=[closed_case.reference])).status_code == 302
    closed_case.refresh_from_db()
    assert closed_case.is_open and closed_case.close_reason == ""
    changes = LogEntry.objects.get_for_object(closed_case).filter(action=LogEntry.Action.UPDATE, actor=caseworker)
    assert changes.exists()


@pytest.mark.parametrize("persona", ["advisor", "association_staff", "administrator", "caseworker_elsewhere"])
def test_others_cannot_reopen_a_case(client, request, persona, closed_case):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("cases:reopen", args=[closed_case.reference])).status_code == 404
    closed_case.refresh_from_db()
    assert not closed_case.is_open


def test_the_same_journal_note_sent_again_with_a_fresh_form_is_saved_once(client, caseworker, case):
    client.force_login(caseworker)
    url = reverse("cases:journal", args=[case.reference])
    for _ in range(2):  # the back button: the same words, a new one-time token
        data = {
            "journal-written_on": today(),
            "journal-text": "Borgeren er orienteret.",
            "journal-submission_token": str(uuid.uuid4()),
        }
        assert client.post(url, data).status_code == 302
    assert case.journal.filter(text="Borgeren er orienteret.").count() == 1


def test_a_subsidy_ending_both_too_late_and_before_it_starts_is_a_form_error_not_a_500(client, caseworker, case):
    placement = allocation.placement_propose(
        case=case, offer=VacancyOfferFactory(monthly_rent=Decimal(4000)), by=caseworker
    )
    allocation.placement_accept(placement=placement, by=caseworker)
    client.force_login(caseworker)
    url = reverse("cases:subsidy", args=[case.reference])
    data = {
        "placement": placement.pk,
        "subsidy-monthly_amount": "500",
        "subsidy-starts_on": "2040-01-01",
        "subsidy-ends_on": "2030-01-01",
    }
    response = client.post(url, data)
    assert response.status_code == 400
    assert "Slutdatoen skal ligge efter startdatoen" in response.content.decode()
