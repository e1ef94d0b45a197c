"""Who sees what on a case, beyond the plain 404s: the team rule, the whole CPR number,
handing a case on, searches that must not put names in addresses, one login one role,
and double submits on every form of the case page."""

import io
import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from cases.models import ActionPlan, CaseConsent, CaseFileExport, Placement, RentSubsidy, SupportAssignment, SupportKind
from cases.selectors import citizens as selectors
from cases.services import allocation, citizens, reminders, stays
from contacts.models import Advisor
from contacts.roles import Role, role_of
from tests import factories
from tests.factories import VacancyOfferFactory, open_case

pytestmark = pytest.mark.django_db


def detail(case):
    return reverse("cases:detail", args=[case.reference])


@pytest.fixture
def housing_advisor_in_team(team, district):
    """A housing advisor who sits in the caseworkers' team but is not on the case."""
    return factories.AdvisorFactory(function=Advisor.Function.HOUSING_ADVISOR, team=team, districts=[district]).user


# --- The team rule ------------------------------------------------------------------------


def test_a_housing_advisor_in_the_team_sees_only_the_cases_assigned_to_them(
    client, caseworker, housing_advisor_in_team, case
):
    client.force_login(housing_advisor_in_team)
    assert client.get(detail(case)).status_code == 404
    assert case.citizen.name not in client.get(reverse("cases:list")).content.decode()

    citizens.case_assign(case=case, by=caseworker, user=housing_advisor_in_team)
    assert client.get(detail(case)).status_code == 200
    assert case.citizen.name in client.get(reverse("cases:list")).content.decode()


def test_an_assigned_housing_advisor_sees_fitting_homes_but_no_propose_button(
    client, caseworker, housing_advisor_in_team, case
):
    VacancyOfferFactory(monthly_rent=4000)
    citizens.case_assign(case=case, by=caseworker, user=housing_advisor_in_team)
    client.force_login(housing_advisor_in_team)
    body = client.get(detail(case)).content.decode()
    assert "Ledige boliger, der passer" in body
    assert "/propose/" not in body
    assert "Hjemløseenheden foreslår boligerne" in body


# --- The whole CPR number -----------------------------------------------------------------


def export_text(client, case, captured) -> str:
    with captured(execute=True):
        response = client.post(reverse("cases:export_start", args=[case.reference]))
    assert response.status_code == 302
    export = CaseFileExport.objects.filter(case=case).latest("pk")
    pdf = client.get(reverse("cases:export_download", args=[case.reference, export.pk]))
    assert pdf["Content-Type"] == "application/pdf"
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)


def test_the_case_file_prints_the_cpr_masked_for_a_colleague_not_on_the_case(
    client, colleague, case, django_capture_on_commit_callbacks
):
    client.force_login(colleague)
    text = export_text(client, case, django_capture_on_commit_callbacks)
    assert "Aksel Dammgaard" in text
    assert "010190-XXXX" in text
    assert "010190-1234" not in text and "0101901234" not in text


def test_the_case_file_prints_the_whole_cpr_for_the_assigned_caseworker(
    client, caseworker, case, django_capture_on_commit_callbacks
):
    client.force_login(caseworker)
    assert "010190-1234" in export_text(client, case, django_capture_on_commit_callbacks)


def test_a_grant_alone_does_not_show_the_cpr_once_the_role_is_gone(client, caseworker, case):
    Advisor.objects.filter(user=caseworker).update(active=False)
    caseworker.refresh_from_db()
    assert role_of(caseworker) == Role.NONE
    assert not selectors.can_see_full_cpr(caseworker, case)
    client.force_login(caseworker)
    assert client.get(detail(case)).status_code == 404


# --- Handing a case on --------------------------------------------------------------------


def test_a_colleague_cannot_give_themselves_a_case_someone_has(client, colleague, case):
    client.force_login(colleague)
    page = client.get(detail(case)).content.decode()
    assert "010190-XXXX" in page
    assert reverse("cases:assign", args=[case.reference]) not in page  # no "Tildel" for them

    response = client.post(
        reverse("cases:assign", args=[case.reference]), {"assign-assignee": str(colleague.advisor.pk)}
    )
    assert response.status_code == 400
    assert "Kun sagens sagsbehandlere kan tildele sagen." in response.content.decode()
    assert not selectors.can_see_full_cpr(colleague, case)
    assert "010190-1234" not in client.get(detail(case)).content.decode()


