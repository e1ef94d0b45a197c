"""Department list and who-to-call pages: each role sees only its own departments."""

import pytest
from django.urls import reverse

from tests.factories import AdvisorFactory, ContactPersonFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


def list_names(client):
    response = client.get(reverse("contacts:department_list"))
    assert response.status_code == 200
    return response.content.decode()


def test_pages_require_login(client, department):
    for url in (reverse("contacts:department_list"), reverse("contacts:department_detail", args=[department.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_contact_person_lists_only_their_own_departments(client, reporter, department, other_department):
    client.force_login(reporter)
    body = list_names(client)
    assert department.name in body
    assert other_department.name not in body


def test_advisor_lists_departments_of_covered_districts(client, advisor, department, other_department):
    client.force_login(advisor)
    body = list_names(client)
    assert department.name in body
    assert other_department.name not in body


def test_association_staff_list_their_organisations_departments(
    client, association_staff, department, other_department
):
    client.force_login(association_staff)
    body = list_names(client)
    assert department.name in body
    assert other_department.name not in body


def test_caseworker_lists_all_departments(client, caseworker, department, other_department):
    client.force_login(caseworker)
    body = list_names(client)
    assert department.name in body and other_department.name in body


def test_search_and_district_filter(client, caseworker, department, other_department):
    client.force_login(caseworker)
    response = client.get(reverse("contacts:department_list"), {"district": other_department.district.pk})
    body = response.content.decode()
    assert other_department.name in body and department.name not in body
    response = client.get(reverse("contacts:department_list"), {"q": "Lindeh"})
    body = response.content.decode()
    assert department.name in body and other_department.name not in body


def test_who_to_call_shows_contact_persons_advisors_and_emergency_numbers(client, reporter, advisor, department):
    colleague = ContactPersonFactory(departments=[department], phone="40 40 40 40")
    client.force_login(reporter)
    response = client.get(reverse("contacts:department_detail", args=[department.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert colleague.user.get_full_name() in body
    assert "40 40 40 40" in body
    assert advisor.get_full_name() in body
    for number in ("112", "114", "33 17 33 33"):
        assert number in body


def test_who_to_call_hides_inactive_contact_persons_and_advisors(client, reporter, department, district):
    gone = ContactPersonFactory(departments=[department], active=False)
    retired = AdvisorFactory(districts=[district], active=False)
    client.force_login(reporter)
    body = client.get(reverse("contacts:department_detail", args=[department.pk])).content.decode()
    assert gone.user.get_full_name() not in body
    assert retired.user.get_full_name() not in body


@pytest.mark.parametrize(
    "persona",
    ["contact_person_elsewhere", "advisor_elsewhere", "association_staff_elsewhere", "no_role_user"],
)
def test_outsiders_get_404_on_who_to_call(client, request, persona, department):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("contacts:department_detail", args=[department.pk])).status_code == 404


def test_unknown_department_is_404(client, caseworker):
    client.force_login(caseworker)
    assert client.get(reverse("contacts:department_detail", args=[999999])).status_code == 404


def test_user_without_role_gets_404_on_list(client, no_role_user):
    client.force_login(no_role_user)
    assert client.get(reverse("contacts:department_list")).status_code == 404


def test_department_list_uses_a_constant_number_of_queries(client, caseworker, district, django_assert_max_num_queries):
    DepartmentFactory.create_batch(3, district=district)
    client.force_login(caseworker)
    client.get(reverse("contacts:department_list"))  # warm the session
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("contacts:department_list"))
    DepartmentFactory.create_batch(22, district=district)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("contacts:department_list"))
    assert response.context["page"].paginator.count == 25


def test_who_to_call_uses_a_constant_number_of_queries(
    client, reporter, department, district, django_assert_max_num_queries
):
    client.force_login(reporter)
    url = reverse("contacts:department_detail", args=[department.pk])
    client.get(url)
    with django_assert_max_num_queries(10) as few:
        client.get(url)
    ContactPersonFactory.create_batch(5, departments=[department])
    AdvisorFactory.create_batch(5, districts=[district])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
