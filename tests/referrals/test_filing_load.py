"""Filing under load: a handful of queries per concern, and with a broker no e-mail in
the request, only one message for the whole outbox batch, which a real worker sends."""

import base64
import json

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from notifications.models import Notification
from referrals.models import Referral
from tests.factories import AdvisorFactory, referral_form_data
from tests.referrals.conftest import assert_nothing_sensitive, broker_at, celery_worker, wait_until

# Session and login (3), role, rules, the form's departments and homes, the repeat
# checks (2), the concern's own checks, then BEGIN, reference, concern, categories,
# history, audit entry, advisors, outbox rows, COMMIT, and the session save (3).
FILING_QUERIES = 22
# django-sequences has no single upsert on SQLite: it reads the sequence, then writes
# it inside a savepoint of its own (three more statements for the demo database).
SQLITE_SEQUENCE_EXTRA = 3


def post_concern(client, department, **overrides):
    response = client.post(reverse("referrals:new"), referral_form_data(department, **overrides))
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    return response


@pytest.mark.parametrize("advisors", [1, 6])
def test_filing_costs_the_same_few_queries_however_many_advisors_get_an_email(
    client, accepted_reporter, department, district, advisors, django_assert_max_num_queries
):
    AdvisorFactory.create_batch(advisors, districts=[district])
    client.force_login(accepted_reporter)
    client.get(reverse("referrals:new"))  # the content type cache and the like, as a warm server has them
    extra = SQLITE_SEQUENCE_EXTRA if connection.vendor == "sqlite" else 0
    with django_assert_max_num_queries(FILING_QUERIES + extra):
        post_concern(client, department, categories=["isolation", "child_neglect", "smell"])
    assert Notification.objects.count() == advisors + 1


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_with_a_broker_the_request_sends_nothing_and_hands_over_one_message_of_ids(
    require_postgres, shared_redis_url, settings, client, accepted_reporter, department, district
):
    import redis

    AdvisorFactory.create_batch(3, districts=[district])
    client.force_login(accepted_reporter)
    with broker_at(settings, shared_redis_url):
        post_concern(client, department)  # no worker listens: the message stays in Redis

    assert mail.outbox == []  # nothing was sent by the web request
    referral = Referral.objects.get()
    rows = Notification.objects.filter(context__reference=referral.reference)
    assert rows.count() == 4 and set(rows.values_list("state", flat=True)) == {Notification.State.PENDING}
    queued = redis.Redis.from_url(shared_redis_url).lrange("celery", 0, -1)
    assert len(queued) == 1, f"{len(queued)} broker messages for one concern"
    message = json.loads(queued[0])
    args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
    assert message["headers"]["task"] == "notifications.tasks.notifications_send"
    assert sorted(args[0]) == sorted(rows.values_list("pk", flat=True))  # ids only
    for secret in ("Hemmelig", "Beboersen", "børnene", "Blågårdsvej"):
        assert secret not in queued[0].decode()


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_every_row_queued_by_a_run_of_filings_is_delivered_once_by_a_real_worker(
    require_postgres, shared_redis_url, smtp_sink, settings, tmp_path, client, accepted_reporter, department, district
):
    advisors = [advisor.user for advisor in AdvisorFactory.create_batch(3, districts=[district])]
    client.force_login(accepted_reporter)
    with (
        broker_at(settings, shared_redis_url),
        celery_worker(redis_url=shared_redis_url, email_url=smtp_sink.url, log_path=tmp_path / "worker.log") as worker,
    ):
        for n in range(5):
            post_concern(client, department, description=f"Bekymring nummer {n}: hun græder om natten.")
        assert Notification.objects.count() == 5 * 4
        wait_until(
            lambda: not Notification.objects.exclude(state=Notification.State.SENT).exists(),
            timeout=30,
            what="every notification marked sent",
            watch=worker,
        )
        wait_until(lambda: len(smtp_sink.messages) >= 20, timeout=10, what="20 e-mails", watch=worker)

    assert mail.outbox == []
    for advisor in advisors:
        subjects = sorted(received.subject for received in smtp_sink.to(advisor.email))
        references = sorted(Referral.objects.values_list("reference", flat=True))
        assert len(subjects) == 5 and all(ref in subject for ref, subject in zip(references, subjects, strict=True))
    assert len(smtp_sink.to(accepted_reporter.email)) == 5
    assert len(smtp_sink.messages) == 20  # once each, never twice
    assert_nothing_sensitive(smtp_sink.messages, "Hemmelig Beboersen", "græder", "Blågårdsvej")


def test_a_concern_about_a_home_on_the_list_is_filed_and_a_refused_form_lists_every_home_again(
    client, accepted_reporter, department
):
    from tests.factories import DwellingFactory

    homes = DwellingFactory.create_batch(3, department=department)
    client.force_login(accepted_reporter)
    post_concern(client, department, dwelling=str(homes[1].pk), address="", unit="")
    assert Referral.objects.get().dwelling == homes[1]

    refused = client.post(
        reverse("referrals:new"), referral_form_data(department, dwelling=str(homes[2].pk), source="")
    )
    assert refused.status_code == 200
    offered = dict(refused.context["form"].fields["dwelling"].choices)
    assert {str(home.pk) for home in homes} <= set(offered)
    assert f'value="{homes[2].pk}" selected' in refused.content.decode()
