"""Reminders through the outbox: exactly one notification per due item, however often they run."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from cases.services import allocation, citizens, reminders, stays
from notifications.models import Notification
from notifications.services import notification_deliver
from tests.factories import VacancyOfferFactory, open_case

pytestmark = pytest.mark.django_db


def queued(template, **context):
    return Notification.objects.filter(
        template=template, **{f"context__{key}": value for key, value in context.items()}
    )


def test_shelter_stay_reminders_at_day_60_and_80_once_each(caseworker, colleague, shelter):
    today = timezone.localdate()
    at_65 = open_case(by=caseworker, name="Tres-fem", shelter=shelter, entered_on=today - timedelta(days=65))
    citizens.case_assign(case=at_65, by=caseworker, user=colleague)
    at_85 = open_case(by=caseworker, name="Firs-fem", shelter=shelter, entered_on=today - timedelta(days=85))
    open_case(by=caseworker, name="Ny", shelter=shelter, entered_on=today - timedelta(days=10))

    first = reminders.cases_remind()
    second = reminders.cases_remind()
    assert second == 0
    assert first == queued("stay_warning").count()
    day60 = {(n.context["reference"], n.recipient_id) for n in queued("stay_warning", days=60)}
    assert day60 == {
        (at_65.reference, caseworker.pk),
        (at_65.reference, colleague.pk),
        (at_85.reference, caseworker.pk),
    }
    day80 = {(n.context["reference"], n.recipient_id) for n in queued("stay_warning", days=80)}
    assert day80 == {(at_85.reference, caseworker.pk)}


def test_no_shelter_reminder_once_a_home_is_accepted(caseworker, shelter):
    case = open_case(by=caseworker, shelter=shelter, entered_on=timezone.localdate() - timedelta(days=70))
    placement = allocation.placement_propose(
        case=case, offer=VacancyOfferFactory(monthly_rent=Decimal(4000)), by=caseworker
    )
    allocation.placement_accept(placement=placement, by=caseworker)
    reminders.cases_remind()
    assert not queued("stay_warning").exists()


def test_subsidy_ending_within_three_months_is_reminded_once(caseworker):
    case = open_case(by=caseworker)
    placement = allocation.placement_propose(
        case=case, offer=VacancyOfferFactory(monthly_rent=Decimal(4000)), by=caseworker
    )
    placement = allocation.placement_accept(placement=placement, by=caseworker)
    today = timezone.localdate()
    allocation.subsidy_grant(
        placement=placement,
        by=caseworker,
        monthly_amount=900,
        starts_on=today - timedelta(days=700),
        ends_on=today + timedelta(days=80),
    )
    allocation.subsidy_grant(
        placement=placement, by=caseworker, monthly_amount=900, starts_on=today, ends_on=today + timedelta(days=400)
    )
    reminders.cases_remind()
    reminders.cases_remind()
    assert queued("subsidy_ending").count() == 1


def test_action_plan_review_due_is_reminded_once_per_review_date(caseworker):
    case = open_case(by=caseworker)
    today = timezone.localdate()
    plan = stays.action_plan_add(
        case=case, by=caseworker, made_on=today - timedelta(days=30), goals="Bolig", next_review_on=today
    )
    stays.action_plan_add(
        case=case, by=caseworker, made_on=today, goals="Senere", next_review_on=today + timedelta(days=30)
    )
    reminders.cases_remind()
    reminders.cases_remind()
    assert queued("plan_review_due").count() == 1
    # A new review date is a new due item.
    plan.next_review_on = today - timedelta(days=1)
    plan.save(update_fields=["next_review_on"])
    reminders.cases_remind()
    assert queued("plan_review_due").count() == 2


def test_case_reminder_emails_carry_no_personal_data(caseworker, shelter):
    case = open_case(
        by=caseworker,
        name="Hemmelig Borgersen",
        cpr="010190-1234",
        shelter=shelter,
        entered_on=timezone.localdate() - timedelta(days=81),
    )
    reminders.cases_remind()
    for notification in Notification.objects.all():
        notification_deliver(notification_id=notification.pk)
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        text = message.subject + message.body
        assert case.reference in text
        assert "Hemmelig" not in text and "Borgersen" not in text and "010190" not in text and "Nørrelund" not in text


def test_cohort_page_shows_progress_against_targets(client, caseworker):
    from cases.models import Cohort, CohortGroup

    cohort = Cohort.objects.create(name="Forsøget 2022", started_on=date(2022, 1, 1))
    young = CohortGroup.objects.create(cohort=cohort, name="Unge", target=20)
    CohortGroup.objects.create(cohort=cohort, name="Fra herberget", target=20)
    housed = open_case(by=caseworker, target_group="youth", max_rent=3000, cohort_group=young)
    open_case(by=caseworker, target_group="youth", max_rent=3000, cohort_group=young)
    placement = allocation.placement_propose(
        case=housed, offer=VacancyOfferFactory(monthly_rent=Decimal(3000), dwelling__kind="youth"), by=caseworker
    )
    allocation.placement_accept(placement=placement, by=caseworker)
    allocation.placement_move_in(placement=placement, by=caseworker, move_in_on=timezone.localdate())
    client.force_login(caseworker)
    body = client.get("/cases/forsoeg/").content.decode()
    assert "Forsøget 2022" in body
    assert "1 af 20 i egen bolig" in body
    assert "0 af 20 i egen bolig" in body
