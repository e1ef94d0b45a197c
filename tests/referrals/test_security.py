"""Regression tests for the security review of the concern pages (findings F3–F5, F7
and the hardening). F1 and F6 are in tests/test_admin.py, F2 in tests/test_auth.py."""

import sys
import uuid
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.core.signals import got_request_exception
from django.test import Client
from django.urls import reverse
from django.views.debug import ExceptionReporter
from guardian.shortcuts import assign_perm

from referrals.models import ConsentRecord, FollowUp, InternalNote, Referral, ReporterMessage, StatusChange
from referrals.services import handling, history
from tests.factories import AdvisorFactory, DwellingFactory, GroupFactory, ReferralFactory

pytestmark = pytest.mark.django_db

TYPED = "Hemmelig tekst om beboeren"


def url(name, referral):
    return reverse(f"referrals:{name}", args=[referral.reference])


# --- F3: a view-only grant never lets an advisor change a concern -----------------------

ACTIONS = {
    "acknowledge": {},
    "assign": {"assign-assignee": "0"},
    "note": {"note-text": "Ny note"},
    "consent": {"consent-given": "1", "consent-method": "written"},
    "message": {"message-text": "Ny besked"},
    "close": {"close-outcome": "no_action"},
}


@pytest.fixture
def view_only(advisor_elsewhere, department, reporter):
    """A concern from another district that advisor_elsewhere may only read."""
    referral = ReferralFactory(department=department, reporter=reporter)
    assign_perm("referrals.view_referral", advisor_elsewhere, referral)
    return referral


@pytest.mark.parametrize("action", ACTIONS)
def test_view_only_grant_cannot_act(client, advisor_elsewhere, view_only, action):
    data = ACTIONS[action]
    if action == "assign":
        data = {"assign-assignee": str(advisor_elsewhere.advisor.pk)}
    client.force_login(advisor_elsewhere)
    assert client.post(url(action, view_only), data).status_code == 404
    view_only.refresh_from_db()
    assert view_only.status == Referral.Status.RECEIVED and view_only.assigned_to is None
    assert not view_only.notes.exists() and not view_only.messages.exists() and not view_only.consents.exists()
    assert not view_only.history.exists()


def test_view_only_grant_reads_the_page_without_the_action_forms(client, advisor_elsewhere, view_only):
    client.force_login(advisor_elsewhere)
    response = client.get(url("detail", view_only))
    assert response.status_code == 200
    assert response.context["can_change"] is False
    body = response.content.decode()
    assert "men ikke til at behandle den" in body
    for action in ACTIONS:
        assert url(action, view_only) not in body, action


def test_district_advisor_sees_the_action_forms(client, advisor, view_only):
    client.force_login(advisor)
    response = client.get(url("detail", view_only))
    assert response.context["can_change"] is True
    body = response.content.decode()
    for action in ("acknowledge", "assign", "note", "consent", "message", "close"):
        assert url(action, view_only) in body, action


def test_change_grant_to_a_group_lets_its_members_act(client, advisor_elsewhere, view_only):
    group = GroupFactory()
    group.user_set.add(advisor_elsewhere)
    assign_perm("referrals.change_referral", group, view_only)
    client.force_login(advisor_elsewhere)
    assert client.post(url("close", view_only), {"close-outcome": "no_action"}).status_code == 302
    view_only.refresh_from_db()
    assert view_only.status == Referral.Status.CLOSED


def test_assigned_across_districts_can_act(client, advisor, advisor_elsewhere, department, reporter):
    referral = ReferralFactory(department=department, reporter=reporter)
    handling.referral_assign(referral=referral, by=advisor, assignee=advisor_elsewhere)
    client.force_login(advisor_elsewhere)
    assert client.post(url("note", referral), {"note-text": "Overtaget."}).status_code == 302


# --- F4: double submits save one thing, and a race is no 500 ----------------------------


def test_consent_double_submit_makes_one_record(client, advisor, department, reporter):
    referral = ReferralFactory(department=department, reporter=reporter)
    client.force_login(advisor)
    page = client.get(url("detail", referral))
    token = page.context["consent_form"]["submission_token"].value()
    assert f'value="{token}"' in page.content.decode()
    data = {"consent-given": "1", "consent-method": "written", "consent-submission_token": str(token)}
    assert client.post(url("consent", referral), data).status_code == 302
    assert client.post(url("consent", referral), data).status_code == 302
    assert ConsentRecord.objects.filter(referral=referral).count() == 1
    assert referral.history.filter(event=StatusChange.Event.CONSENT_GIVEN).count() == 1


def racing(model, **row):
    """Make the other post of a double tap commit between our look-up and our insert."""
    real = handling.existing_submission
    raced = []

    def look_up(model_, token, **scope):
        if not raced and model_ is model:
            raced.append(True)
            model.objects.bulk_create([model(submission_token=token, **row)])
            return None
        return real(model_, token, **scope)

    return mock.patch.object(handling, "existing_submission", look_up)


