"""The pages an advisor uses: the queue, a concern and its actions, and the e-mails."""

import uuid

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from referrals.models import Referral
from tests.factories import ReferralFactory, referral_form_data

pytestmark = pytest.mark.django_db


# --- The advisor ---------------------------------------------------------------------------


def test_queue_lists_acute_first_then_oldest(client, advisor, department):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    old = ReferralFactory(department=department, created_at=now - timedelta(days=3))
    new_acute = ReferralFactory(department=department, created_at=now - timedelta(hours=1), is_acute=True)
    newer = ReferralFactory(department=department, created_at=now - timedelta(hours=2))
    ReferralFactory(department=department, status="closed", outcome="no_action")
    client.force_login(advisor)
    response = client.get(reverse("referrals:list"))
    assert [r.reference for r in response.context["page"].object_list] == [
        new_acute.reference,
        old.reference,
        newer.reference,
    ]
    assert response.context["counts"]["open"] == 3
    assert response.context["counts"]["acute"] == 1


def test_queue_filters_by_category_acute_and_status(client, advisor, department):
    isolation = ReferralFactory(department=department, categories=["isolation"])
    neglect = ReferralFactory(department=department, categories=["child_neglect"], is_acute=True)
    closed = ReferralFactory(department=department, status="closed", outcome="no_action")
    client.force_login(advisor)

    def references(**params):
        page = client.get(reverse("referrals:list"), params).context["page"]
        return {r.reference for r in page.object_list}

    assert references(category="child_neglect") == {neglect.reference}
    assert references(acute="no") == {isolation.reference}
    assert references(status="closed") == {closed.reference}
    assert references(status="all") == {isolation.reference, neglect.reference, closed.reference}


def test_queue_is_paged(client, advisor, department, settings):
    settings.REFERRALS_PER_PAGE = 5
    ReferralFactory.create_batch(7, department=department)
    client.force_login(advisor)
    assert len(client.get(reverse("referrals:list")).context["page"].object_list) == 5
    assert len(client.get(reverse("referrals:list"), {"side": 2}).context["page"].object_list) == 2


