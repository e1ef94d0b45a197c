"""One rule for every state change: one audit entry per changed object, written by its
service through config.audit, with who and what but never personal text."""

from datetime import timedelta
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from cases.models import Placement
from cases.services import allocation, citizens, stays
from config.audit import audit
from housing.models import VacancyOffer
from referrals.services import case_bridge, handling
from tests import factories

pytestmark = pytest.mark.django_db

SECRETS = ("Aksel Dammgaard", "0101901234", "010190-1234", "drikker", "Hemmelig", "skylder husleje")


def entries(obj):
    return list(LogEntry.objects.get_for_object(obj).order_by("pk"))


def events(obj):
    return [entry.additional_data["event"] for entry in entries(obj) if entry.additional_data]


def assert_no_personal_text():
    for entry in LogEntry.objects.all():
        text = f"{entry.object_repr} {entry.changes} {entry.additional_data} {entry.serialized_data}"
        assert not any(secret in text for secret in SECRETS), text


def test_a_home_from_offer_to_move_in_leaves_one_entry_per_step(caseworker, association_staff, department, case):
    dwelling = factories.DwellingFactory(department=department, monthly_rent=Decimal(4500))
    today = timezone.localdate()
    offer = allocation.offer_submit(
        by=association_staff,
        dwelling=dwelling,
        monthly_rent=Decimal(4500),
        available_from=today + timedelta(days=14),
        answer_by=today + timedelta(days=7),
    )
    placement = allocation.placement_propose(case=case, offer=offer, by=caseworker)
    allocation.placement_accept(placement=placement, by=caseworker, move_in_on=today + timedelta(days=14))
    allocation.placement_accept(placement=placement, by=caseworker)  # a double submit changes nothing
    allocation.placement_lease_signed(placement=placement, by=caseworker)
    allocation.placement_move_in(placement=placement, by=caseworker, move_in_on=today)
    subsidy = allocation.subsidy_grant(
        placement=placement,
        by=caseworker,
        monthly_amount=500,
        starts_on=today + timedelta(days=14),
        ends_on=today + timedelta(days=400),
    )

    assert events(placement) == ["placement.propose", "placement.accept", "placement.lease", "placement.move_in"]
    assert events(offer) == ["offer.create"] + ["offer.outcome"] * 4
    assert [e.changes.get("step") for e in entries(offer)][1:] == [
        None,
        ["", "accepted"],
        ["accepted", "lease_signed"],
        ["lease_signed", "moved_in"],
    ]
    assert events(subsidy) == ["subsidy.grant"]
    assert {entry.actor for entry in entries(placement)} == {caseworker}
    assert entries(offer)[0].actor == association_staff
    offer.refresh_from_db()
    assert (offer.status, offer.step) == (VacancyOffer.Status.ACCEPTED, VacancyOffer.Step.MOVED_IN)


def test_returning_an_offer_declines_its_proposal_and_logs_both(caseworker, case):
    offer = factories.VacancyOfferFactory(monthly_rent=Decimal(4000))
    placement = allocation.placement_propose(case=case, offer=offer, by=caseworker)
    allocation.offer_return(offer=offer, by=caseworker, reason=VacancyOffer.ReturnReason.RENT_TOO_HIGH)
    placement.refresh_from_db()
    assert placement.status == Placement.Status.DECLINED
    assert events(placement) == ["placement.propose", "placement.offer_returned"]
    # One entry for the return itself: the home goes straight from 'matched' to 'returned'.
    assert [e.changes["status"] for e in entries(offer)] == [["offered", "matched"], ["matched", "returned"]]


def test_a_case_and_its_journal_are_logged_without_the_citizens_data(caseworker, colleague, case, shelter):
    before = len(entries(case))
    citizens.case_note_add(case=case, by=caseworker, text="Borgeren drikker og skylder husleje.")
    citizens.case_assign(case=case, by=caseworker, user=colleague)
    stays.action_plan_add(
        case=case,
        by=caseworker,
        made_on=timezone.localdate(),
        goals="Egen bolig",
        next_review_on=timezone.localdate() + timedelta(days=30),
    )
    assert events(case)[before:] == ["case.assign"]
    assert [
        e.additional_data["event"] for e in LogEntry.objects.filter(additional_data__case=case.reference).order_by("pk")
    ] == [
        "stay.start",
        "journal.add",
        "plan.add",
    ]
    assert_no_personal_text()


def test_every_step_of_a_concern_is_one_entry_beside_its_history_line(file_referral, advisor):
    referral = file_referral(description="Hun drikker. Hemmelig.")
    handling.referral_assign(referral=referral, by=advisor, assignee=advisor)
    handling.referral_note_add(referral=referral, by=advisor, text="drikker")
    handling.referral_consent_record(referral=referral, by=advisor, given=True, method="written")
    case = case_bridge.case_open_from_referral(
        referral=referral, by=advisor, name="Aksel Dammgaard", max_rent=5000, target_group="single_adult"
    )
    assert events(referral) == [
        "referral.filed",
        "referral.assigned",
        "referral.note_added",
        "referral.consent_given",
        "referral.closed",
    ]
    assert len(entries(referral)) == referral.history.count() - 1  # the assignment also acknowledged it
    assert entries(referral)[1].changes["status"] == ["received", "in_progress"]
    assert events(case) == ["case.open"]
    assert_no_personal_text()


@pytest.mark.parametrize("text", ["Aksel Dammgaard", "Borgeren drikker", "x" * 151])
def test_the_audit_helper_refuses_text_and_names(text):
    user = factories.UserFactory()
    with pytest.raises(ValueError, match="not text"):
        audit(user, by=user, event="test", changes={"note": ("", text)})


def test_the_audit_helper_takes_a_long_username():
    user = factories.UserFactory(username="k" * 150)
    audit(user, by=user, event="case.assign", changes={"assigned": (None, user.get_username())})


def test_linking_a_concern_to_a_case_says_so_in_its_history(file_referral, advisor, case):
    referral = file_referral()
    case_bridge.referral_link_case(referral=referral, case=case, by=advisor)
    line = referral.history.latest("pk")
    assert (line.event, line.get_event_display()) == ("case_linked", "Knyttet til en sag")
    assert entries(referral)[-1].changes == {"case": [None, case.reference]}
