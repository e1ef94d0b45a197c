import pytest

from tests import factories


@pytest.fixture
def team(caseworker):
    return caseworker.advisor.team


@pytest.fixture
def colleague(team):
    """Another caseworker in the same team (sees the team's cases, not assigned)."""
    from contacts.models import Advisor

    return factories.AdvisorFactory(function=Advisor.Function.HOMELESSNESS_CASEWORKER, team=team).user


@pytest.fixture
def caseworker_elsewhere(db):
    from contacts.models import Advisor

    return factories.AdvisorFactory(function=Advisor.Function.HOMELESSNESS_CASEWORKER, team__name="Et andet team").user


@pytest.fixture
def shelter(db):
    return factories.ShelterFactory(name="Bocentret Nørrelund")


@pytest.fixture
def case(caseworker, shelter):
    from datetime import timedelta

    from django.utils import timezone

    return factories.open_case(
        by=caseworker,
        name="Aksel Dammgaard",
        cpr="010190-1234",
        shelter=shelter,
        entered_on=timezone.localdate() - timedelta(days=30),
    )
