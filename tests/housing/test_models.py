import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from housing.validators import cvr_is_valid, validate_cvr
from tests.factories import DepartmentFactory, HousingOrganisationFactory


@pytest.mark.parametrize("cvr", ["12345674", "21436585", "31457610"])
def test_valid_cvr_numbers_pass_the_modulus_11_check(cvr):
    assert cvr_is_valid(cvr)
    validate_cvr(cvr)


@pytest.mark.parametrize(
    "cvr",
    [
        "12345678",  # wrong check digit
        "12345675",  # off by one
        "1234567",  # too short
        "123456740",  # too long
        "1234567a",  # not digits
        "02345674",  # cannot start with 0
        "",
    ],
)
def test_invalid_cvr_numbers_are_refused_in_danish(cvr):
    assert not cvr_is_valid(cvr)
    with pytest.raises(ValidationError) as excinfo:
        validate_cvr(cvr)
    assert "CVR-nummeret er ikke gyldigt" in excinfo.value.messages[0]


@pytest.mark.django_db
def test_organisation_with_bad_cvr_fails_full_clean():
    organisation = HousingOrganisationFactory.build(cvr="12345678")
    with pytest.raises(ValidationError) as excinfo:
        organisation.full_clean()
    assert "cvr" in excinfo.value.message_dict


@pytest.mark.django_db
def test_department_number_is_unique_within_its_organisation():
    first = DepartmentFactory(number="42")
    duplicate = DepartmentFactory.build(organisation=first.organisation, district=first.district, number="42")
    with pytest.raises(ValidationError) as excinfo:
        duplicate.full_clean()
    assert "allerede en afdeling med dette nummer" in str(excinfo.value)
    # The database refuses it too, whoever bypasses the form.
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


@pytest.mark.django_db
def test_same_department_number_is_allowed_in_another_organisation():
    first = DepartmentFactory(number="42")
    other = DepartmentFactory.build(district=first.district, number="42")
    other.organisation.save()
    other.organisation_id = other.organisation.pk
    other.full_clean()
    other.save()
    assert other.pk


@pytest.mark.django_db
def test_allocation_stop_requires_a_reason():
    department = DepartmentFactory.build(allocation_stop=True, allocation_stop_reason="   ")
    department.organisation.save()
    department.district.save()
    department.organisation_id, department.district_id = department.organisation.pk, department.district.pk
    with pytest.raises(ValidationError) as excinfo:
        department.full_clean()
    assert excinfo.value.message_dict["allocation_stop_reason"] == ["Skriv en begrundelse for anvisningsstoppet."]


@pytest.mark.django_db
def test_database_refuses_allocation_stop_without_reason():
    department = DepartmentFactory()
    department.allocation_stop = True
    department.allocation_stop_reason = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        department.save()


@pytest.mark.django_db
def test_allocation_stop_with_reason_is_saved():
    department = DepartmentFactory(allocation_stop=True, allocation_stop_reason="Beboersammensætning")
    department.full_clean()
    department.refresh_from_db()
    assert department.allocation_stop
