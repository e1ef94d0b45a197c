"""CPR numbers at rest: encrypted, found by their hash, and kept through a key rotation."""

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import call_command
from django.db import connection

from cases.crypto import lookup_hash
from cases.models import Citizen
from tests import factories

pytestmark = pytest.mark.django_db

CPR = "0101901234"


def raw_cpr(citizen) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT cpr FROM cases_citizen WHERE id = %s", [citizen.pk])
        return cursor.fetchone()[0]


def test_the_cpr_number_is_stored_encrypted_and_found_by_its_hash(caseworker):
    case = factories.open_case(by=caseworker, cpr="010190-1234")
    assert CPR not in raw_cpr(case.citizen)
    assert Citizen.objects.get(cpr_hash=lookup_hash(CPR)) == case.citizen


def test_rotating_the_keys_keeps_every_cpr_number_readable_and_findable(settings, caseworker):
    old, new = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    case = factories.open_case(by=caseworker, cpr="010190-1234")
    hash_before = Citizen.objects.get(pk=case.citizen.pk).cpr_hash

    settings.FIELD_ENCRYPTION_KEYS = [new, old]  # the new key first: it encrypts from now on
    assert Citizen.objects.get(pk=case.citizen.pk).cpr == CPR
    assert Citizen.objects.get(cpr_hash=lookup_hash(CPR)) == case.citizen, "the look-up hash changed with the keys"

    output = io.StringIO()
    call_command("reencrypt_cpr", stdout=output)
    assert "1 CPR-numre" in output.getvalue() and CPR not in output.getvalue()
    assert Fernet(new.encode()).decrypt(raw_cpr(case.citizen).encode()).decode() == CPR
    with pytest.raises(InvalidToken):
        Fernet(old.encode()).decrypt(raw_cpr(case.citizen).encode())

    settings.FIELD_ENCRYPTION_KEYS = [new]  # the old key is gone
    citizen = Citizen.objects.get(cpr_hash=hash_before)
    assert citizen.cpr == CPR


def test_a_new_lookup_key_takes_effect_through_reencrypt_cpr(settings, caseworker):
    case = factories.open_case(by=caseworker, cpr="010190-1234")
    settings.CPR_LOOKUP_KEY = Fernet.generate_key().decode()
    assert not Citizen.objects.filter(cpr_hash=lookup_hash(CPR)).exists()
    call_command("reencrypt_cpr", stdout=io.StringIO())
    assert Citizen.objects.get(cpr_hash=lookup_hash(CPR)) == case.citizen


def upgrade_with_a_second_registration(executor, first, caseworker):
    """What a database before the constraint could hold: the same CPR number twice."""
    old = executor.loader.project_state([("cases", "0005_allocation_moved")]).apps
    OldCitizen, OldCase = old.get_model("cases", "Citizen"), old.get_model("cases", "Case")
    again = OldCitizen.objects.create(
        name="Nyt Navn", cpr_hash=lookup_hash(CPR), max_rent=5100, target_group="single_adult", phone="11 22 33 44"
    )
    OldCase.objects.create(
        reference="SAG-2026-00099",
        citizen=again,
        kind="homelessness",
        team_id=first.team_id,
        created_by_id=caseworker.pk,
        opened_on="2026-06-01",
    )


@pytest.mark.django_db(transaction=True)
def test_citizens_registered_twice_before_the_upgrade_are_merged_into_one(caseworker, django_db_serialized_rollback):
    """A citizen who came back used to get a second row with the same CPR number."""
    from django.db.migrations.executor import MigrationExecutor

    from cases.models import Case

    first = factories.open_case(by=caseworker, name="Gammelt Navn", cpr="010190-1234")
    executor = MigrationExecutor(connection)
    executor.migrate([("cases", "0005_allocation_moved")])
    try:
        upgrade_with_a_second_registration(executor, first, caseworker)
    finally:  # the schema is the test database's, shared with the tests after this one
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    [citizen] = Citizen.objects.filter(cpr_hash=lookup_hash(CPR))
    assert set(Case.objects.filter(citizen=citizen).values_list("reference", flat=True)) == {
        first.reference,
        "SAG-2026-00099",
    }
    assert (citizen.name, citizen.max_rent, citizen.cpr) == ("Nyt Navn", 5100, CPR)
