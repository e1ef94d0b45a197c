"""The admin is for administrators only, in Danish, and shows master data only."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "admin:index",
    "admin:housing_department_changelist",
    "admin:housing_dwelling_changelist",
    "admin:housing_housingorganisation_changelist",
    "admin:housing_district_changelist",
    "admin:contacts_contactperson_changelist",
    "admin:contacts_advisor_changelist",
    "admin:contacts_associationstaff_changelist",
    "admin:housing_department_import",
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_administrator_reaches_every_master_data_page(client, administrator, department, name):
    client.force_login(administrator)
    response = client.get(reverse(name))
    assert response.status_code == 200


def test_admin_is_in_danish(client, administrator):
    client.force_login(administrator)
    body = client.get(reverse("admin:index")).content.decode()
    assert "Bindeled – administration" in body
    assert "Boligafdelinger" in body
    assert "Log ud" in body


def test_anonymous_visitor_is_sent_to_the_one_login_page(client):
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("login"))
    assert "Log ind" in response.content.decode()


@pytest.mark.parametrize("persona", ["reporter", "advisor", "caseworker", "association_staff", "no_role_user"])
@pytest.mark.parametrize("name", ["admin:index", "admin:housing_department_changelist", "admin:login"])
def test_other_roles_never_reach_the_admin(client, request, persona, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name)).status_code == 404


def test_administrator_sees_no_case_content_apps(client, administrator):
    client.force_login(administrator)
    body = client.get(reverse("admin:index")).content.decode()
    assert "/admin/referrals/" not in body
    assert "/admin/cases/case/" not in body and "/admin/cases/citizen/" not in body
    # The homelessness plan's managed lists are master data, and they are there.
    assert "/admin/cases/shelter/" in body and "/admin/cases/supportkind/" in body


def test_department_admin_refuses_allocation_stop_without_reason(client, administrator, department):
    client.force_login(administrator)
    url = reverse("admin:housing_department_change", args=[department.pk])
    data = {
        "organisation": department.organisation.pk,
        "number": department.number,
        "name": department.name,
        "district": department.district.pk,
        "address": department.address,
        "postal_code": department.postal_code,
        "number_of_homes": 120,
        "allocation_stop": "on",
        "allocation_stop_reason": "",
        "dwellings-TOTAL_FORMS": 0,
        "dwellings-INITIAL_FORMS": 0,
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Skriv en begrundelse for anvisningsstoppet." in response.content.decode()
    department.refresh_from_db()
    assert not department.allocation_stop


def test_organisation_admin_refuses_an_invalid_cvr(client, administrator):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:housing_housingorganisation_add"),
        {"name": "Boligselskabet Prøve", "short_name": "BSP", "cvr": "12345678"},
    )
    assert response.status_code == 200
    assert "CVR-nummeret er ikke gyldigt" in response.content.decode()


def test_master_data_changes_are_audit_logged(client, administrator, department):
    from auditlog.models import LogEntry

    client.force_login(administrator)
    client.post(
        reverse("admin:housing_housingorganisation_add"),
        {"name": "Boligselskabet Prøve", "short_name": "BSP", "cvr": "12345674"},
    )
    from housing.models import HousingOrganisation

    entries = LogEntry.objects.get_for_model(HousingOrganisation).filter(
        action=LogEntry.Action.CREATE, object_repr__contains="Prøve"
    )
    assert [entry.actor for entry in entries] == [administrator]


def test_administrator_cannot_make_anyone_superuser(client, administrator, reporter):
    client.force_login(administrator)
    url = reverse("admin:auth_user_change", args=[reporter.pk])
    page = client.get(url)
    assert page.status_code == 200
    client.post(
        url,
        {
            "username": reporter.username,
            "first_name": reporter.first_name,
            "last_name": reporter.last_name,
            "email": reporter.email,
            "is_active": "on",
            "is_staff": "on",
            "is_superuser": "on",
        },
    )
    reporter.refresh_from_db()
    assert not reporter.is_superuser
    assert not reporter.is_staff


def test_administrator_cannot_edit_or_see_superusers(client, administrator):
    from tests.factories import UserFactory

    root = UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(administrator)
    assert client.get(reverse("admin:auth_user_change", args=[root.pk])).status_code in (302, 404)
    assert "root" not in client.get(reverse("admin:auth_user_changelist")).content.decode()


# --- No concern reference in the admin (security review F6) ---------------------------


@pytest.mark.parametrize(
    "name",
    ["housing_department", "housing_dwelling", "housing_housingorganisation", "housing_district", "contacts_team"],
)
def test_administrator_cannot_delete_what_concerns_and_cases_point_at(client, administrator, concern, name):
    from housing.models import Dwelling
    from tests.factories import DwellingFactory

    dwelling = DwellingFactory(department=concern.department)
    concern.dwelling = dwelling
    concern.save(update_fields=["dwelling"])
    objects = {
        "housing_department": concern.department,
        "housing_dwelling": Dwelling.objects.get(pk=dwelling.pk),
        "housing_housingorganisation": concern.department.organisation,
        "housing_district": concern.department.district,
        "contacts_team": None,
    }
    target = objects[name]
    if target is None:
        from tests.factories import TeamFactory

        target = TeamFactory()
    client.force_login(administrator)
    response = client.get(reverse(f"admin:{name}_delete", args=[target.pk]))
    assert response.status_code in (403, 404)
    assert concern.reference not in response.content.decode()
    assert client.post(reverse(f"admin:{name}_delete", args=[target.pk]), {"post": "yes"}).status_code in (403, 404)


def test_administrator_never_sees_a_concern_reference_anywhere_in_the_admin(
    client, administrator, concern, advisor, reporter
):
    from django.contrib import admin as django_admin
    from django.urls import NoReverseMatch

    from referrals.services import handling
    from tests.factories import DwellingFactory

    concern.dwelling = DwellingFactory(department=concern.department)
    concern.save(update_fields=["dwelling"])
    handling.referral_assign(referral=concern, by=advisor, assignee=advisor)
    client.force_login(administrator)
    pages = [reverse("admin:index")]
    for model in django_admin.site._registry:
        prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        pages += [reverse(f"{prefix}_changelist"), reverse(f"{prefix}_add")]
        for pk in model._default_manager.values_list("pk", flat=True)[:20]:
            for view in ("change", "delete", "history"):
                try:
                    pages.append(reverse(f"{prefix}_{view}", args=[pk]))
                except NoReverseMatch:
                    pass
    reached = 0
    for page in pages:
        response = client.get(page)
        body = response.content.decode()
        assert "BH-" not in body and concern.reference not in body, page
        reached += response.status_code == 200
    assert reached > 20  # the walk did reach the administrator's pages
