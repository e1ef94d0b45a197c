"""factory_boy factories: realistic but invented data for every test."""

import uuid
from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from contacts.models import Advisor, Appointment, AssociationStaff, ContactPerson, Team
from housing.models import Department, District, Dwelling, HousingOrganisation
from housing.validators import cvr_is_valid
from referrals.models import Referral, ReferralCategory, category_mask
from referrals.services.filing import place_key


def valid_cvr(n: int) -> str:
    """The n-th valid CVR number after 10000000 (modulus-11 check digit)."""
    base = 1000000 + n * 13
    while True:
        stem = str(base)
        for digit in range(10):
            candidate = f"{stem}{digit}"
            if cvr_is_valid(candidate):
                return candidate
        base += 1


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"bruger{n}")
    first_name = factory.Faker("first_name", locale="da_DK")
    last_name = factory.Faker("last_name", locale="da_DK")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.dk")
    password = factory.django.Password("korrekt-hest-batteri-42")


class HousingOrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HousingOrganisation

    name = factory.Sequence(lambda n: f"Boligselskabet Nummer {n}")
    short_name = factory.Sequence(lambda n: f"BS{n}")
    cvr = factory.Sequence(valid_cvr)


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Bydel {n}")
    is_disadvantaged = False


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    organisation = factory.SubFactory(HousingOrganisationFactory)
    number = factory.Sequence(lambda n: str(100 + n))
    name = factory.Sequence(lambda n: f"Afdeling Lindehaven {n}")
    district = factory.SubFactory(DistrictFactory)
    address = factory.Sequence(lambda n: f"Testvej {n}")
    postal_code = "2200"
    number_of_homes = 120


class DwellingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Dwelling

    department = factory.SubFactory(DepartmentFactory)
    address = factory.Sequence(lambda n: f"Testvej {n}")
    unit = "2. th."
    kind = Dwelling.Kind.FAMILY
    rooms = 3
    area_m2 = 78
    monthly_rent = Decimal("6450.00")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Team {n}")


class AdvisorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Advisor
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    function = Advisor.Function.HOUSING_ADVISOR
    phone = "33 66 00 00"

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.set(extracted)


class ContactPersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContactPerson
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    phone = "20 12 34 56"

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        for department in extracted or []:
            Appointment.objects.create(
                contact_person=self, department=department, capacity=Appointment.Capacity.LEAD_CARETAKER
            )


class AssociationStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssociationStaff

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(HousingOrganisationFactory)


class ReferralFactory(factory.django.DjangoModelFactory):
    """A concern inserted directly (bypassing the filing service), for reading tests."""

    class Meta:
        model = Referral
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"BH-2026-{90000 + n:05d}")
    reporter = factory.SubFactory(UserFactory)
    department = factory.SubFactory(DepartmentFactory)
    address = factory.Sequence(lambda n: f"Bekymringsvej {n}")
    unit = "1. tv."
    place_key = factory.LazyAttribute(lambda r: place_key(r.address, r.unit))
    resident_name = "Hemmelig Beboersen"
    description = "Følsom beskrivelse, der aldrig må stå i en e-mail."
    source = Referral.Source.OWN_OBSERVATION
    created_at = factory.LazyFunction(timezone.now)
    acknowledge_due_at = factory.LazyAttribute(lambda r: r.created_at + timedelta(days=1))

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create:
            codes = extracted or ["isolation"]
            for code in codes:
                ReferralCategory.objects.create(referral=self, code=code)
            # As the filing service does.
            self.category_mask = category_mask(codes)
            Referral.objects.filter(pk=self.pk).update(category_mask=self.category_mask)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.Group"

    name = factory.Sequence(lambda n: f"Gruppe {n}")


class ShelterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cases.Shelter"
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Herberget {n}")


def open_case(*, by, name="Ole Testborger", max_rent=5000, target_group="single_adult", **kwargs):
    """A homelessness case opened through the real service, assigned to `by`."""
    from cases.services.citizens import citizen_case_open

    return citizen_case_open(by=by, name=name, max_rent=max_rent, target_group=target_group, **kwargs)


class VacancyOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "housing.VacancyOffer"

    dwelling = factory.SubFactory(DwellingFactory)
    monthly_rent = Decimal("5000")
    available_from = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=30))
    answer_by = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
    offered_by = factory.SubFactory(UserFactory)


def referral_form_data(department, **overrides):
    """What a contact person posts on the concern form, for the pages' tests."""
    data = {
        "department": str(department.pk),
        "dwelling": "",
        "address": "Blågårdsvej 10",
        "unit": "2. th.",
        "resident_name": "Hemmelig Beboersen",
        "categories": ["isolation", "child_neglect"],
        "children_present": "yes",
        "description": "Følsom beskrivelse: børnene er alene hjemme om natten.",
        "observed_on": "2026-11-20",
        "source": "resident_told",
        "submission_token": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data
