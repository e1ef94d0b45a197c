"""The rules of filing and handling a concern, tested through the services."""

import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from guardian.shortcuts import get_perms

from notifications.models import Notification
from referrals.models import Referral, StatusChange
from referrals.services import filing, handling
from tests.factories import AdvisorFactory, DwellingFactory, ReferralFactory

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")


def test_filing_is_blocked_until_the_rules_are_accepted(reporter, department):
    with pytest.raises(ValidationError, match="tavshedspligt"):
        filing.referral_file(
            reporter=reporter,
            department=department,
            address="Blågårdsvej 10",
            categories=["isolation"],
            description="x",
            source="own_observation",
        )
    assert not Referral.objects.exists()


def test_acceptance_expires_after_a_year(file_referral, accepted_reporter):
    accepted_reporter.contact_person.rules_acceptances.update(accepted_at=timezone.now() - timedelta(days=366))
    with pytest.raises(ValidationError, match="tavshedspligt"):
        file_referral()


def test_filing_gives_a_yearly_running_reference_and_history(file_referral):
    first, second = file_referral(), file_referral(description="Nu er der også larm om natten.")
    year = timezone.localdate().year
    assert first.reference == f"BH-{year}-00001"
    assert second.reference == f"BH-{year}-00002"
    assert first.status == Referral.Status.RECEIVED
    assert list(first.history.values_list("event", flat=True)) == [StatusChange.Event.FILED]
    assert sorted(first.categories.values_list("code", flat=True)) == ["isolation", "smell"]


def test_a_contact_person_can_only_file_for_their_own_departments(file_referral, other_department):
    with pytest.raises(ValidationError, match="kontaktperson for"):
        file_referral(department=other_department)


def test_a_dwelling_must_belong_to_the_department(file_referral, other_department):
    with pytest.raises(ValidationError, match="hører ikke til"):
        file_referral(dwelling=DwellingFactory(department=other_department))


def test_a_picked_dwelling_gives_the_address(file_referral, department):
    dwelling = DwellingFactory(department=department, address="Mimersgade 3", unit="st. th.")
    referral = file_referral(dwelling=dwelling, address="", unit="")
    assert (referral.address, referral.unit) == ("Mimersgade 3", "st. th.")


def test_at_least_one_category_is_required(file_referral):
    with pytest.raises(ValidationError, match="mindst én"):
        file_referral(categories=[])


def test_description_over_the_limit_is_refused(file_referral):
    with pytest.raises(ValidationError):
        file_referral(description="x" * 10_001)
    assert not Referral.objects.exists()


def test_the_same_submission_twice_makes_one_concern(file_referral):
    token = uuid.uuid4()
    first = file_referral(submission_token=token)
    second = file_referral(submission_token=token)
    assert first.pk == second.pk
    assert Referral.objects.count() == 1
    assert Notification.objects.filter(template="referral_receipt").count() == 1


def test_acute_reasons_mark_the_concern_acute_and_the_advisors_are_told(file_referral, advisor, advisor_elsewhere):
    referral = file_referral(acute_reasons=["suicide_threat"])
    assert referral.is_acute
    recipients = set(Notification.objects.filter(template="referral_filed").values_list("recipient", flat=True))
    assert recipients == {advisor.pk}


@pytest.mark.parametrize(
    ("filed", "due"),
    [
        (datetime(2026, 11, 18, 14, 0, tzinfo=CPH), datetime(2026, 11, 19, 14, 0, tzinfo=CPH)),  # Wed → Thu
        (datetime(2026, 11, 20, 14, 0, tzinfo=CPH), datetime(2026, 11, 23, 14, 0, tzinfo=CPH)),  # Fri → Mon
        (datetime(2026, 12, 23, 10, 0, tzinfo=CPH), datetime(2026, 12, 28, 10, 0, tzinfo=CPH)),  # over Christmas
    ],
)
def test_acknowledgement_deadline_counts_danish_working_days(filed, due):
    assert filing.acknowledge_deadline(filed, working_days=1) == due