@pytest.mark.parametrize(
    ("action", "model", "field", "author_field"),
    [
        ("note", InternalNote, "note-text", "author"),
        ("message", ReporterMessage, "message-text", "author"),
        ("consent", ConsentRecord, None, "recorded_by"),
    ],
)
def test_racing_double_submit_is_no_500(client, advisor, department, reporter, action, model, field, author_field):
    referral = ReferralFactory(department=department, reporter=reporter)
    client.force_login(advisor)
    token = uuid.uuid4()
    row = {"referral": referral, author_field: advisor}
    data = {f"{action}-submission_token": str(token)}
    if field:
        row["text"] = "Første tryk"
        data[field] = "Andet tryk"
    else:
        row.update(given=True, method="written")
        data.update({"consent-given": "1", "consent-method": "written"})
    client.raise_request_exception = False
    with racing(model, **row):
        response = client.post(url(action, referral), data)
    assert response.status_code == 302
    assert model.objects.filter(submission_token=token).count() == 1
    assert not referral.history.exists()  # the winner writes the history, not us


def test_racing_follow_up_double_submit_is_no_500(client, file_referral, accepted_reporter):
    referral = file_referral()
    client.force_login(accepted_reporter)
    token = uuid.uuid4()
    client.raise_request_exception = False
    with racing(FollowUp, referral=referral, author=accepted_reporter, text="Første tryk"):
        response = client.post(
            url("follow_up", referral), {"followup-text": "Andet tryk", "followup-submission_token": str(token)}
        )
    assert response.status_code == 302
    assert FollowUp.objects.filter(submission_token=token).count() == 1


def test_a_token_from_another_concern_never_returns_its_note(client, advisor, department, reporter):
    first = ReferralFactory(department=department, reporter=reporter)
    second = ReferralFactory(department=department, reporter=reporter)
    token = uuid.uuid4()
    handling.referral_note_add(referral=first, by=advisor, text="På den første", submission_token=token)
    colleague = AdvisorFactory(districts=[department.district]).user
    client.force_login(colleague)
    response = client.post(url("note", second), {"note-text": "På den anden", "note-submission_token": str(token)})
    assert response.status_code == 400
    assert "Formularen er allerede brugt" in response.content.decode()
    assert "På den første" not in response.content.decode()
    assert not second.notes.exists()
    assert list(first.notes.values_list("text", flat=True)) == ["På den første"]


@pytest.mark.parametrize("service", ["note", "message"])
def test_token_look_ups_are_scoped_to_the_concern_and_author(advisor, department, reporter, service):
    referral = ReferralFactory(department=department, reporter=reporter)
    colleague = AdvisorFactory(districts=[department.district]).user
    token = uuid.uuid4()
    add = {
        "note": lambda by, text: handling.referral_note_add(
            referral=referral, by=by, text=text, submission_token=token
        ),
        "message": lambda by, text: handling.referral_message_send(
            referral=referral, by=by, text=text, shareable=False, submission_token=token
        ),
    }[service]
    mine = add(advisor, "Min tekst")
    assert add(advisor, "Min tekst igen").pk == mine.pk
    with pytest.raises(ValidationError, match="allerede brugt"):
        add(colleague, "Kollegaens tekst")


# --- F5: a duplicate link never shows a reference from another district ---------------


def test_duplicate_from_another_district_is_refused(client, advisor, department, other_department, reporter):
    colleague = AdvisorFactory(districts=[department.district]).user
    here = ReferralFactory(department=department, reporter=reporter)
    elsewhere = ReferralFactory(department=other_department)
    handling.referral_assign(referral=elsewhere, by=colleague, assignee=advisor)  # advisor may see it
    client.force_login(advisor)
    response = client.post(
        url("close", here), {"close-outcome": "duplicate", "close-duplicate_of": elsewhere.reference}
    )
    assert response.status_code == 400
    assert "En dublet skal være en henvendelse fra samme byområde." in response.content.decode()
    here.refresh_from_db()
    assert here.status != Referral.Status.CLOSED and here.duplicate_of is None

    third = Client()
    third.force_login(AdvisorFactory(districts=[department.district]).user)
    assert third.get(url("detail", elsewhere)).status_code == 404
    assert elsewhere.reference not in third.get(url("detail", here)).content.decode()


def test_duplicate_from_the_same_district_is_linked(client, advisor, department, reporter):
    original = ReferralFactory(department=department, reporter=reporter)
    repeat = ReferralFactory(department=department, reporter=reporter)
    client.force_login(advisor)
    response = client.post(
        url("close", repeat), {"close-outcome": "duplicate", "close-duplicate_of": original.reference.lower()}
    )
    assert response.status_code == 302
    repeat.refresh_from_db()
    assert repeat.duplicate_of == original


def test_service_refuses_a_duplicate_from_another_district(advisor, department, other_department, reporter):
    here = ReferralFactory(department=department, reporter=reporter)
    elsewhere = ReferralFactory(department=other_department)
    with pytest.raises(ValidationError, match="samme byområde"):
        handling.referral_close(referral=here, by=advisor, outcome="duplicate", duplicate_of=elsewhere)


