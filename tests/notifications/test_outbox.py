"""The outbox on its own: what a notification may carry, and how it is sent."""

from datetime import date

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from notifications.models import Notification
from notifications.services import MAX_ATTEMPTS, notification_deliver, notification_queue
from tests import factories

SEEN_DURING_SEND: list[dict] = []


class RecordingBackend(EmailBackend):
    """A locmem backend that notes, while it 'talks to SMTP', whether a transaction is
    open and whether a second delivery of the same row would send it again."""

    def send_messages(self, messages):
        notification = Notification.objects.latest("pk")
        SEEN_DURING_SEND.append(
            {
                "in_transaction": connection.in_atomic_block,
                "second_delivery_sent": notification_deliver(notification_id=notification.pk),
            }
        )
        return super().send_messages(messages)


def test_a_notification_may_not_carry_anything_but_references_and_links(db):
    user = factories.UserFactory()
    with pytest.raises(ValueError, match="resident_name"):
        notification_queue(
            recipient=user,
            template="referral_filed",
            context={"reference": "BH-2026-00001", "resident_name": "Hemmelig Beboersen"},
        )
    assert not Notification.objects.exists()


def test_the_email_says_the_stored_reference_department_and_date(db, django_capture_on_commit_callbacks):
    user = factories.UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification_queue(
            recipient=user,
            template="move_in_coming",
            context={
                "reference": "SAG-2026-00007",
                "department": "Lindehaven",
                "move_in_on": date(2026, 12, 24),
                "link_path": "/",
            },
        )
    [message] = mail.outbox
    assert "Lindehaven" in message.subject
    assert "24. december 2026" in message.body
    assert "http://" in message.body and message.to == [user.email]


