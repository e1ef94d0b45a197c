"""seed_demo builds the demo world once; a second run changes nothing."""

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from contacts.roles import Role, role_of

pytestmark = pytest.mark.django_db

DEMO_ROLES = {
    "admin": Role.ADMINISTRATOR,
    "kp.noerrebro": Role.CONTACT_PERSON,
    "kp.amager": Role.CONTACT_PERSON,
    "raad.noerrebro": Role.ADVISOR,
    "raad.amager": Role.ADVISOR,
    "hjem.sag": Role.CASEWORKER,
    "bl.org": Role.ASSOCIATION_STAFF,
}


def snapshot():
    """Every row of our apps and of auth users, as comparable values."""
    models = [
        model
        for app in ("housing", "contacts", "referrals", "cases")
        for model in apps.get_app_config(app).get_models()
    ]
    rows = {model._meta.label: sorted(map(str, model.objects.values_list())) for model in models}
    rows["users"] = sorted(map(str, get_user_model().objects.values_list("username", "password", "is_staff")))
    return rows


def test_seed_demo_refuses_to_run_with_debug_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")


def test_seed_demo_builds_a_world_with_the_demo_logins(settings):
    from housing.models import Department, Dwelling, HousingOrganisation

    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert Department.objects.count() >= 30
    assert Dwelling.objects.count() >= 30 * 5
    assert HousingOrganisation.objects.count() >= 3
    for username, role in DEMO_ROLES.items():
        user = get_user_model().objects.get(username=username)
        assert user.check_password("bindeled-demo"), username
        assert role_of(user) == role, username


def test_seed_demo_is_idempotent(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    first = snapshot()
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    assert snapshot() == first


def test_seed_demo_names_are_invented_not_from_the_seeds(settings):
    """The source documents name real associations; the demo must not reuse them."""
    from housing.models import HousingOrganisation

    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))
    real = {"SAB", "DAB", "FA09", "BDK", "KAB", "fsb"}
    assert not real & set(HousingOrganisation.objects.values_list("short_name", flat=True))


@pytest.mark.django_db(transaction=True)
def test_seed_demo_sends_no_e_mails(settings, capsys):
    """The demo's invented events would print dozens of e-mails to the console."""
    from django.core import mail

    from notifications.models import Notification

    settings.DEBUG = True
    call_command("seed_demo", stdout=__import__("io").StringIO())
    assert mail.outbox == []
    assert not Notification.objects.exists()
    assert "Subject:" not in capsys.readouterr().out
