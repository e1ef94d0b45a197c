"""After login each role lands on its own start page; nobody sees another's."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_start_requires_login(client):
    response = client.get(reverse("start"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_contact_person_sees_their_departments_and_the_call_to_action(client, reporter, department, other_department):
    client.force_login(reporter)
    response = client.get(reverse("start"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Meld en bekymring" in body
    assert reverse("referrals:new") in body
    assert department.name in body
    assert other_department.name not in body
    assert "112" in body  # emergency numbers first


def test_advisor_sees_the_districts_they_cover(client, advisor, district, other_district):
    client.force_login(advisor)
    response = client.get(reverse("start"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Dine byområder" in body
    assert district.name in body
    assert other_district.name not in body
    assert "Meld en bekymring" not in body


def test_caseworker_lands_on_the_homelessness_start_page(client, caseworker):
    client.force_login(caseworker)
    response = client.get(reverse("start"))
    assert response.status_code == 200
    assert "Hjemløseenheden" in response.content.decode()


def test_association_staff_see_their_organisation(client, association_staff, department):
    client.force_login(association_staff)
    response = client.get(reverse("start"))
    assert response.status_code == 200
    assert department.organisation.name in response.content.decode()


def test_administrator_lands_in_the_admin(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("start"))
    assert response.status_code == 302
    assert response.url == reverse("admin:index")


def test_user_without_a_role_is_told_to_ask_for_access(client, no_role_user):
    client.force_login(no_role_user)
    response = client.get(reverse("start"))
    assert response.status_code == 403
    assert "ingen adgang endnu" in response.content.decode()


def test_inactive_contact_person_has_no_role(client, reporter):
    reporter.contact_person.active = False
    reporter.contact_person.save(update_fields=["active"])
    client.force_login(reporter)
    assert client.get(reverse("start")).status_code == 403


def _current_menu_item(body: str) -> list[str]:
    """The labels of the main-menu items marked as the current page."""
    import re

    menu = body[body.index('<ul class="mainmenu">') : body.index("</ul>", body.index('<ul class="mainmenu">'))]
    return re.findall(r'aria-current="page"><span>([^<]+)</span>', menu)


@pytest.mark.parametrize(
    "url_name, expected",
    [
        ("start", "Forside"),
        ("cases:list", "Sager"),
        ("cases:cohorts", "Forsøg"),
        ("allocation:offer_list", "Ledige boliger"),
        ("contacts:department_list", "Afdelinger"),
    ],
)
def test_the_menu_marks_exactly_the_section_the_caseworker_is_in(client, caseworker, url_name, expected):
    client.force_login(caseworker)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert _current_menu_item(response.content.decode()) == [expected]


def test_an_offer_page_marks_vacancies_not_departments(client, association_staff, department):
    from tests import factories

    offer = factories.VacancyOfferFactory(dwelling__department=department)
    client.force_login(association_staff)
    response = client.get(reverse("allocation:offer_detail", args=[offer.pk]))
    assert response.status_code == 200
    assert _current_menu_item(response.content.decode()) == ["Ledige boliger"]