@pytest.mark.django_db(transaction=True)
def test_no_row_lock_is_held_while_the_mail_server_is_talked_to(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.RecordingBackend"
    SEEN_DURING_SEND.clear()
    user = factories.UserFactory()
    # Written as notification_queue writes it, without its after-commit send.
    notification = Notification.objects.create(
        recipient=user, template="referral_receipt", context={"reference": "BH-2026-00001", "link_path": "/"}
    )
    assert notification_deliver(notification_id=notification.pk) is True
    assert SEEN_DURING_SEND == [{"in_transaction": False, "second_delivery_sent": False}]
    notification.refresh_from_db()
    assert notification.state == Notification.State.SENT and notification.attempts == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_rows_waiting_at_the_upgrade_get_their_render_context(django_db_serialized_rollback):
    """A notification queued by the old code (ids only) is still sent after the outbox moved."""
    department = factories.DepartmentFactory(name="Lindehaven")
    reporter = factories.ContactPersonFactory(departments=[department]).user
    executor = MigrationExecutor(connection)
    executor.migrate([("referrals", "0005_consent_token"), ("notifications", None)])
    old_apps = executor.loader.project_state([("referrals", "0005_consent_token")]).apps
    Referral = old_apps.get_model("referrals", "Referral")
    Notification_then = old_apps.get_model("referrals", "Notification")
    referral = Referral.objects.create(
        reference="BH-2026-00042",
        reporter_id=reporter.pk,
        department_id=department.pk,
        address="Blågårdsvej 10",
        place_key="x",
        description="Følsom tekst",
        source="own_observation",
        acknowledge_due_at="2026-01-02T10:00:00Z",
    )
    waiting = Notification_then.objects.create(
        recipient_id=reporter.pk, template="referral_receipt", context={"referral_id": referral.pk}
    )
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    row = Notification.objects.get(pk=waiting.pk)
    assert row.context == {
        "reference": "BH-2026-00042",
        "department": "Lindehaven",
        "is_acute": False,
        "link_path": "/referrals/BH-2026-00042/",
    }
    assert notification_deliver(notification_id=row.pk) is True
    assert "BH-2026-00042" in mail.outbox[0].subject and "Følsom" not in mail.outbox[0].body


class FailingOnceBackend(EmailBackend):
    """The first send 'hangs' past its lease while a second worker sends the e-mail,
    and then fails: the late failure must not undo the second worker's success."""

    calls = 0

    def send_messages(self, messages):
        FailingOnceBackend.calls += 1
        if FailingOnceBackend.calls == 1:
            notification = Notification.objects.latest("pk")
            Notification.objects.filter(pk=notification.pk).update(next_try_at=notification.created_at)
            assert notification_deliver(notification_id=notification.pk) is True
            raise OSError("the mail server went away")
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_outlived_its_lease_never_undoes_the_send_that_followed(settings):
    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.FailingOnceBackend"
    FailingOnceBackend.calls = 0
    notification = Notification.objects.create(
        recipient=factories.UserFactory(), template="referral_receipt", context={"reference": "BH-2026-00001"}
    )
    assert notification_deliver(notification_id=notification.pk) is False
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (Notification.State.SENT, 2)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_an_email_that_cannot_be_rendered_is_retried_and_then_given_up():
    notification = Notification.objects.create(
        recipient=factories.UserFactory(), template="no_such_template", context={"reference": "BH-2026-00001"}
    )
    for _attempt in range(MAX_ATTEMPTS):
        Notification.objects.filter(pk=notification.pk).update(next_try_at=notification.created_at)
        assert notification_deliver(notification_id=notification.pk) is False
    notification.refresh_from_db()
    assert notification.state == Notification.State.FAILED
    assert (notification.attempts, notification.last_error) == (MAX_ATTEMPTS, "TemplateDoesNotExist")
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_going_back_before_the_move_gives_waiting_rows_their_ids_again(django_db_serialized_rollback):
    referral = factories.ReferralFactory(reference="BH-2026-00077")
    waiting = Notification.objects.create(
        recipient=referral.reporter,
        template="referral_receipt",
        context={"reference": referral.reference, "department": "X", "is_acute": False, "link_path": "/referrals/x/"},
    )
    executor = MigrationExecutor(connection)
    executor.migrate([("referrals", "0005_consent_token"), ("notifications", None)])
    old_apps = executor.loader.project_state([("referrals", "0005_consent_token")]).apps
    row = old_apps.get_model("referrals", "Notification").objects.get(pk=waiting.pk)
    assert row.context == {"referral_id": referral.pk}
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert Notification.objects.get(pk=waiting.pk).context["reference"] == "BH-2026-00077"


class CountingBackend(EmailBackend):
    """A locmem backend that counts the connections opened and refuses one address."""

    opened = 0

    def open(self):
        CountingBackend.opened += 1
        return super().open()

    def send_messages(self, messages):
        if any("refused@" in address for message in messages for address in message.to):
            raise OSError("550 mailbox unavailable")
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_a_batch_is_sent_over_one_connection_and_one_refusal_does_not_hold_up_the_rest(settings):
    from notifications.services import notifications_deliver

    settings.EMAIL_BACKEND = "tests.notifications.test_outbox.CountingBackend"
    CountingBackend.opened = 0
    users = [factories.UserFactory(email=f"advisor{n}@example.dk") for n in range(3)]
    users.append(factories.UserFactory(email="refused@example.dk"))
    context = {"reference": "BH-2026-00042", "department": "Lindehaven", "link_path": "/"}
    # Written as notifications_queue writes them, without its after-commit send.
    rows = Notification.objects.bulk_create(
        [Notification(recipient=user, template="referral_filed", context=context) for user in users]
    )
    ids = [row.pk for row in rows]

    assert notifications_deliver(notification_ids=ids) == 3
    assert CountingBackend.opened == 1
    assert sorted(message.to[0] for message in mail.outbox) == [
        "advisor0@example.dk",
        "advisor1@example.dk",
        "advisor2@example.dk",
    ]
    states = dict(Notification.objects.values_list("recipient__email", "state"))
    assert states.pop("refused@example.dk") == Notification.State.PENDING  # tried again later, with back-off
    assert set(states.values()) == {Notification.State.SENT}
    # The same message delivered again (acks_late after a crash) sends nothing twice.
    assert notifications_deliver(notification_ids=ids) == 0
    assert len(mail.outbox) == 3
