"""A citizen is registered once, found by CPR number, and their dates can be real."""

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Citizen, Placement, SupportKind
from cases.services import allocation, stays
from contacts.models import Advisor
from tests import factories
from tests.factories import VacancyOfferFactory, open_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def register(client, **overrides):
    data = {
        "name": "Ny Borger",
        "cpr": "010190-1234",
        "max_rent": "4800",
        "target_group": "single_adult",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return client.post(reverse("cases:new"), data)


def days(n: int) -> str:
    return (TODAY() + timedelta(days=n)).isoformat()


# --- One citizen, one CPR number -------------------------------------------------------------


def test_a_second_registration_of_a_cpr_number_links_to_the_case_the_caseworker_may_see(client, caseworker, case):
    client.force_login(caseworker)
    response = register(client, name="Aksel D.")
    body = response.content.decode()
    assert f"Borgeren er allerede registreret i sag {case.reference}" in body
    assert reverse("cases:detail", args=[case.reference]) in body
    assert Citizen.objects.count() == 1


def test_a_caseworker_who_may_not_see_the_case_learns_only_whom_to_ask(client, caseworker_elsewhere, case):
    client.force_login(caseworker_elsewhere)
    body = register(client).content.decode()
    assert "Borgeren er allerede registreret i Bindeled. Kontakt Hjemløseenheden" in body
    assert case.reference not in body and "Aksel" not in body
    assert Citizen.objects.count() == 1
    # The look-up of a case the caseworker may not open is on that case's read log.
    looked_up = LogEntry.objects.get_for_object(case).filter(action=LogEntry.Action.ACCESS, actor=caseworker_elsewhere)
    assert [entry.additional_data for entry in looked_up] == [{"purpose": "cpr_match"}]


def test_the_service_refuses_a_second_citizen_with_the_same_cpr_number(caseworker_elsewhere, case):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="allerede registreret"):
        open_case(by=caseworker_elsewhere, cpr="0101901234")
    assert Case.objects.count() == 1


def test_the_whole_cpr_number_finds_the_case_and_is_never_kept_in_clear(client, caseworker, case):
    open_case(by=caseworker, name="Anden Borger", cpr="020290-1234")
    client.force_login(caseworker)
    response = client.post(reverse("cases:list"), {"q": "010190-1234", "status": "open"})
    assert "0101901234" not in response.url and "010190" not in response.url
    page = client.get(response.url)
    assert [c.reference for c in page.context["page"].object_list] == [case.reference]
    assert 'value="010190-XXXX"' in page.content.decode()
    session = str(dict(client.session))
    assert "0101901234" not in session and "010190-1234" not in session
    # Searching again with the masked number in the box keeps the same search.
    again = client.get(client.post(reverse("cases:list"), {"q": "010190-XXXX", "status": "open"}).url)
    assert [c.reference for c in again.context["page"].object_list] == [case.reference]


def test_a_search_in_capitals_finds_danish_letters(client, caseworker):
    found = open_case(by=caseworker, name="Frederikke Mølholm")
    client.force_login(caseworker)
    page = client.get(client.post(reverse("cases:list"), {"q": "MØLHOLM", "status": "open"}).url)
    assert [c.reference for c in page.context["page"].object_list] == [found.reference]


# --- Dates that cannot be real ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("birth_date", "message"),
    [(days(1), "kan ikke ligge i fremtiden"), ("1890-05-17", "mere end 120 år tilbage")],
)
def test_an_impossible_birth_date_is_refused_on_the_field(client, caseworker, birth_date, message):
    client.force_login(caseworker)
    body = register(client, cpr="", birth_date=birth_date).content.decode()
    assert message in body and 'value="Ny Borger"' in body
    assert not Citizen.objects.exists()


def test_a_cpr_number_from_the_1800s_is_refused(client, caseworker):
    client.force_login(caseworker)
    assert "mere end 120 år tilbage" in register(client, cpr="010158-5234").content.decode()


@pytest.mark.parametrize(("entered_on", "message"), [(days(1), "fremtiden"), (days(-11 * 366), "mere end 10 år siden")])
def test_a_shelter_stay_cannot_start_in_the_future_or_long_ago(client, caseworker, shelter, entered_on, message):
    client.force_login(caseworker)
    body = register(client, shelter=str(shelter.pk), entered_on=entered_on).content.decode()
    assert message in body
    case = open_case(by=caseworker, name="Uden ophold")
    url = reverse("cases:stay_start", args=[case.reference])
    assert message in client.post(url, {"stay-shelter": shelter.pk, "stay-entered_on": entered_on}).content.decode()
    assert not case.stays.exists()


def test_a_journal_entry_cannot_be_dated_in_the_future(client, caseworker, case):
    client.force_login(caseworker)
    url = reverse("cases:journal", args=[case.reference])
    data = {
        "journal-written_on": days(2),
        "journal-text": "Møde i morgen",
        "journal-submission_token": str(uuid.uuid4()),
    }
    body = client.post(url, data).content.decode()
    assert "Datoen kan ikke ligge i fremtiden" in body and "Møde i morgen" in body
    assert not case.journal.filter(text="Møde i morgen").exists()


def test_a_stay_ends_as_own_home_only_from_the_day_of_the_move_in(caseworker, case):
    from django.core.exceptions import ValidationError

    stays.action_plan_add(
        case=case, by=caseworker, made_on=TODAY(), goals="Egen bolig", next_review_on=TODAY() + timedelta(days=30)
    )
    stays.support_grant(
        case=case, by=caseworker, kind=SupportKind.objects.get(code="CTI"), granted_on=TODAY(), provider="CTI-teamet"
    )
    placement = allocation.placement_propose(
        case=case, offer=VacancyOfferFactory(monthly_rent=Decimal(4000)), by=caseworker
    )
    allocation.placement_accept(placement=placement, by=caseworker)
    allocation.placement_move_in(placement=placement, by=caseworker, move_in_on=TODAY() - timedelta(days=2))
    stay = case.stays.get()
    with pytest.raises(ValidationError, match="flyttede først ind"):
        stays.stay_end(stay=stay, by=caseworker, left_on=TODAY() - timedelta(days=5), exit="own_home")
    with pytest.raises(ValidationError, match="fremtiden"):
        stays.stay_end(stay=stay, by=caseworker, left_on=TODAY() + timedelta(days=1), exit="own_home")
    stays.stay_end(stay=stay, by=caseworker, left_on=TODAY(), exit="own_home")
    assert case.placements.get().status == Placement.Status.MOVED_IN


def test_a_housing_advisor_is_told_to_ask_but_not_which_unit_has_the_citizen(client, case, district):
    advisor = factories.AdvisorFactory(
        function=Advisor.Function.HOUSING_ADVISOR, team__name="Boligsocialt team", districts=[district]
    ).user
    client.force_login(advisor)
    # Advisors open housing-social cases from concerns; the same rule applies there.
    referral = factories.ReferralFactory(department=factories.DepartmentFactory(district=district))
    url = reverse("referrals:open_case", args=[referral.reference])
    data = {"case-name": "X", "case-cpr": "010190-1234", "case-max_rent": "4000", "case-target_group": "single_adult"}
    body = client.post(url, data).content.decode()
    assert "Borgeren er allerede registreret i Bindeled" in body and "Spørg din leder" in body
    # Naming the homelessness unit would tell an advisor the citizen has been homeless.
    assert case.reference not in body and case.team.name not in body and "Aksel" not in body
