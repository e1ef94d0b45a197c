"""The outbox end to end, on real services: Redis, a Celery worker, PostgreSQL, SMTP.

Filing a concern writes Notification rows; after commit they are handed to the
broker, and a worker sends them. If the broker is down the request still succeeds
and the sweeper sends the rows later. No mocks: the e-mails are caught by a real
SMTP server (see conftest.py) and what they say is checked there.

The first two tests need PostgreSQL and Redis (CI's DATABASE_URL and REDIS_URL, or
a redis-server binary); the last two only need a port that refuses or never answers.
"""

import logging
import socket
import time
import uuid

import pytest
from django.core import mail as django_mail
from django.urls import reverse
from django.utils import timezone

from contacts.services import rules_accept
from notifications.models import Notification
from notifications.services import notification_enqueue
from referrals.models import Referral
from referrals.services.filing import referral_file
from tests.factories import referral_form_data
from tests.referrals.conftest import assert_nothing_sensitive, broker_at, celery_worker, free_port, wait_until

DESCRIPTION = "Meget følsom beskrivelse XYZ"
RESIDENT_NAME = "Hemmelig Beboersen"
ADDRESS = "Testvej 1"
SECRETS = (DESCRIPTION, RESIDENT_NAME, "følsom beskrivelse", "Beboersen", ADDRESS)

# The worker starts in about two seconds and sends in milliseconds; this bound
# only matters when something is broken.
MAIL_TIMEOUT = 30


def file_concern(reporter, department) -> Referral:
    rules_accept(user=reporter)
    referral, created = referral_file(
        reporter=reporter,
        department=department,
        dwelling=None,
        address=ADDRESS,
        unit="2. th.",
        resident_name=RESIDENT_NAME,
        categories=["isolation"],
        description=DESCRIPTION,
        source="own_observation",
    )
    assert created
    return referral


def notifications_of(referral):
    return Notification.objects.filter(context__reference=referral.reference)


def all_sent(referral, expected: int) -> bool:
    states = list(notifications_of(referral).values_list("state", flat=True))
    return len(states) == expected and set(states) == {Notification.State.SENT}


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_filing_a_concern_mails_the_advisor_through_a_real_worker(
    require_postgres, shared_redis_url, smtp_sink, settings, tmp_path, reporter, advisor, department
):
    with (
        broker_at(settings, shared_redis_url),
        celery_worker(redis_url=shared_redis_url, email_url=smtp_sink.url, log_path=tmp_path / "worker.log") as worker,
    ):
        referral = file_concern(reporter, department)  # commits; the after-commit hook publishes
        assert notifications_of(referral).count() == 2  # the district's advisor and the receipt

        received = smtp_sink.wait_for(advisor.email, reporter.email, timeout=MAIL_TIMEOUT, watch=worker)
        wait_until(lambda: all_sent(referral, 2), timeout=10, what="both rows marked sent", watch=worker)

    to_advisor = received[advisor.email]
    assert referral.reference in to_advisor.subject
    assert department.name in to_advisor.subject
    assert referral.reference in received[reporter.email].subject
    # One e-mail each, not one per retry.
    assert len(smtp_sink.to(advisor.email)) == 1
    assert len(smtp_sink.to(reporter.email)) == 1
    assert_nothing_sensitive(smtp_sink.messages, *SECRETS)
    # The worker sent them, not this process (pytest-django's locmem outbox stays empty).
    assert django_mail.outbox == []
    # Sensitive text never reaches a log line, the worker's included.
    worker_log = worker.log()
    assert "notification" in worker_log and "sent" in worker_log
    for secret in SECRETS:
        assert secret not in worker_log


