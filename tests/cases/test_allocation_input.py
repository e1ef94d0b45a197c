"""Allocation data that must not be accepted, and a home that is taken stays taken."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Placement
from cases.selectors.allocation import candidates_for_offer, dwellings_offerable_by
from cases.services import allocation
from housing.models import VacancyOffer
from tests.factories import DepartmentFactory, DwellingFactory, VacancyOfferFactory

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


def offer_form(dwelling, **overrides):
    data = {
        "dwelling": str(dwelling.pk),
        "monthly_rent": "6.450,50",
        "available_from": (TODAY() + timedelta(days=20)).isoformat(),
        "answer_by": (TODAY() + timedelta(days=7)).isoformat(),
    }
    data.update(overrides)
    return data


def offer(staff, dwelling, **overrides):
    fields = {
        "monthly_rent": Decimal(4500),
        "available_from": TODAY() + timedelta(days=14),
        "answer_by": TODAY() + timedelta(days=7),
    }
    fields.update(overrides)
    return allocation.offer_submit(by=staff, dwelling=dwelling, **fields)


# --- Rents -------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["0", "58", "499,99"])
def test_a_rent_below_the_floor_is_refused_on_the_field(client, association_staff, department, typed):
    dwelling = DwellingFactory(department=department)
    client.force_login(association_staff)
    response = client.post(reverse("allocation:offer_new"), offer_form(dwelling, monthly_rent=typed))
    assert "Huslejen skal være mindst 500 kr." in response.content.decode()
    assert f'value="{typed}"' in response.content.decode()  # what was typed is kept
    assert not VacancyOffer.objects.exists()


def test_ore_are_kept_and_never_rounded(client, association_staff, department):
    dwelling = DwellingFactory(department=department)
    client.force_login(association_staff)
    assert client.post(reverse("allocation:offer_new"), offer_form(dwelling)).status_code == 302
    assert VacancyOffer.objects.get().monthly_rent == Decimal("6450.50")
    page = client.get(reverse("allocation:offer_list")).content.decode()
    assert "6450,50 kr." in page


def test_more_than_two_decimals_are_refused_not_rounded(client, association_staff, department):
    dwelling = DwellingFactory(department=department)
    client.force_login(association_staff)
    response = client.post(reverse("allocation:offer_new"), offer_form(dwelling, monthly_rent="6450,555"))
    assert "højst to decimaler" in response.content.decode()
    assert not VacancyOffer.objects.exists()


def test_the_form_knows_each_homes_rent_and_the_offer_shows_a_difference(client, association_staff, department):
    dwelling = DwellingFactory(department=department, monthly_rent=Decimal("6450.00"))
    client.force_login(association_staff)
    form = client.get(reverse("allocation:offer_new")).content.decode()
    assert f'value="{dwelling.pk}" data-rent="6450.00"' in form
    client.post(reverse("allocation:offer_new"), offer_form(dwelling, monthly_rent="6.200"))
    detail = client.get(reverse("allocation:offer_detail", args=[VacancyOffer.objects.get().pk])).content.decode()
    assert "Husleje i stamdata" in detail and "tilbuddet er 250 kr. lavere" in detail


# --- Dates -------------------------------------------------------------------------------


def test_an_available_from_date_long_past_is_refused(client, association_staff, department):
    dwelling = DwellingFactory(department=department)
    client.force_login(association_staff)
    long_ago = (TODAY() - timedelta(days=400)).isoformat()
    response = client.post(reverse("allocation:offer_new"), offer_form(dwelling, available_from=long_ago))
    assert "Ledig fra-datoen ligger mere end 30 dage tilbage" in response.content.decode()
    assert not VacancyOffer.objects.exists()


def test_moving_in_is_recorded_on_the_day_and_never_before_the_lease(caseworker, case):
    placement = allocation.placement_propose(
        case=case, offer=VacancyOfferFactory(monthly_rent=Decimal(4000)), by=caseworker
    )
    allocation.placement_accept(placement=placement, by=caseworker, move_in_on=TODAY() + timedelta(days=10))
    allocation.placement_lease_signed(placement=placement, by=caseworker)
    with pytest.raises(ValidationError, match="først registreres på indflytningsdagen"):
        allocation.placement_move_in(placement=placement, by=caseworker, move_in_on=TODAY() + timedelta(days=10))
    with pytest.raises(ValidationError, match="før lejekontrakten"):
        allocation.placement_move_in(placement=placement, by=caseworker, move_in_on=TODAY() - timedelta(days=3))
    placement.refresh_from_db()
    assert placement.status == Placement.Status.LEASE_SIGNED
    allocation.placement_move_in(placement=placement, by=caseworker, move_in_on=TODAY())
    placement.refresh_from_db()
    assert (placement.status, placement.move_in_on) == (Placement.Status.MOVED_IN, TODAY())


# --- A home that is taken ------------------------------------------------------------------


def test_a_home_a_citizen_said_yes_to_cannot_be_offered_again_until_the_move_out(
    client, caseworker, case, association_staff, department
):
    dwelling = DwellingFactory(department=department, monthly_rent=Decimal(4500))
    first = offer(association_staff, dwelling)
    placement = allocation.placement_propose(case=case, offer=first, by=caseworker)
    allocation.placement_accept(placement=placement, by=caseworker)
    assert dwelling not in dwellings_offerable_by(association_staff)
    client.force_login(association_staff)
    response = client.post(reverse("allocation:offer_new"), offer_form(dwelling))
    assert response.status_code == 200 and VacancyOffer.objects.count() == 1
    with pytest.raises(ValidationError, match="sagt ja til lejemålet"):
        offer(association_staff, dwelling)

    allocation.placement_lease_signed(placement=placement, by=caseworker)
    allocation.placement_move_in(placement=placement, by=caseworker, move_in_on=TODAY())
    with pytest.raises(ValidationError, match="sagt ja til lejemålet"):
        offer(association_staff, dwelling)

    allocation.placement_move_out(
        placement=placement, by=caseworker, moved_out_on=TODAY(), reason=Placement.MoveOutReason.OWN_WISH
    )
    assert dwelling in dwellings_offerable_by(association_staff)
    second = offer(association_staff, dwelling)
    assert second.status == VacancyOffer.Status.OFFERED
    first.refresh_from_db()
    assert first.step == VacancyOffer.Step.MOVED_OUT


def test_a_move_out_is_on_the_case_page_and_the_citizen_can_get_a_new_home(client, caseworker, case):
    placement = allocation.placement_propose(
        case=case, offer=VacancyOfferFactory(monthly_rent=Decimal(4000)), by=caseworker
    )
    allocation.placement_accept(placement=placement, by=caseworker)
    allocation.placement_move_in(placement=placement, by=caseworker, move_in_on=TODAY() - timedelta(days=30))
    client.force_login(caseworker)
    url = reverse("cases:placement_move_out", args=[case.reference])
    future = {
        "placement": placement.pk,
        "moveout-moved_out_on": (TODAY() + timedelta(days=2)).isoformat(),
        "moveout-reason": "eviction",
    }
    assert "Fraflytningen kan først registreres" in client.post(url, future).content.decode()
    done = {**future, "moveout-moved_out_on": TODAY().isoformat()}
    assert client.post(url, done).status_code == 302
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    assert "Tidligere boliger" in page and "lejemålet er opsagt (udsættelse)" in page
    assert "Ledige boliger, der passer" in page  # no home on the way any more
    new = allocation.placement_propose(case=case, offer=VacancyOfferFactory(monthly_rent=Decimal(4000)), by=caseworker)
    assert new.status == Placement.Status.PROPOSED


# --- Withdrawing an offer ------------------------------------------------------------------


def test_the_association_withdraws_an_offer_nobody_has_said_yes_to(
    client, caseworker, case, association_staff, department
):
    proposed = offer(association_staff, DwellingFactory(department=department, monthly_rent=Decimal(4500)))
    placement = allocation.placement_propose(case=case, offer=proposed, by=caseworker)
    client.force_login(association_staff)
    detail = client.get(reverse("allocation:offer_detail", args=[proposed.pk])).content.decode()
    assert "Træk tilbuddet tilbage" in detail
    assert client.post(reverse("allocation:offer_withdraw", args=[proposed.pk])).status_code == 302
    assert client.post(reverse("allocation:offer_withdraw", args=[proposed.pk])).status_code == 302  # twice: no harm
    proposed.refresh_from_db()
    placement.refresh_from_db()
    assert proposed.status == VacancyOffer.Status.WITHDRAWN
    assert placement.status == Placement.Status.DECLINED
    assert "trak tilbuddet tilbage" in placement.declined_reason


def test_an_accepted_offer_cannot_be_withdrawn(client, caseworker, case, association_staff, department):
    accepted = offer(association_staff, DwellingFactory(department=department, monthly_rent=Decimal(4500)))
    allocation.placement_accept(
        placement=allocation.placement_propose(case=case, offer=accepted, by=caseworker), by=caseworker
    )
    client.force_login(association_staff)
    assert (
        "Træk tilbuddet tilbage"
        not in client.get(reverse("allocation:offer_detail", args=[accepted.pk])).content.decode()
    )
    client.post(reverse("allocation:offer_withdraw", args=[accepted.pk]))
    accepted.refresh_from_db()
    assert accepted.status == VacancyOffer.Status.ACCEPTED


@pytest.mark.parametrize(
    "persona", ["association_staff_elsewhere", "caseworker", "advisor", "reporter", "administrator"]
)
def test_others_cannot_withdraw_an_offer(client, request, persona, association_staff, department):
    offered = offer(association_staff, DwellingFactory(department=department))
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("allocation:offer_withdraw", args=[offered.pk])).status_code == 404
    offered.refresh_from_db()
    assert offered.status == VacancyOffer.Status.OFFERED


# --- Allocation stop -------------------------------------------------------------------------


def test_offering_a_home_under_allocation_stop_is_refused_at_once(client, association_staff, department):
    department.allocation_stop, department.allocation_stop_reason = True, "Boligsocial helhedsplan"
    department.save()
    dwelling = DwellingFactory(department=department)
    client.force_login(association_staff)
    form = client.get(reverse("allocation:offer_new")).content.decode()
    assert "– anvisningsstop" in form
    response = client.post(reverse("allocation:offer_new"), offer_form(dwelling))
    assert "har anvisningsstop" in response.content.decode()
    assert not VacancyOffer.objects.exists()


def test_an_offer_under_allocation_stop_shows_no_candidates_to_propose(client, caseworker, case):
    stopped = VacancyOfferFactory(monthly_rent=Decimal(4000))
    department = stopped.dwelling.department
    department.allocation_stop, department.allocation_stop_reason = True, "Boligsocial helhedsplan"
    department.save()
    assert not candidates_for_offer(caseworker, stopped).exists()
    client.force_login(caseworker)
    page = client.get(reverse("allocation:offer_detail", args=[stopped.pk])).content.decode()
    assert "Foreslå" not in page and "Anvisningsstop" in page


def test_the_association_reports_a_move_out_also_after_the_case_closed(
    client, caseworker, case, association_staff, department
):
    from cases.services import citizens, stays
    from notifications.models import Notification

    dwelling = DwellingFactory(department=department, monthly_rent=Decimal(4500))
    home = offer(association_staff, dwelling)
    placement = allocation.placement_propose(case=case, offer=home, by=caseworker)
    allocation.placement_accept(placement=placement, by=caseworker)
    allocation.placement_move_in(placement=placement, by=caseworker, move_in_on=TODAY() - timedelta(days=40))
    stays.stay_end(stay=case.stays.get(), by=caseworker, left_on=TODAY(), exit="other_shelter")
    citizens.case_close(case=case, by=caseworker, reason="housed")  # the case ends well: moved in

    client.force_login(association_staff)
    detail = client.get(reverse("allocation:offer_detail", args=[home.pk])).content.decode()
    assert "Meld fraflytning" in detail and case.reference not in detail and case.citizen.name not in detail
    url = reverse("allocation:offer_move_out", args=[home.pk])
    data = {"moveout-moved_out_on": TODAY().isoformat(), "moveout-reason": "own_wish"}
    assert client.post(url, data).status_code == 302
    placement.refresh_from_db()
    home.refresh_from_db()
    assert (placement.status, placement.moved_out_on) == (Placement.Status.MOVED_OUT, TODAY())
    assert home.step == VacancyOffer.Step.MOVED_OUT
    assert dwelling in dwellings_offerable_by(association_staff)
    told = Notification.objects.get(template="move_out_reported", recipient=caseworker)
    assert told.context["reference"] == case.reference and "Testvej" not in str(told.context)


@pytest.mark.parametrize("persona", ["association_staff_elsewhere", "caseworker", "reporter"])
def test_others_cannot_report_a_move_out(client, request, persona, case, caseworker, association_staff, department):
    home = offer(association_staff, DwellingFactory(department=department, monthly_rent=Decimal(4500)))
    placement = allocation.placement_propose(case=case, offer=home, by=caseworker)
    allocation.placement_accept(placement=placement, by=caseworker)
    allocation.placement_move_in(placement=placement, by=caseworker, move_in_on=TODAY())
    client.force_login(request.getfixturevalue(persona))
    url = reverse("allocation:offer_move_out", args=[home.pk])
    response = client.post(url, {"moveout-moved_out_on": TODAY().isoformat(), "moveout-reason": "own_wish"})
    assert response.status_code == 404
    placement.refresh_from_db()
    assert placement.status == Placement.Status.MOVED_IN


@pytest.mark.parametrize(
    ("typed", "rent"),
    [
        ("5800", "5800"),
        ("5.800", "5800"),
        ("5800.50", "5800.50"),
        ("6.450,50", "6450.50"),
        ("kr. 5800", "5800"),
        ("5.800,-", "5800"),
        ("6.450.50", None),
        ("5.800.50", None),
        ("5800.500", None),
        ("200000", None),
    ],
)
def test_a_rent_is_read_as_people_write_it_and_never_guessed(typed, rent):
    from cases.forms import RentField

    field = RentField()
    if rent is None:
        with pytest.raises(ValidationError):
            field.clean(typed)
    else:
        assert field.clean(typed) == Decimal(rent)


def test_candidates_are_counted_for_a_list_with_thousands_of_different_rents(caseworker, case):
    """The offer list counts candidates for every rent in one go; a list with more
    different rents than a query may have columns (PostgreSQL: 1,664) still counts."""
    from decimal import Decimal

    from cases.selectors.allocation import add_candidate_counts
    from housing.models import Dwelling, VacancyOffer

    dwelling = Dwelling(department=DepartmentFactory(), kind=Dwelling.Kind.FAMILY)
    offers = [VacancyOffer(dwelling=dwelling, monthly_rent=Decimal(5000 + kr)) for kr in range(2100)]
    add_candidate_counts(caseworker, offers)
    # Aksel: single adult, rent ability 5,000 kr. plus at most 1,500 kr. subsidy.
    assert [offer.candidates for offer in offers] == [1 if offer.monthly_rent <= 6500 else 0 for offer in offers]
