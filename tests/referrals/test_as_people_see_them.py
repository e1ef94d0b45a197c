"""Concerns as the people involved see them: the acute deadline, earlier and later
concerns about a home, the reporter's own list and words, and who to call back."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from referrals.services.filing import acknowledge_deadline
from tests.factories import ReferralFactory

pytestmark = pytest.mark.django_db

CPH = ZoneInfo("Europe/Copenhagen")


@pytest.mark.parametrize(
    ("filed", "due"),
    [
        (datetime(2026, 12, 1, 9, 0), datetime(2026, 12, 1, 11, 0)),  # Tuesday morning: the same day
        (datetime(2026, 12, 1, 15, 30), datetime(2026, 12, 2, 9, 30)),  # half an hour today, the rest tomorrow
        (datetime(2026, 12, 4, 20, 0), datetime(2026, 12, 7, 10, 0)),  # Friday night: Monday morning
        (datetime(2026, 12, 23, 15, 0), datetime(2026, 12, 28, 9, 0)),  # over Christmas (24–26 closed)
    ],
)
def test_an_acute_concern_is_due_within_two_hours_of_office_time(filed, due):
    assert acknowledge_deadline(filed.replace(tzinfo=CPH), acute=True) == due.replace(tzinfo=CPH)


def test_an_acute_concern_shows_its_own_deadline(client, file_referral, advisor):
    referral = file_referral(acute_reasons=["weapon"])
    ordinary = file_referral(description="Ingen akut fare.")
    assert referral.acknowledge_due_at < ordinary.acknowledge_due_at
    client.force_login(advisor)
    queue = client.get(reverse("referrals:list")).content.decode()
    assert "Akut frist:" in queue
    page = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    assert "akut: kvittér senest" in page


def test_only_earlier_concerns_count_as_earlier_and_later_ones_are_labelled(client, file_referral, advisor):
    first = file_referral()
    second = file_referral(description="Det er blevet værre.")
    client.force_login(advisor)
    page = client.get(reverse("referrals:detail", args=[first.reference])).content.decode()
    assert "tidligere henvendelse" not in page
    assert "Senere henvendelser om samme bolig" in page and second.reference in page
    page = client.get(reverse("referrals:detail", args=[second.reference])).content.decode()
    assert "1 tidligere henvendelse om samme bolig" in page and first.reference in page


def test_the_contact_persons_list_tells_concerns_apart_and_they_reread_their_words(
    client, file_referral, accepted_reporter
):
    referral = file_referral()
    client.force_login(accepted_reporter)
    mine = client.get(reverse("referrals:list")).content.decode()
    assert "Blågårdsvej 10, 2. th." in mine and "Isolerer sig fra omgivelserne" in mine
    assert "hun drikker" not in mine  # the list stays short; the words are on the concern
    page = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    assert "Det skrev du" in page and "hun drikker og græder om natten" in page


def test_a_contact_person_never_reads_someone_elses_words(client, contact_person_elsewhere, department):
    other = ReferralFactory(department=department, description="En andens ord")
    client.force_login(contact_person_elsewhere)
    assert client.get(reverse("referrals:detail", args=[other.reference])).status_code == 404


def test_the_advisor_sees_whom_to_call_back(client, file_referral, advisor, accepted_reporter):
    person = accepted_reporter.contact_person
    person.phone = "20 30 40 50"
    person.save(update_fields=["phone"])
    referral = file_referral()
    client.force_login(advisor)
    page = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    assert accepted_reporter.get_full_name() in page
    assert "ledende ejendomsfunktionær" in page and 'href="tel:20304050"' in page


def test_every_message_to_the_reporter_is_one_they_can_read_once_consent_is_given(client, file_referral, advisor):
    referral = file_referral()
    client.force_login(advisor)
    page = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    assert "Må deles med indberetteren" not in page and "intern note" in page
    client.post(
        reverse("referrals:message", args=[referral.reference]),
        {"message-text": "Vi har været på besøg.", "message-submission_token": "00000000-0000-0000-0000-000000000001"},
    )
    assert referral.messages.get().shareable
