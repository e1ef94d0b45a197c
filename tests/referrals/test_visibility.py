"""Who sees which concern: in lists and details, every role that must be refused gets 404."""

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from referrals.selectors import referrals_visible_to
from tests.factories import GroupFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral(reporter, department):
    return ReferralFactory(reporter=reporter, department=department)


def test_reporter_sees_only_what_they_filed(reporter, referral, department):
    someone_elses = ReferralFactory(department=department)
    assert list(referrals_visible_to(reporter)) == [referral]
    assert someone_elses not in referrals_visible_to(reporter)


def test_advisor_sees_their_districts_concerns(advisor, referral, other_department):
    elsewhere = ReferralFactory(department=other_department)
    visible = list(referrals_visible_to(advisor))
    assert referral in visible and elsewhere not in visible


def test_advisor_sees_a_concern_assigned_to_them_across_districts(advisor_elsewhere, referral):
    referral.assigned_to = advisor_elsewhere
    referral.save(update_fields=["assigned_to"])
    assert referral in referrals_visible_to(advisor_elsewhere)


def test_guardian_grant_to_a_user_or_group_opens_one_concern(advisor_elsewhere, referral, department):
    other = ReferralFactory(department=department)
    assign_perm("referrals.view_referral", advisor_elsewhere, referral)
    assert list(referrals_visible_to(advisor_elsewhere)) == [referral]
    group = GroupFactory()
    group.user_set.add(advisor_elsewhere)
    assign_perm("referrals.view_referral", group, other)
    assert set(referrals_visible_to(advisor_elsewhere)) == {referral, other}


def test_only_a_change_grant_lets_an_advisor_outside_the_district_act(advisor_elsewhere, referral, department):
    from referrals.selectors import referrals_changeable_by

    assign_perm("referrals.view_referral", advisor_elsewhere, referral)
    assert referral in referrals_visible_to(advisor_elsewhere)
    assert referral not in referrals_changeable_by(advisor_elsewhere)
    assign_perm("referrals.change_referral", advisor_elsewhere, referral)
    assert referral in referrals_changeable_by(advisor_elsewhere)
    # Through a group, too; and a change grant without a view grant opens nothing.
    other = ReferralFactory(department=department)
    group = GroupFactory()
    group.user_set.add(advisor_elsewhere)
    assign_perm("referrals.change_referral", group, other)
    assert other not in referrals_changeable_by(advisor_elsewhere)
    assign_perm("referrals.view_referral", group, other)
    assert set(referrals_changeable_by(advisor_elsewhere)) == {referral, other}


def test_district_and_assignment_let_an_advisor_act(advisor, advisor_elsewhere, referral):
    from referrals.selectors import referrals_changeable_by

    assert list(referrals_changeable_by(advisor)) == [referral]
    referral.assigned_to = advisor_elsewhere
    referral.save(update_fields=["assigned_to"])
    assert list(referrals_changeable_by(advisor_elsewhere)) == [referral]


@pytest.mark.parametrize("persona", ["reporter", "caseworker", "administrator", "no_role_user"])
def test_nobody_else_may_act_on_a_concern(request, persona, referral):
    from referrals.selectors import referrals_changeable_by

    assert not referrals_changeable_by(request.getfixturevalue(persona)).exists()


def test_inactive_advisor_sees_nothing(advisor, referral):
    advisor.advisor.active = False
    advisor.advisor.save(update_fields=["active"])
    assert not referrals_visible_to(advisor).exists()


@pytest.mark.parametrize(
    "persona",
    [
        "contact_person_elsewhere",
        "advisor_elsewhere",
        "caseworker",
        "association_staff",
        "administrator",
        "no_role_user",
    ],
)
def test_outsiders_never_see_the_concern(client, request, persona, referral):
    user = request.getfixturevalue(persona)
    assert referral not in referrals_visible_to(user)
    client.force_login(user)
    for name in ("referrals:detail", "referrals:receipt", "referrals:receipt_pdf"):
        assert client.get(reverse(name, args=[referral.reference])).status_code == 404, name
    for name in ("referrals:acknowledge", "referrals:note", "referrals:close", "referrals:follow_up"):
        assert client.post(reverse(name, args=[referral.reference]), {"note-text": "x"}).status_code == 404
    listing = client.get(reverse("referrals:list"))
    assert listing.status_code in (200, 404)
    assert referral.reference not in listing.content.decode()


def test_a_guessed_reference_is_404(client, advisor):
    client.force_login(advisor)
    assert client.get(reverse("referrals:detail", args=["BH-2026-99999"])).status_code == 404


def test_the_reporter_cannot_use_advisor_actions(client, reporter, referral):
    client.force_login(reporter)
    for name in (
        "referrals:acknowledge",
        "referrals:assign",
        "referrals:consent",
        "referrals:message",
        "referrals:close",
    ):
        assert client.post(reverse(name, args=[referral.reference])).status_code == 404
    referral.refresh_from_db()
    assert referral.status == "received"


def test_the_advisor_cannot_use_the_reporters_receipt_or_follow_up(client, advisor, referral):
    client.force_login(advisor)
    assert client.get(reverse("referrals:receipt", args=[referral.reference])).status_code == 404
    assert (
        client.post(reverse("referrals:follow_up", args=[referral.reference]), {"followup-text": "x"}).status_code
        == 404
    )


def test_administrators_do_not_see_concerns_in_the_admin(client, administrator, referral):
    client.force_login(administrator)
    assert client.get("/admin/referrals/referral/").status_code == 404
    assert "Bekymringshenvendelser" not in client.get(reverse("admin:index")).content.decode()