# --- F7 and cross-access checks that held (kept as regression tests) --------------------


def test_contact_person_cannot_reach_another_departments_concern(
    client, accepted_reporter, contact_person_elsewhere, other_department
):
    theirs = ReferralFactory(department=other_department, reporter=contact_person_elsewhere)
    DwellingFactory(department=other_department, address="Fremmedvej 1")
    client.force_login(accepted_reporter)
    for name in ("detail", "receipt", "receipt_pdf"):
        assert client.get(url(name, theirs)).status_code == 404
    assert client.post(url("follow_up", theirs), {"followup-text": "x"}).status_code == 404
    body = client.get(reverse("referrals:dwelling_options"), {"department": other_department.pk}).content.decode()
    assert "Fremmedvej" not in body


def test_assign_refuses_anyone_but_an_offered_advisor(client, advisor, department, reporter, caseworker):
    referral = ReferralFactory(department=department, reporter=reporter)
    client.force_login(advisor)
    for value in (caseworker.advisor.pk, reporter.pk, 999999):
        client.post(url("assign", referral), {"assign-assignee": value})
        referral.refresh_from_db()
        assert referral.assigned_to_id is None


def test_queue_filter_cannot_reach_a_foreign_district(client, advisor, other_department, other_district):
    ReferralFactory(department=other_department)
    client.force_login(advisor)
    response = client.get(
        reverse("referrals:list"), {"district": other_district.pk, "department": other_department.pk, "status": "all"}
    )
    assert response.context["page"].paginator.count == 0


@pytest.mark.parametrize(
    "next_url",
    [
        "//evil.example/",
        "/\\evil.example",
        "https:evil.example",
        "javascript:alert(1)",
        "\\\\evil.example",
        "http://testserver@evil.example/",
        " //evil.example",
        "/%09/evil.example",
    ],
)
def test_rules_page_never_redirects_off_site(client, reporter, next_url):
    client.force_login(reporter)
    response = client.post(reverse("referrals:rules"), {"accept": "on", "next": next_url})
    assert response.status_code == 302
    assert response.url.startswith("/") and not response.url.startswith(("//", "/\\")), response.url


# --- Hardening: typed text never reaches an error report ------------------------------


def error_report(client, path, data):
    """Make the view fail deep inside the service and build the e-mail error report."""
    captured = {}

    def grab(sender, request, **kwargs):
        captured["request"], captured["exc_info"] = request, sys.exc_info()

    got_request_exception.connect(grab)
    client.raise_request_exception = False
    try:
        with mock.patch.object(history, "audit", side_effect=RuntimeError("fejl i testen")):
            response = client.post(path, data)
    finally:
        got_request_exception.disconnect(grab)
    assert response.status_code == 500
    reporter = ExceptionReporter(captured["request"], *captured["exc_info"], is_email=True)
    return reporter.get_traceback_text() + reporter.get_traceback_html()


def test_error_report_of_a_filed_concern_holds_no_typed_text(client, accepted_reporter, department):
    client.force_login(accepted_reporter)
    data = {
        "department": str(department.pk),
        "address": "Blågårdsvej 10",
        "unit": "2. th.",
        "resident_name": "Hemmelig Beboersen",
        "categories": ["isolation"],
        "children_present": "yes",
        "description": TYPED,
        "source": "own_observation",
    }
    report = error_report(client, reverse("referrals:new"), data)
    assert "fejl i testen" in report  # it is the report of our failure
    assert TYPED not in report and "Hemmelig Beboersen" not in report and "Blågårdsvej" not in report


@pytest.mark.parametrize(
    ("action", "data"),
    [
        ("note", {"note-text": TYPED}),
        ("message", {"message-text": TYPED, "message-shareable": "on"}),
    ],
)
def test_error_report_of_an_advisor_text_holds_no_typed_text(client, advisor, department, reporter, action, data):
    referral = ReferralFactory(department=department, reporter=reporter)
    client.force_login(advisor)
    report = error_report(client, url(action, referral), data)
    assert "fejl i testen" in report
    assert TYPED not in report


def test_error_report_of_a_follow_up_holds_no_typed_text(client, file_referral, accepted_reporter):
    referral = file_referral()
    client.force_login(accepted_reporter)
    report = error_report(client, url("follow_up", referral), {"followup-text": TYPED})
    assert "fejl i testen" in report
    assert TYPED not in report


# --- Hardening: an expired form gets a Danish page ----------------------------------------


def test_csrf_failure_page_is_danish_and_explains_what_to_do(reporter):
    client = Client(enforce_csrf_checks=True)
    client.force_login(reporter)
    response = client.post(reverse("referrals:rules"), {"accept": "on"})
    assert response.status_code == 403
    body = response.content.decode()
    assert '<html lang="da">' in body
    assert "Formularen er udløbet" in body
    assert "prøv igen" in body
    assert "CSRF" not in body


def test_csrf_failure_on_the_login_page_is_danish_too(reporter):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": reporter.username, "password": "x"})
    assert response.status_code == 403
    assert "Formularen er udløbet" in response.content.decode()
