"""Personas shared by every test: a reporter, the advisor of their district, and people elsewhere.

`reporter` serves a department in the district `district`; `advisor` covers that
district; the `*_elsewhere` personas belong to another district, so every test can
check that they are refused.
"""

import os
import time
from types import SimpleNamespace
from unittest import mock

import pytest

from tests import factories

# .ci/run sets this so that a test which would skip for want of PostgreSQL, Redis
# or Chromium fails instead: CI must run them for real.
REQUIRE_SERVICES = os.environ.get("BINDELED_REQUIRE_SERVICES") == "1"


def skip_or_fail(reason: str) -> None:
    """Skip on a bare machine; fail in CI, where every service must be present."""
    if REQUIRE_SERVICES:
        pytest.fail(f"BINDELED_REQUIRE_SERVICES=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def district(db):
    return factories.DistrictFactory(name="Nørrebro", is_disadvantaged=True)


@pytest.fixture
def other_district(db):
    return factories.DistrictFactory(name="Amager Øst")


@pytest.fixture
def department(district):
    return factories.DepartmentFactory(district=district, name="Lindehaven")


@pytest.fixture
def other_department(other_district):
    return factories.DepartmentFactory(district=other_district, name="Strandparken")


@pytest.fixture
def reporter(department):
    return factories.ContactPersonFactory(departments=[department]).user


@pytest.fixture
def contact_person_elsewhere(other_department):
    return factories.ContactPersonFactory(departments=[other_department]).user


@pytest.fixture
def advisor(district):
    return factories.AdvisorFactory(districts=[district]).user


@pytest.fixture
def advisor_elsewhere(other_district):
    return factories.AdvisorFactory(districts=[other_district]).user


@pytest.fixture
def caseworker(db):
    from contacts.models import Advisor

    return factories.AdvisorFactory(
        function=Advisor.Function.HOMELESSNESS_CASEWORKER, team__name="Hjemløseenheden"
    ).user


@pytest.fixture
def association_staff(department):
    return factories.AssociationStaffFactory(organisation=department.organisation).user


@pytest.fixture
def association_staff_elsewhere(other_department):
    return factories.AssociationStaffFactory(organisation=other_department.organisation).user


@pytest.fixture
def concern(department, reporter):
    """A concern filed in the reporter's department (made directly, not through the form)."""
    return factories.ReferralFactory(department=department, reporter=reporter)


@pytest.fixture
def administrator(db):
    from contacts.services import administrators_group_ensure

    user = factories.UserFactory(username="administrator", is_staff=True)
    user.groups.add(administrators_group_ensure())
    return user


@pytest.fixture
def no_role_user(db):
    return factories.UserFactory(username="uden-rolle")


@pytest.fixture
def accepted_reporter(reporter):
    """A reporter who has accepted the confidentiality rules and may file."""
    from contacts.services import rules_accept

    rules_accept(user=reporter)
    return reporter


@pytest.fixture
def file_referral(accepted_reporter, department):
    """File a concern through the real service, as the reporter would."""
    from referrals.services.filing import referral_file

    def file(**overrides):
        fields = {
            "reporter": accepted_reporter,
            "department": department,
            "address": "Blågårdsvej 10",
            "unit": "2. th.",
            "resident_name": "Hemmelig Beboersen",
            "categories": ["isolation", "smell"],
            "description": "Følsom beskrivelse: hun drikker og græder om natten.",
            "source": "own_observation",
        }
        fields.update(overrides)
        referral, _created = referral_file(**fields)
        return referral

    return file


@pytest.fixture(autouse=True)
def celery_in_process():
    """Run Celery tasks in the test process unless a test points at a real broker.

    In CI REDIS_URL is set, so without this after-commit sends would go to a Redis
    nobody listens on. Integration tests switch to the real broker explicitly.
    """
    from config.celery import app
    from notifications.services import broker_circuit

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = True
    broker_circuit.reset()
    yield
    app.conf.task_always_eager = saved
    broker_circuit.reset()


class Clock:
    """The middleware's time.time(), moved forward by the test."""

    def __init__(self):
        self.now = time.time()

    def advance(self, seconds):
        self.now += seconds

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    clock = Clock()
    # Only the middleware's clock moves; Django's own expiry keeps real time.
    with mock.patch("config.middleware.time", SimpleNamespace(time=clock)):
        yield clock
