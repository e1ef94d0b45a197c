"""Who sees what on a case, beyond the plain 404s: the team rule, the whole CPR number,
handing a case on, searches that must not put names in addresses, one login one role."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from cases.models import CaseFileExport
from cases.selectors import citizens as selectors
from cases.services import citizens
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
