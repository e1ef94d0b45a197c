"""An administrator manages logins and roles but can never act as someone else."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


# --- An administrator manages logins and roles but can never act as someone -----------
# (security review F1). A superuser still can: that is where a password is set.

NEW_PASSWORD = "ny-hemmelig-kode-1234"


@pytest.fixture
def superuser(db):
    from tests.factories import UserFactory

    return UserFactory(username="superbruger", is_staff=True, is_superuser=True)


def reads_the_concern(username, password, concern):
    """Sign in as username in a fresh browser and try to read the concern."""
    from django.test import Client

    other = Client()
    if other.post(reverse("login"), {"username": username, "password": password}).status_code != 302:
        return False
    page = other.get(reverse("referrals:detail", args=[concern.reference]))
    return page.status_code == 200 and "Følsom beskrivelse" in page.content.decode()


def set_password(client, user):
    return client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )


def add_login(client, username, email):
    return client.post(
        reverse("admin:auth_user_add"),
        {
            "username": username,
            "first_name": "Sokke",
            "last_name": "Dukke",
            "email": email,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "usable_password": "true",
        },
    )


def add_advisor(client, user, district):
    from tests.factories import TeamFactory

    return client.post(
        reverse("admin:contacts_advisor_add"),
        {
            "user": user.pk,
            "function": "housing_advisor",
            "team": TeamFactory().pk,
            "phone": "",
            "districts": [district.pk],
            "active": "on",
        },
    )


def test_administrator_cannot_set_an_advisors_password(client, administrator, advisor, concern):
    client.force_login(administrator)
    assert client.get(reverse("admin:auth_user_password_change", args=[advisor.pk])).status_code == 404
    assert set_password(client, advisor).status_code == 404
    advisor.refresh_from_db()
    assert not advisor.check_password(NEW_PASSWORD)
    assert not reads_the_concern(advisor.username, NEW_PASSWORD, concern)


def test_superuser_can_set_an_advisors_password(client, superuser, advisor, concern):
    client.force_login(superuser)
    assert set_password(client, advisor).status_code == 302
    assert reads_the_concern(advisor.username, NEW_PASSWORD, concern)


def test_administrator_cannot_redirect_an_existing_login(client, administrator, advisor):
    client.force_login(administrator)
    url = reverse("admin:auth_user_change", args=[advisor.pk])
    page = client.get(url).content.decode()
    assert "password/" not in page  # no "reset password" button
    assert 'name="email"' not in page and 'name="username"' not in page
    client.post(
        url,
        {
            "username": "overtaget",
            "first_name": "Ny",
            "last_name": advisor.last_name,
            "email": "administrator@example.dk",
            "is_active": "on",
        },
    )
    advisor.refresh_from_db()
    assert advisor.username != "overtaget" and advisor.email != "administrator@example.dk"
    assert advisor.first_name == "Ny"  # the rest is still theirs to keep


def test_administrator_creates_a_login_without_a_password(client, administrator, district, concern):
    from django.contrib.auth import get_user_model

    client.force_login(administrator)
    page = client.get(reverse("admin:auth_user_add")).content.decode()
    assert 'name="password1"' not in page and 'name="usable_password"' not in page
    assert "Har du glemt din adgangskode?" in page
    assert add_login(client, "sokkedukke", "sokke@example.dk").status_code == 302
    puppet = get_user_model().objects.get(username="sokkedukke")
    assert puppet.has_usable_password() and not puppet.check_password(NEW_PASSWORD)
    assert not puppet.is_staff and not puppet.is_superuser
    # Giving the new login an advisor role is still theirs to do (product requirement) …
    assert add_advisor(client, puppet, district).status_code == 302
    # … but they cannot sign in as it.
    assert not reads_the_concern("sokkedukke", NEW_PASSWORD, concern)


def test_superuser_still_creates_a_login_with_a_password(client, superuser, district, concern):
    from django.contrib.auth import get_user_model

    client.force_login(superuser)
    assert add_login(client, "ny-raadgiver", "ny@example.dk").status_code == 302
    assert add_advisor(client, get_user_model().objects.get(username="ny-raadgiver"), district).status_code == 302
    assert reads_the_concern("ny-raadgiver", NEW_PASSWORD, concern)


def test_a_new_login_chooses_its_own_password_by_the_reset_link(client, administrator):
    from django.core import mail

    client.force_login(administrator)
    add_login(client, "ny-kontakt", "ny-kontakt@example.dk")
    client.logout()
    client.post(reverse("password_reset"), {"email": "ny-kontakt@example.dk"})
    assert [message.to for message in mail.outbox] == [["ny-kontakt@example.dk"]]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/accounts/reset/" in line)
    response = client.get("/" + link.split("://", 1)[1].split("/", 1)[1], follow=True)
    chosen = "et-langt-selvvalgt-kodeord"
    client.post(response.redirect_chain[-1][0], {"new_password1": chosen, "new_password2": chosen})
    assert client.post(reverse("login"), {"username": "ny-kontakt", "password": chosen}).status_code == 302


def test_a_new_login_cannot_borrow_an_e_mail_address_in_use(client, administrator):
    from django.contrib.auth import get_user_model

    client.force_login(administrator)
    response = add_login(client, "min-dukke", administrator.email.upper())
    assert response.status_code == 200
    assert "Der findes allerede et login med den e-mailadresse." in response.content.decode()
    assert not get_user_model().objects.filter(username="min-dukke").exists()


def role_forms(department, district):
    from tests.factories import TeamFactory

    return {
        "contacts_advisor_add": {
            "function": "housing_advisor",
            "team": TeamFactory().pk,
            "districts": [district.pk],
            "active": "on",
        },
        "contacts_contactperson_add": {
            "active": "on",
            "appointments-TOTAL_FORMS": "0",
            "appointments-INITIAL_FORMS": "0",
        },
        "contacts_associationstaff_add": {"organisation": department.organisation.pk, "active": "on"},
    }


ROLE_ADD_PAGES = ["contacts_advisor_add", "contacts_contactperson_add", "contacts_associationstaff_add"]


@pytest.mark.parametrize("name", ROLE_ADD_PAGES)
def test_administrator_cannot_give_themselves_a_role(client, administrator, department, district, name):
    client.force_login(administrator)
    data = {"user": administrator.pk, **role_forms(department, district)[name]}
    response = client.post(reverse(f"admin:{name}"), data)
    assert response.status_code == 200
    assert "Du kan ikke give dig selv en rolle." in response.content.decode()
    from contacts.models import Advisor, AssociationStaff, ContactPerson

    roles = (Advisor, ContactPerson, AssociationStaff)
    assert not any(model.objects.filter(user=administrator).exists() for model in roles)


@pytest.mark.parametrize("name", ROLE_ADD_PAGES)
def test_administrator_cannot_give_a_staff_login_a_role(client, administrator, department, district, name):
    from tests.factories import UserFactory

    colleague = UserFactory(username="kollega", is_staff=True)
    client.force_login(administrator)
    data = {"user": colleague.pk, **role_forms(department, district)[name]}
    response = client.post(reverse(f"admin:{name}"), data)
    assert response.status_code == 200
    assert "Et login med adgang til administrationen kan ikke få en rolle." in response.content.decode()


def test_administrator_cannot_move_an_advisor_row_to_themselves(client, administrator, advisor, district):
    client.force_login(administrator)
    row = advisor.advisor
    response = client.post(
        reverse("admin:contacts_advisor_change", args=[row.pk]),
        {
            "user": administrator.pk,
            "function": row.function,
            "team": row.team_id,
            "districts": [district.pk],
            "active": "on",
        },
    )
    assert "Du kan ikke give dig selv en rolle." in response.content.decode()
    row.refresh_from_db()
    assert row.user == advisor


def test_administrator_still_manages_an_advisors_team_and_districts(
    client, administrator, advisor, district, other_district
):
    from auditlog.models import LogEntry

    from contacts.models import Advisor
    from tests.factories import TeamFactory

    team = TeamFactory(name="Team Amager")
    client.force_login(administrator)
    row = advisor.advisor
    response = client.post(
        reverse("admin:contacts_advisor_change", args=[row.pk]),
        {
            "user": advisor.pk,
            "function": row.function,
            "team": team.pk,
            "districts": [district.pk, other_district.pk],
            "active": "on",
        },
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.team == team and set(row.districts.all()) == {district, other_district}
    assert LogEntry.objects.get_for_object(row).filter(actor=administrator).exists()
    assert LogEntry.objects.get_for_model(Advisor).filter(actor=administrator).exists()


def test_superuser_may_give_anyone_a_role(client, superuser, district):
    from tests.factories import UserFactory

    colleague = UserFactory(username="kollega", is_staff=True)
    client.force_login(superuser)
    assert add_advisor(client, colleague, district).status_code == 302


def test_administrator_sees_no_other_staff_logins(client, administrator):
    from tests.factories import UserFactory

    colleague = UserFactory(username="kollega", is_staff=True)
    client.force_login(administrator)
    listing = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "kollega" not in listing
    assert client.get(reverse("admin:auth_user_change", args=[colleague.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:auth_user_change", args=[administrator.pk])).status_code == 200