def test_queue_answers_htmx_with_just_the_table(client, advisor, department):
    ReferralFactory(department=department)
    client.force_login(advisor)
    response = client.get(reverse("referrals:list"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="queue"')
    assert "<html" not in body


def test_queue_query_count_does_not_grow_with_concerns(client, advisor, department, django_assert_max_num_queries):
    ReferralFactory.create_batch(3, department=department)
    client.force_login(advisor)
    client.get(reverse("referrals:list"))
    with django_assert_max_num_queries(15) as few:
        client.get(reverse("referrals:list"))
    ReferralFactory.create_batch(30, department=department, categories=["isolation", "smell"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("referrals:list")).status_code == 200


def test_my_concerns_query_count_does_not_grow(client, reporter, department, django_assert_max_num_queries):
    ReferralFactory.create_batch(3, department=department, reporter=reporter)
    client.force_login(reporter)
    client.get(reverse("referrals:list"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("referrals:list"))
    ReferralFactory.create_batch(30, department=department, reporter=reporter)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("referrals:list"))


def test_advisor_detail_query_count_does_not_grow_with_history(
    client, file_referral, advisor, django_assert_max_num_queries
):
    from referrals.services import handling

    referral = file_referral()
    handling.referral_note_add(referral=referral, by=advisor, text="Første note")
    handling.referral_message_send(referral=referral, by=advisor, text="Første besked", shareable=True)
    url = reverse("referrals:detail", args=[referral.reference])
    client.force_login(advisor)
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for n in range(5):
        handling.referral_note_add(referral=referral, by=advisor, text=f"Note {n}")
        handling.referral_message_send(referral=referral, by=advisor, text=f"Besked {n}", shareable=True)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)


def test_advisor_detail_escapes_text_and_shows_earlier_concerns_here(client, advisor, department, reporter):
    earlier = ReferralFactory(department=department, address="Mimersgade 3", unit="2. th.")
    referral = ReferralFactory(
        department=department,
        reporter=reporter,
        address="mimersgade  3",
        unit="2.th",
        description="<script>alert('x')</script>",
    )
    client.force_login(advisor)
    body = client.get(reverse("referrals:detail", args=[referral.reference])).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body
    assert "1 tidligere henvendelse om samme bolig" in body
    assert earlier.reference in body


def test_advisor_actions_through_the_pages(client, file_referral, advisor, accepted_reporter):
    referral = file_referral()
    client.force_login(advisor)
    url = lambda name: reverse(f"referrals:{name}", args=[referral.reference])  # noqa: E731
    assert client.post(url("acknowledge")).status_code == 302
    assert client.post(url("consent"), {"consent-given": "1", "consent-method": "written"}).status_code == 302
    message = {
        "message-text": "Beboeren får hjælp.",
        "message-shareable": "on",
        "message-submission_token": str(uuid.uuid4()),
    }
    client.post(url("message"), message)
    client.post(url("message"), message)
    assert (
        client.post(url("note"), {"note-text": "Ringet op.", "note-submission_token": str(uuid.uuid4())}).status_code
        == 302
    )
    assert client.post(url("close"), {"close-outcome": "handled_by_advisor"}).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "closed" and referral.consent_to_share
    assert referral.messages.count() == 1  # the double submit made one message
    events = list(referral.history.values_list("event", flat=True))
    assert events == ["filed", "acknowledged", "consent_given", "message_sent", "note_added", "closed"]
    assert all(change.actor_id for change in referral.history.all())


def test_close_as_duplicate_needs_a_visible_reference(client, file_referral, advisor):
    referral = file_referral()
    client.force_login(advisor)
    url = reverse("referrals:close", args=[referral.reference])
    response = client.post(url, {"close-outcome": "duplicate", "close-duplicate_of": "BH-1999-00001"})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Der er problemer" in body
    assert "som du har adgang til" in body
    referral.refresh_from_db()
    assert referral.status != "closed"


def test_invalid_action_keeps_the_typed_text(client, file_referral, advisor):
    referral = file_referral()
    client.force_login(advisor)
    response = client.post(reverse("referrals:message", args=[referral.reference]), {"message-text": "x" * 5001})
    assert response.status_code == 400
    assert "x" * 5001 in response.content.decode()


def test_reads_of_a_concern_are_logged_with_who_and_which(client, file_referral, advisor, accepted_reporter):
    referral = file_referral()
    client.force_login(advisor)
    client.get(reverse("referrals:detail", args=[referral.reference]))
    access = LogEntry.objects.get_for_object(referral).filter(action=LogEntry.Action.ACCESS)
    assert [(entry.actor, entry.object_repr) for entry in access] == [(advisor, referral.reference)]


def test_audit_log_of_changes_holds_no_sensitive_text(client, file_referral, advisor):
    referral = file_referral()
    client.force_login(advisor)
    client.post(reverse("referrals:acknowledge", args=[referral.reference]))
    for entry in LogEntry.objects.get_for_object(referral):
        text = str(entry.changes) + entry.object_repr
        assert "drikker" not in text and "Hemmelig" not in text


# --- E-mails -----------------------------------------------------------------------------


def test_no_email_in_the_whole_flow_contains_the_description_or_the_name(
    client, accepted_reporter, advisor, department, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _whole_flow(client, accepted_reporter, advisor, department)
    referral = Referral.objects.get()
    templates = set(Notification.objects.values_list("template", flat=True))
    assert {"referral_filed", "referral_receipt", "followup_added", "referral_message", "referral_closed"} <= templates
    assert len(mail.outbox) == Notification.objects.count()
    assert set(Notification.objects.values_list("state", flat=True)) == {"sent"}
    for message in mail.outbox:
        text = message.subject + message.body + str(message.to)
        assert "Hemmelig" not in text
        assert "Beboersen" not in text
        assert "børnene" not in text and "indlagt" not in text and "råber" not in text
        assert "Blågårdsvej" not in text
        assert referral.reference in text
    acute = [m for m in mail.outbox if m.to == [advisor.email] and "Ny bekymringshenvendelse" in m.subject]
    assert acute and acute[0].subject.startswith("AKUT")


def _whole_flow(client, accepted_reporter, advisor, department):
    client.force_login(accepted_reporter)
    client.post(reverse("referrals:new"), referral_form_data(department, acute_reasons=["weapon"]))
    referral = Referral.objects.get()
    client.post(
        reverse("referrals:follow_up", args=[referral.reference]),
        {"followup-text": "Hemmelig Beboersen råber igen.", "followup-submission_token": str(uuid.uuid4())},
    )
    client.force_login(advisor)
    url = lambda name: reverse(f"referrals:{name}", args=[referral.reference])  # noqa: E731
    client.post(url("consent"), {"consent-given": "1", "consent-method": "oral"})
    client.post(url("message"), {"message-text": "Hemmelig Beboersen er indlagt.", "message-shareable": "on"})
    client.post(url("close"), {"close-outcome": "other_authority"})
    from referrals.services.handling import referrals_remind_unacknowledged

    referrals_remind_unacknowledged()


def test_long_queues_show_a_short_page_list(client, advisor, department, settings):
    settings.REFERRALS_PER_PAGE = 1
    ReferralFactory.create_batch(12, department=department)
    client.force_login(advisor)
    body = client.get(reverse("referrals:list"), {"side": 6}).content.decode()
    assert body.count('class="pagination-item pagination-number"') == 5  # 1 … 5 6 7 … 12
    assert body.count("pagination-overflow") == 2
    assert 'aria-current="page">6<' in body
