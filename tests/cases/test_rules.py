"""The rules of the homelessness plan, through the services."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseConsent, Citizen, Placement, ShelterStay, SupportKind
from cases.selectors.allocation import candidates_for_offer, offers_for_case
from cases.services import allocation, citizens, stays
from housing.models import VacancyOffer
from referrals.services import case_bridge
from tests.factories import DepartmentFactory, DwellingFactory, ReferralFactory, VacancyOfferFactory, open_case

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def offer_in(department=None, *, rent=5000, kind="family", stop=False):
    department = department or DepartmentFactory(
        allocation_stop=stop, allocation_stop_reason="Beboersammensætning" if stop else ""
    )
    return VacancyOfferFactory(dwelling=DwellingFactory(department=department, kind=kind), monthly_rent=Decimal(rent))


# --- CPR ----------------------------------------------------------------------------------


def test_cpr_is_encrypted_at_rest_and_gives_the_birth_date(case):
    citizen = Citizen.objects.get(pk=case.citizen_id)
    assert citizen.cpr == "0101901234"
    assert citizen.birth_date == date(1990, 1, 1)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cpr FROM cases_citizen WHERE id = %s", [citizen.pk])
        stored = cursor.fetchone()[0]
    assert "0101901234" not in stored and "010190" not in stored
    assert citizen.masked_cpr == "010190-XXXX"


@pytest.mark.parametrize("cpr", ["3102901234", "12345", "0101901234x", "0113901234"])
def test_impossible_cpr_numbers_are_refused(caseworker, cpr):
    with pytest.raises(ValidationError):
        open_case(by=caseworker, cpr=cpr)


def test_a_cpr_number_of_someone_not_yet_born_is_refused(caseworker):
    # 31 December 2035: the 7th digit 4 with the year 35 means the 2000s.
    with pytest.raises(ValidationError, match="fødselsdato i fremtiden"):
        open_case(by=caseworker, cpr="311235-4234")


def test_birth_date_must_match_the_cpr(caseworker):
    with pytest.raises(ValidationError, match="passer ikke"):
        open_case(by=caseworker, cpr="010190-1234", birth_date=date(1991, 1, 1))


def test_the_opener_is_assigned_and_sees_the_full_cpr(case, caseworker, colleague):
    from cases.selectors.citizens import can_see_full_cpr

    assert can_see_full_cpr(caseworker, case)
    assert not can_see_full_cpr(colleague, case)


# --- Discharge rule -----------------------------------------------------------------------


def test_discharge_to_own_home_needs_plan_home_and_support(case, caseworker):
    stay = case.stays.get()
    with pytest.raises(ValidationError) as excinfo:
        stays.stay_end(stay=stay, by=caseworker, left_on=TODAY(), exit=ShelterStay.Exit.OWN_HOME)
    message = " ".join(excinfo.value.messages)
    assert "en handleplan" in message
    assert "en bolig" in message
    assert "bostøtte" in message

    stays.action_plan_add(case=case, by=caseworker, made_on=TODAY(), goals="Egen bolig", next_review_on=TODAY())
    stays.support_grant(
        case=case, by=caseworker, kind=SupportKind.objects.get(code="CTI"), granted_on=TODAY(), provider="Team"
    )
    with pytest.raises(ValidationError) as excinfo:
        stays.stay_end(stay=stay, by=caseworker, left_on=TODAY(), exit=ShelterStay.Exit.OWN_HOME)
    assert "handleplan" not in " ".join(excinfo.value.messages)

    offer = offer_in(rent=4000)
    placement = allocation.placement_propose(case=case, offer=offer, by=caseworker)
    allocation.placement_accept(placement=placement, by=caseworker)
    allocation.placement_move_in(placement=placement, by=caseworker, move_in_on=TODAY())
    stays.stay_end(stay=stay, by=caseworker, left_on=TODAY(), exit=ShelterStay.Exit.OWN_HOME)
    stay.refresh_from_db()
    assert stay.left_on == TODAY() and stay.exit == ShelterStay.Exit.OWN_HOME


def test_a_supported_accommodation_decision_counts_as_the_home(case, caseworker):
    stays.action_plan_add(case=case, by=caseworker, made_on=TODAY(), goals="Botilbud", next_review_on=TODAY())
    stays.support_grant(
        case=case, by=caseworker, kind=SupportKind.objects.get(code="SEL85"), granted_on=TODAY(), provider="Bostedet"
    )
    allocation.placement_supported_accommodation(case=case, by=caseworker, provider="Botilbuddet Engen")
    stay = stays.stay_end(stay=case.stays.get(), by=caseworker, left_on=TODAY(), exit="supported_accommodation")
    assert stay.left_on == TODAY()


def test_leaving_for_another_shelter_needs_nothing(case, caseworker):
    stay = stays.stay_end(stay=case.stays.get(), by=caseworker, left_on=TODAY(), exit=ShelterStay.Exit.OTHER_SHELTER)
    assert stay.exit == ShelterStay.Exit.OTHER_SHELTER


def test_shelter_days_and_warning_levels(case):
    stay = case.stays.get()
    assert stay.days_so_far == 30 and stay.warning_level == 0
    stay.entered_on = TODAY() - timedelta(days=61)
    assert stay.warning_level == 60
    stay.entered_on = TODAY() - timedelta(days=85)
    assert stay.warning_level == 80


# --- Allocation ---------------------------------------------------------------------------


def test_a_department_under_allocation_stop_never_receives_a_placement(case, caseworker):
    offer = offer_in(rent=4000, stop=True)
    with pytest.raises(ValidationError, match="anvisningsstop"):
        allocation.placement_propose(case=case, offer=offer, by=caseworker)
    assert not Placement.objects.exists()
    offer.refresh_from_db()
    assert offer.status == VacancyOffer.Status.OFFERED
    assert offer not in offers_for_case(caseworker, case)


def test_matching_on_rent_ability_and_target_group(caseworker, shelter, settings):
    settings.ALLOCATION_MAX_SUBSIDY = 1000
    single = open_case(
        by=caseworker,
        name="Enlig",
        max_rent=5000,
        target_group="single_adult",
        shelter=shelter,
        entered_on=TODAY() - timedelta(days=50),
    )
    longest = open_case(
        by=caseworker,
        name="Længst",
        max_rent=4500,
        target_group="single_adult",
        shelter=shelter,
        entered_on=TODAY() - timedelta(days=80),
    )
    young = open_case(by=caseworker, name="Ung", max_rent=3000, target_group="youth")
    poor = open_case(by=caseworker, name="Lav betalingsevne", max_rent=3000, target_group="single_adult")

    family_home = offer_in(rent=5400, kind="family")
    candidates = list(candidates_for_offer(caseworker, family_home))
    assert [case.citizen.name for case in candidates] == ["Længst", "Enlig"]  # longest in shelter first
    assert candidates[0].subsidy_needed == Decimal("900")  # 5400 - 4500, within the subsidy
    assert young not in candidates and poor not in candidates

    youth_home = offer_in(rent=3200, kind="youth")
    assert [case.pk for case in candidates_for_offer(caseworker, youth_home)] == [young.pk]
    assert youth_home in offers_for_case(caseworker, young)
    assert family_home not in offers_for_case(caseworker, young)
    assert family_home in offers_for_case(caseworker, single)
    assert family_home not in offers_for_case(caseworker, poor)
    assert longest.pk


def test_a_citizen_with_a_home_on_the_way_is_no_longer_a_candidate(case, caseworker):
    first, second = offer_in(rent=4000), offer_in(rent=4000)
    allocation.placement_propose(case=case, offer=first, by=caseworker)
    assert case not in candidates_for_offer(caseworker, second)
    with pytest.raises(ValidationError, match="allerede en bolig"):
        allocation.placement_propose(case=case, offer=second, by=caseworker)


def test_placement_steps_move_the_offer_along(case, caseworker):
    offer = offer_in(rent=4000)
    placement = allocation.placement_propose(case=case, offer=offer, by=caseworker)
    offer.refresh_from_db()
    assert offer.status == VacancyOffer.Status.MATCHED
    with pytest.raises(ValidationError):
        allocation.placement_move_in(placement=placement, by=caseworker, move_in_on=TODAY())
    allocation.placement_accept(placement=placement, by=caseworker, move_in_on=TODAY() + timedelta(days=14))
    offer.refresh_from_db()
    assert offer.status == VacancyOffer.Status.ACCEPTED


def test_declining_frees_the_offer_again(case, caseworker):
    offer = offer_in(rent=4000)
    placement = allocation.placement_propose(case=case, offer=offer, by=caseworker)
    allocation.placement_decline(placement=placement, by=caseworker, reason="For langt fra netværket")
    offer.refresh_from_db()
    assert offer.status == VacancyOffer.Status.OFFERED


def test_accepting_tells_the_districts_advisor_without_personal_data(
    case, caseworker, django_capture_on_commit_callbacks, mailoutbox
):
    from tests.factories import AdvisorFactory

    department = DepartmentFactory(name="Kastanjehaven")
    district_advisor = AdvisorFactory(districts=[department.district]).user
    offer = offer_in(department, rent=4000)
    with django_capture_on_commit_callbacks(execute=True):
        placement = allocation.placement_propose(case=case, offer=offer, by=caseworker)
        allocation.placement_accept(placement=placement, by=caseworker, move_in_on=TODAY() + timedelta(days=10))
    assert [m.to for m in mailoutbox] == [[district_advisor.email]]
    text = mailoutbox[0].subject + mailoutbox[0].body
    assert "Kastanjehaven" in text
    assert "Aksel" not in text and "Dammgaard" not in text and "0101" not in text
    from cases.selectors.allocation import coming_move_ins

    assert list(coming_move_ins(district_advisor)) == [placement]


@pytest.mark.parametrize(("years", "allowed"), [(5, True), (6, False)])
def test_rent_subsidy_is_limited_to_five_years(case, caseworker, years, allowed):
    placement = allocation.placement_propose(case=case, offer=offer_in(rent=4000), by=caseworker)
    placement = allocation.placement_accept(placement=placement, by=caseworker)
    starts = date(2026, 1, 1)
    ends = date(2026 + years, 1, 1)
    if allowed:
        subsidy = allocation.subsidy_grant(
            placement=placement, by=caseworker, monthly_amount=800, starts_on=starts, ends_on=ends
        )
        assert subsidy.pk
    else:
        with pytest.raises(ValidationError, match="5 år"):
            allocation.subsidy_grant(
                placement=placement, by=caseworker, monthly_amount=800, starts_on=starts, ends_on=ends
            )


def test_association_staff_offer_only_their_own_dwellings(association_staff, department, other_department):
    own = DwellingFactory(department=department)
    foreign = DwellingFactory(department=other_department)
    offer = allocation.offer_submit(
        by=association_staff, dwelling=own, monthly_rent=Decimal(5000), available_from=TODAY(), answer_by=TODAY()
    )
    assert offer.status == VacancyOffer.Status.OFFERED
    with pytest.raises(ValidationError, match="egen boligorganisation"):
        allocation.offer_submit(
            by=association_staff,
            dwelling=foreign,
            monthly_rent=Decimal(5000),
            available_from=TODAY(),
            answer_by=TODAY(),
        )


def test_a_dwelling_waiting_for_an_answer_cannot_be_offered_again(
    client, association_staff, caseworker, case, department
):
    from cases.selectors.allocation import dwellings_offerable_by

    dwelling = DwellingFactory(department=department)
    offer = allocation.offer_submit(
        by=association_staff, dwelling=dwelling, monthly_rent=Decimal(4000), available_from=TODAY(), answer_by=TODAY()
    )
    assert dwelling not in dwellings_offerable_by(association_staff)
    with pytest.raises(ValidationError, match="allerede tilbudt"):
        allocation.offer_submit(
            by=association_staff,
            dwelling=dwelling,
            monthly_rent=Decimal(4000),
            available_from=TODAY(),
            answer_by=TODAY(),
        )
    allocation.placement_propose(case=case, offer=offer, by=caseworker)  # matched: still waiting
    assert dwelling not in dwellings_offerable_by(association_staff)
    allocation.offer_return(offer=offer, by=caseworker, reason=VacancyOffer.ReturnReason.UNSUITABLE)
    assert dwelling in dwellings_offerable_by(association_staff)  # handed back: free to offer again
    client.force_login(association_staff)
    body = client.get(reverse("allocation:offer_new")).content.decode()
    assert f'<optgroup label="{department.name}">' in body and "Vælg lejemål" in body


# --- Consent, concerns ----------------------------------------------------------------------


def test_consent_on_the_case_lets_the_reporter_of_a_linked_concern_see_shared_messages(
    case, caseworker, advisor, reporter, department
):
    from referrals.selectors import messages_for_reporter
    from referrals.services.handling import referral_message_send

    referral = ReferralFactory(reporter=reporter, department=department)
    case_bridge.referral_link_case(referral=referral, case=case, by=caseworker)
    referral_message_send(referral=referral, by=advisor, text="Borgeren har fået en bolig.", shareable=True)
    referral.refresh_from_db()
    assert messages_for_reporter(referral) == []

    consent = citizens.case_consent_record(case=case, by=caseworker, scope=CaseConsent.Scope.REPORTER, method="written")
    assert [m.text for m in messages_for_reporter(referral)] == ["Borgeren har fået en bolig."]

    citizens.case_consent_withdraw(consent=consent, by=caseworker)
    assert messages_for_reporter(referral) == []
    # Consent to share with the association does not open anything for the reporter.
    citizens.case_consent_record(case=case, by=caseworker, scope=CaseConsent.Scope.ASSOCIATION, method="oral")
    assert messages_for_reporter(referral) == []


def test_opening_a_case_from_a_concern_closes_the_concern(advisor, department, reporter):
    referral = ReferralFactory(reporter=reporter, department=department)
    case = case_bridge.case_open_from_referral(
        referral=referral, by=advisor, name="Hemmelig Beboersen", max_rent=4000, target_group="single_adult"
    )
    referral.refresh_from_db()
    assert referral.case == case and referral.status == "closed" and referral.outcome == "case_opened"
    assert case.kind == Case.Kind.HOUSING_SOCIAL
    with pytest.raises(ValidationError):
        case_bridge.case_open_from_referral(referral=referral, by=advisor, name="X", max_rent=1, target_group="family")


# --- The journal ---------------------------------------------------------------------------


def test_corrections_are_new_entries_never_edits(case, caseworker):
    original = citizens.case_note_add(case=case, by=caseworker, text="Borgeren har en hund.")
    correction = citizens.case_note_add(case=case, by=caseworker, text="Rettelse: det er en kat.", corrects=original)
    original.refresh_from_db()
    assert original.text == "Borgeren har en hund."
    assert correction.corrects == original
    assert list(case.journal.values_list("text", flat=True)) == ["Borgeren har en hund.", "Rettelse: det er en kat."]