@pytest.mark.parametrize("persona", ["advisor", "advisor_elsewhere", "caseworker_elsewhere", "association_staff"])
def test_others_cannot_assign_themselves_a_case_they_cannot_see(client, request, persona, case):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    data = {"assign-assignee": str(getattr(getattr(user, "advisor", None), "pk", ""))}
    assert client.post(reverse("cases:assign", args=[case.reference]), data).status_code == 404
    assert not selectors.can_see_full_cpr(user, case)


def test_the_assigned_caseworker_hands_the_case_to_a_colleague_and_it_is_logged(client, caseworker, colleague, case):
    from auditlog.models import LogEntry

    client.force_login(caseworker)
    response = client.post(
        reverse("cases:assign", args=[case.reference]), {"assign-assignee": str(colleague.advisor.pk)}
    )
    assert response.status_code == 302
    assert selectors.can_see_full_cpr(colleague, case)
    handed_over = LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.UPDATE, actor=caseworker)
    assert handed_over.count() == 1


def test_a_case_whose_caseworker_left_can_be_taken_by_the_team(client, caseworker, colleague, case):
    caseworker.is_active = False
    caseworker.save(update_fields=["is_active"])
    client.force_login(colleague)
    page = client.get(detail(case)).content.decode()
    assert reverse("cases:assign", args=[case.reference]) in page
    response = client.post(
        reverse("cases:assign", args=[case.reference]), {"assign-assignee": str(colleague.advisor.pk)}
    )
    assert response.status_code == 302
    assert "010190-1234" in client.get(detail(case)).content.decode()


# --- Searches keep names out of addresses --------------------------------------------------


def test_a_name_search_is_posted_and_never_stands_in_the_address(client, caseworker, case, shelter):
    open_case(by=caseworker, name="Bodil Andersen")
    client.force_login(caseworker)
    response = client.post(reverse("cases:list"), {"q": "Dammgaard", "status": "open"})
    assert response.status_code == 302
    assert "Dammgaard" not in response.url and "Aksel" not in response.url
    body = client.get(response.url).content.decode()
    assert "Aksel Dammgaard" in body and "Bodil Andersen" not in body
    assert 'value="Dammgaard"' in body  # the term stays in the field

    cleared = client.post(reverse("cases:list"), {"q": "", "status": "open"})
    body = client.get(cleared.url).content.decode()
    assert "Aksel Dammgaard" in body and "Bodil Andersen" in body


def test_a_name_in_the_query_string_is_ignored(client, caseworker, case):
    open_case(by=caseworker, name="Bodil Andersen")
    client.force_login(caseworker)
    body = client.get(reverse("cases:list"), {"q": "Dammgaard"}).content.decode()
    assert "Bodil Andersen" in body


def test_the_login_redirect_after_a_timeout_drops_the_query_string(client, caseworker, clock):
    client.force_login(caseworker)
    client.get(reverse("start"))
    clock.advance(31 * 60)
    response = client.get(reverse("cases:list") + "?status=closed&navn=Aksel")
    assert response.status_code == 302
    assert "Aksel" not in response.url and "status" not in response.url
    assert response.url == f"{reverse('login')}?next={reverse('cases:list')}"


# --- One login, one role ------------------------------------------------------------------


def test_a_login_with_an_external_and_a_municipal_role_gets_no_access(client, association_staff, case, team):
    Advisor.objects.create(user=association_staff, team=team, function=Advisor.Function.HOMELESSNESS_CASEWORKER)
    association_staff.refresh_from_db()
    assert role_of(association_staff) == Role.NONE
    client.force_login(association_staff)
    assert client.get(detail(case)).status_code == 404
    assert client.get(reverse("cases:list")).status_code == 404


def test_the_administration_refuses_a_second_role_for_a_login(client, administrator, association_staff, team):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:contacts_advisor_add"),
        {"user": association_staff.pk, "function": "homelessness_caseworker", "team": team.pk, "active": "on"},
    )
    assert response.status_code == 200
    assert "Login&#x27;et har allerede en anden rolle" in response.content.decode()
    assert not Advisor.objects.filter(user=association_staff).exists()


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