def concern_form(department) -> dict:
    return referral_form_data(
        department,
        address=ADDRESS,
        resident_name=RESIDENT_NAME,
        categories=["isolation"],
        children_present="unknown",
        description=DESCRIPTION,
        observed_on="",
        source="own_observation",
    )


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_concern_filed_while_redis_is_down_is_mailed_by_the_sweeper(
    require_postgres, redis_server, smtp_sink, settings, client, caplog, tmp_path, reporter, advisor, department
):
    rules_accept(user=reporter)
    client.force_login(reporter)

    with broker_at(settings, redis_server.url(), timeout=1):
        redis_server.stop()

        with caplog.at_level(logging.WARNING, logger="bindeled.notifications"):
            started = time.monotonic()
            response = client.post(reverse("referrals:new"), concern_form(department))
            elapsed = time.monotonic() - started

        form = response.context["form"] if response.status_code == 200 else None
        assert response.status_code == 302, f"the form was refused: {form.errors if form else response}"
        referral = Referral.objects.get(reporter=reporter)
        assert response["Location"] == reverse("referrals:receipt", args=[referral.reference])
        assert elapsed < 10, f"filing took {elapsed:.1f} s with the broker down"
        rows = notifications_of(referral)
        assert sorted(rows.values_list("recipient__email", flat=True)) == sorted([advisor.email, reporter.email])
        assert set(rows.values_list("state", flat=True)) == {Notification.State.PENDING}
        assert sum("left for the sweeper" in record.getMessage() for record in caplog.records) == 2
        assert smtp_sink.messages == []

        # Redis is back; the worker and the sweeper pick up what was left.
        redis_server.start()
        with celery_worker(
            redis_url=redis_server.url(), email_url=smtp_sink.url, log_path=tmp_path / "worker.log"
        ) as worker:
            # The rows wait SWEEPER_GRACE before the sweeper treats them as lost:
            # let that time pass.
            rows.update(next_try_at=timezone.now())
            from notifications.tasks import notifications_sweep

            notifications_sweep.delay()  # from this process, through the same (recovered) broker pool

            received = smtp_sink.wait_for(advisor.email, reporter.email, timeout=MAIL_TIMEOUT, watch=worker)
            wait_until(lambda: all_sent(referral, 2), timeout=10, what="both rows marked sent", watch=worker)

    assert referral.reference in received[advisor.email].subject
    assert department.name in received[advisor.email].subject
    assert len(smtp_sink.to(advisor.email)) == 1
    assert len(smtp_sink.to(reporter.email)) == 1
    assert_nothing_sensitive(smtp_sink.messages, *SECRETS)
    assert django_mail.outbox == []
    for secret in SECRETS:
        assert secret not in worker.log()


@pytest.mark.django_db
def test_enqueue_with_an_unreachable_broker_returns_quickly_and_leaves_the_row_pending(
    settings, reporter, advisor, department
):
    # Inside the test's transaction nothing commits, so filing publishes nothing.
    referral = file_concern(reporter, department)
    notification = Notification.objects.get(recipient=advisor, context__reference=referral.reference)

    with broker_at(settings, f"redis://127.0.0.1:{free_port()}/0", timeout=1):
        started = time.monotonic()
        notification_enqueue(notification.pk)
        elapsed = time.monotonic() - started

    assert elapsed < 5, f"enqueue took {elapsed:.1f} s with the broker down"
    notification.refresh_from_db()
    assert notification.state == Notification.State.PENDING
    assert notification.attempts == 0


@pytest.mark.django_db
def test_enqueue_against_a_broker_that_never_answers_gives_up_within_the_configured_timeout(
    settings, reporter, advisor, department
):
    # A Redis that accepts the connection and then says nothing (hung, or a proxy
    # in front of a dead one): without socket timeouts the request would hang.
    referral = file_concern(reporter, department)
    notification = Notification.objects.get(recipient=advisor, context__reference=referral.reference)

    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        with broker_at(settings, f"redis://127.0.0.1:{silent.getsockname()[1]}/0"):  # settings.py's timeouts
            started = time.monotonic()
            notification_enqueue(notification.pk)
            elapsed = time.monotonic() - started

    limit = 2 * settings.BROKER_TIMEOUT_SECONDS + 1
    assert elapsed < limit, f"enqueue took {elapsed:.1f} s against a silent broker (limit {limit:g} s)"
    notification.refresh_from_db()
    assert notification.state == Notification.State.PENDING