def test_acknowledge_moves_to_being_handled_once(file_referral, advisor):
    referral = file_referral()
    handling.referral_acknowledge(referral=referral, by=advisor)
    handling.referral_acknowledge(referral=referral, by=advisor)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.IN_PROGRESS
    assert referral.acknowledged_by == advisor
    assert referral.history.filter(event=StatusChange.Event.ACKNOWLEDGED).count() == 1


def test_assigning_across_districts_grants_object_permissions(file_referral, advisor, advisor_elsewhere):
    referral = file_referral()
    handling.referral_assign(referral=referral, by=advisor, assignee=advisor_elsewhere)
    referral.refresh_from_db()
    assert referral.assigned_to == advisor_elsewhere
    assert referral.status == Referral.Status.IN_PROGRESS
    assert set(get_perms(advisor_elsewhere, referral)) == {"view_referral", "change_referral"}
    assert Notification.objects.filter(template="referral_assigned", recipient=advisor_elsewhere).exists()
    # Handing it back takes the grant away again.
    handling.referral_assign(referral=referral, by=advisor, assignee=advisor)
    assert get_perms(advisor_elsewhere, referral) == []


def test_only_advisors_can_be_assigned(file_referral, advisor, caseworker, reporter):
    referral = file_referral()
    for outsider in (caseworker, reporter):
        with pytest.raises(ValidationError, match="boligrådgivere"):
            handling.referral_assign(referral=referral, by=advisor, assignee=outsider)


def test_consent_is_recorded_with_history(file_referral, advisor):
    referral = file_referral()
    handling.referral_consent_record(referral=referral, by=advisor, given=True, method="written")
    referral.refresh_from_db()
    assert referral.consent_to_share
    handling.referral_consent_record(referral=referral, by=advisor, given=False, method="oral")
    referral.refresh_from_db()
    assert not referral.consent_to_share
    events = list(referral.history.values_list("event", flat=True))
    assert events[-2:] == [StatusChange.Event.CONSENT_GIVEN, StatusChange.Event.CONSENT_WITHDRAWN]


def test_the_same_consent_form_twice_records_once(file_referral, advisor):
    referral = file_referral()
    token = uuid.uuid4()
    first = handling.referral_consent_record(
        referral=referral, by=advisor, given=True, method="written", submission_token=token
    )
    again = handling.referral_consent_record(
        referral=referral, by=advisor, given=True, method="written", submission_token=token
    )
    assert again.pk == first.pk
    assert referral.consents.count() == 1
    assert referral.history.filter(event=StatusChange.Event.CONSENT_GIVEN).count() == 1


def test_the_same_follow_up_twice_adds_once(file_referral, accepted_reporter):
    referral = file_referral()
    token = uuid.uuid4()
    first = handling.followup_add(referral=referral, by=accepted_reporter, text="Ikke bedre.", submission_token=token)
    again = handling.followup_add(referral=referral, by=accepted_reporter, text="Ikke bedre.", submission_token=token)
    assert again.pk == first.pk and referral.follow_ups.count() == 1


def test_the_reporter_hears_of_a_message_when_consent_lets_them_read_it(file_referral, advisor, accepted_reporter):
    referral = file_referral()
    news = Notification.objects.filter(template="referral_message", recipient=accepted_reporter)
    handling.referral_message_send(referral=referral, by=advisor, text="Vi har talt med beboeren.")
    assert not news.exists()  # no consent yet: nothing to read
    handling.referral_consent_record(referral=referral, by=advisor, given=True, method="written")
    assert news.count() == 1  # the consent makes the first message readable
    handling.referral_consent_record(referral=referral, by=advisor, given=True, method="oral")
    assert news.count() == 1  # consent again: nothing new to read
    referral.refresh_from_db()
    handling.referral_message_send(referral=referral, by=advisor, text="Hun får hjælp nu.")
    assert news.count() == 2


