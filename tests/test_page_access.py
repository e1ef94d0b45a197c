"""Every page × every role: who gets in (200/302 to their place) and who gets 404.

Anonymous visitors are always sent to the login page.
"""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PERSONAS = [
    "reporter",
    "contact_person_elsewhere",
    "advisor",
    "advisor_elsewhere",
    "caseworker",
    "association_staff",
    "association_staff_elsewhere",
    "administrator",
    "no_role_user",
]

# page -> {persona: expected status}; personas not listed must get 404.
PAGES = {
    "start": {
        "reporter": 200,
        "contact_person_elsewhere": 200,
        "advisor": 200,
        "advisor_elsewhere": 200,
        "caseworker": 200,
        "association_staff": 200,
        "association_staff_elsewhere": 200,
        "administrator": 302,
        "no_role_user": 403,
    },
    "referrals:new": {"reporter": 200, "contact_person_elsewhere": 200},
    "referrals:list": {"reporter": 200, "contact_person_elsewhere": 200, "advisor": 200, "advisor_elsewhere": 200},
    "referrals:rules": {"reporter": 200, "contact_person_elsewhere": 200},
    "contacts:department_list": {
        "reporter": 200,
        "contact_person_elsewhere": 200,
        "advisor": 200,
        "advisor_elsewhere": 200,
        "caseworker": 200,
        "association_staff": 200,
        "association_staff_elsewhere": 200,
        "administrator": 200,
    },
    "contacts:department_detail": {
        "reporter": 200,
        "advisor": 200,
        "caseworker": 200,
        "association_staff": 200,
        "administrator": 200,
    },
    "admin:index": {"administrator": 200},
}


def url_for(name, department):
    if name == "contacts:department_detail":
        return reverse(name, args=[department.pk])
    return reverse(name)


@pytest.mark.parametrize("name", PAGES)
def test_anonymous_is_sent_to_login(client, name, department):
    response = client.get(url_for(name, department), follow=True)
    assert response.redirect_chain, name
    assert response.redirect_chain[-1][0].startswith(reverse("login"))


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", PAGES)
def test_each_role_gets_exactly_what_it_should(client, request, name, persona, department, other_department):
    client.force_login(request.getfixturevalue(persona))
    expected = PAGES[name].get(persona, 404)
    assert client.get(url_for(name, department)).status_code == expected


def test_a_refused_page_is_the_danish_404_also_in_the_demo(client, settings, caseworker, contact_person_elsewhere):
    from tests.factories import open_case

    settings.DEBUG = True
    case = open_case(by=caseworker)
    client.force_login(contact_person_elsewhere)
    response = client.get(f"/cases/{case.reference}/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Siden findes ikke, eller du har ikke adgang til den." in body
    assert "Page not found" not in body and "Raised by" not in body and "URLconf" not in body