@pytest.mark.django_db(transaction=True)
def test_filing_against_a_silent_broker_costs_one_timeout_not_one_per_email(
    settings, client, accepted_reporter, department, district
):
    """Six e-mails to queue (five advisors and the receipt); the broker hangs.

    The first publish times out and the rest are left for the sweeper at once, so
    the caretaker waits one broker timeout, not six.
    """

    from django.urls import reverse

    from tests.factories import AdvisorFactory

    AdvisorFactory.create_batch(5, districts=[district])
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        with broker_at(settings, f"redis://127.0.0.1:{silent.getsockname()[1]}/0", timeout=1):
            client.force_login(accepted_reporter)
            started = time.monotonic()
            response = client.post(
                reverse("referrals:new"),
                {
                    "department": str(department.pk),
                    "address": "Testvej 1",
                    "categories": ["isolation"],
                    "children_present": "unknown",
                    "description": "Tekst",
                    "source": "own_observation",
                    "submission_token": str(uuid.uuid4()),
                },
            )
            elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 4, f"filing took {elapsed:.1f} s against a silent broker"
    assert set(Notification.objects.values_list("state", flat=True)) == {Notification.State.PENDING}
    assert Notification.objects.count() == 6


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_case_file_is_rendered_by_a_real_worker_while_the_page_shows_progress(
    require_postgres, shared_redis_url, smtp_sink, settings, tmp_path, client, caseworker
):
    """The right-of-access PDF is rendered in a Celery task, not in the request."""
    import io

    from django.urls import reverse
    from pypdf import PdfReader

    from cases.models import CaseFileExport
    from cases.services.citizens import case_note_add
    from tests.factories import open_case

    case = open_case(by=caseworker, name="Aktindsigt Borgersen", cpr="010190-1234")
    case_note_add(case=case, by=caseworker, text="Journalnotat til aktindsigt")
    client.force_login(caseworker)
    with (
        broker_at(settings, shared_redis_url),
        celery_worker(redis_url=shared_redis_url, email_url=smtp_sink.url, log_path=tmp_path / "worker.log") as worker,
    ):
        started = time.monotonic()
        response = client.post(reverse("cases:export_start", args=[case.reference]))
        assert time.monotonic() - started < 2, "the request must not render the PDF itself"
        export = CaseFileExport.objects.get()
        first = client.get(response.url).content.decode()
        assert "Sagsakterne er klar" not in first or export.state == "done"
        wait_until(
            lambda: CaseFileExport.objects.get(pk=export.pk).state == CaseFileExport.State.DONE,
            timeout=60,
            what="the case file rendered by the worker",
            watch=worker,
        )
    assert "Sagsakterne er klar" in client.get(response.url).content.decode()
    pdf = client.get(reverse("cases:export_download", args=[case.reference, export.pk])).content
    text = " ".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Aktindsigt Borgersen" in text and "010190-1234" in text
    assert "Aktindsigt Borgersen" not in worker.log()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_filing_costs_one_short_timeout_when_a_connected_redis_hangs(
    settings, client, accepted_reporter, department, redis_server
):
    """Redis answers one publish, then hangs with the connection still open (stopped,
    not dead): the web process's next publishes must each give up within one socket
    timeout, not retry on top of it (that took 9 s)."""
    import os
    import signal

    from django.urls import reverse

    from notifications.services import broker_circuit
    from notifications.tasks import notification_send

    with broker_at(settings, redis_server.url()):
        notification_send.delay(0)  # a healthy publish: the connection is open now
        os.kill(redis_server.process.pid, signal.SIGSTOP)
        try:
            timings = []
            for _worker in range(3):  # whichever web worker takes the next filing
                broker_circuit.reset()
                client.force_login(accepted_reporter)
                started = time.monotonic()
                response = client.post(
                    reverse("referrals:new"), referral_form_data(department, description=str(_worker))
                )
                timings.append(time.monotonic() - started)
                assert response.status_code == 302
        finally:
            os.kill(redis_server.process.pid, signal.SIGCONT)
    assert max(timings) < 5, f"filings took {', '.join(f'{t:.1f}' for t in timings)} s against a hung Redis"