def test_consent_on_the_linked_case_tells_the_reporter_there_is_news(file_referral, advisor, accepted_reporter):
    from cases.models import CaseConsent
    from cases.services.citizens import case_consent_record
    from referrals.services.case_bridge import case_open_from_referral

    referral = file_referral()
    handling.referral_message_send(referral=referral, by=advisor, text="Beboeren har fået en bolig.")
    case = case_open_from_referral(
        referral=referral, by=advisor, name="Beboer", max_rent=4000, target_group="single_adult"
    )
    news = Notification.objects.filter(template="referral_message", recipient=accepted_reporter)
    assert not news.exists()
    case_consent_record(case=case, by=advisor, scope=CaseConsent.Scope.REPORTER, method="written")
    assert news.count() == 1
    assert "Beboer" not in str(news.get().context)


def test_follow_up_reaches_the_assigned_advisor_only(file_referral, advisor, accepted_reporter, district):
    colleague = AdvisorFactory(districts=[district]).user
    referral = file_referral()
    handling.referral_assign(referral=referral, by=advisor, assignee=colleague)
    handling.followup_add(referral=referral, by=accepted_reporter, text="Det er ikke blevet bedre.")
    recipients = list(Notification.objects.filter(template="followup_added").values_list("recipient", flat=True))
    assert recipients == [colleague.pk]


def test_follow_up_without_assignee_reaches_the_district(file_referral, advisor, accepted_reporter):
    referral = file_referral()
    handling.followup_add(referral=referral, by=accepted_reporter, text="Stadig slemt.")
    assert list(Notification.objects.filter(template="followup_added").values_list("recipient", flat=True)) == [
        advisor.pk
    ]


def test_only_the_reporter_can_follow_up(file_referral, advisor):
    referral = file_referral()
    with pytest.raises(ValidationError):
        handling.followup_add(referral=referral, by=advisor, text="Hej")


def test_close_needs_an_outcome_and_tells_the_reporter(file_referral, advisor, accepted_reporter):
    referral = file_referral()
    handling.referral_close(referral=referral, by=advisor, outcome=Referral.Outcome.HANDLED_BY_ADVISOR)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CLOSED
    assert referral.closed_at is not None
    assert Notification.objects.filter(template="referral_closed", recipient=accepted_reporter).exists()
    with pytest.raises(ValidationError):
        handling.referral_assign(referral=referral, by=advisor, assignee=advisor)


def test_closing_as_duplicate_links_the_original(file_referral, advisor):
    original, repeat = file_referral(), file_referral(description="Samme beboer, skrevet af en anden nabo.")
    with pytest.raises(ValidationError, match="referencen"):
        handling.referral_close(referral=repeat, by=advisor, outcome=Referral.Outcome.DUPLICATE)
    handling.referral_close(referral=repeat, by=advisor, outcome=Referral.Outcome.DUPLICATE, duplicate_of=original)
    repeat.refresh_from_db()
    assert repeat.duplicate_of == original
    assert original.reference in repeat.history.last().detail


def test_unacknowledged_reminder_is_sent_once_per_due_item(department, advisor, district):
    second_advisor = AdvisorFactory(districts=[district]).user
    overdue = ReferralFactory(department=department, acknowledge_due_at=timezone.now() - timedelta(hours=1))
    ReferralFactory(department=department)  # not yet due
    ReferralFactory(
        department=department,
        acknowledge_due_at=timezone.now() - timedelta(hours=1),
        status=Referral.Status.IN_PROGRESS,
    )  # acknowledged in time
    assert handling.referrals_remind_unacknowledged() == 2
    assert handling.referrals_remind_unacknowledged() == 0  # run twice: nothing new
    reminders = Notification.objects.filter(template="referral_unacknowledged")
    assert sorted(reminders.values_list("recipient", flat=True)) == sorted([advisor.pk, second_advisor.pk])
    assert {n.context["reference"] for n in reminders} == {overdue.reference}
