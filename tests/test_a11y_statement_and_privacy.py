"""The footer's accessibility statement and privacy notice: Bindeled's own pages, in
Danish, at stable addresses, open without login."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ACCESSIBILITY = "/tilgaengelighed/"
PRIVACY = "/privatliv/"


def test_the_pages_have_stable_addresses():
    assert reverse("accessibility") == ACCESSIBILITY
    assert reverse("privacy") == PRIVACY


@pytest.mark.parametrize("path", [ACCESSIBILITY, PRIVACY])
def test_the_pages_open_without_login(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="da">' in response.content.decode()


@pytest.mark.parametrize("persona", ["reporter", "advisor", "caseworker", "association_staff", "administrator"])
@pytest.mark.parametrize("path", [ACCESSIBILITY, PRIVACY])
def test_every_role_can_read_them(client, request, persona, path):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("persona", [None, "reporter", "caseworker"])
def test_every_page_footer_links_both(client, request, persona):
    if persona:
        client.force_login(request.getfixturevalue(persona))
        path = reverse("start")
    else:
        path = reverse("login")
    body = client.get(path).content.decode()
    footer = body[body.index("<footer") :]
    assert f'href="{ACCESSIBILITY}">Tilgængelighedserklæring</a>' in footer
    assert f'href="{PRIVACY}">Sådan behandler vi dine oplysninger</a>' in footer


def test_the_accessibility_statement_says_what_it_covers_how_it_was_tested_and_where_to_complain(client, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "tilgaengelighed@kommune.example"
    settings.ACCESSIBILITY_CONTACT_PHONE = "33 66 33 66"
    body = client.get(ACCESSIBILITY).content.decode()
    assert "Tilgængelighedserklæring for Bindeled" in body
    assert "WCAG 2.1 på niveau AA" in body  # the scope and the standard
    assert "axe-core" in body and "tastaturet" in body  # how it was tested
    assert "Kendte problemer" in body
    assert "30 minutter uden aktivitet" in body  # the idle timeout, from the setting
    assert 'href="mailto:tilgaengelighed@kommune.example"' in body  # how to report a problem
    assert 'href="tel:33663366"' in body
    assert "Digitaliseringsstyrelsen" in body and 'href="https://digst.dk/' in body  # the complaints body


def test_the_municipality_statement_is_linked_only_when_set(client, settings):
    settings.ACCESSIBILITY_STATEMENT_URL = ""
    assert "Kommunens tilgængelighedserklæring" not in client.get(ACCESSIBILITY).content.decode()
    settings.ACCESSIBILITY_STATEMENT_URL = "https://www.was.digst.dk/bindeled-kommune-dk"
    body = client.get(ACCESSIBILITY).content.decode()
    assert 'href="https://www.was.digst.dk/bindeled-kommune-dk">Kommunens tilgængelighedserklæring</a>' in body


def test_the_privacy_notice_covers_what_why_how_long_who_and_rights(client, settings):
    settings.DATA_CONTROLLER_NAME = "Testrup Kommune, Socialforvaltningen"
    settings.DATA_PROTECTION_OFFICER_EMAIL = "dpo@testrup.example"
    settings.DATA_PROTECTION_OFFICER_PHONE = "70 70 70 70"
    body = client.get(PRIVACY).content.decode()
    assert "Sådan behandler vi dine oplysninger" in body
    for who in ("Om beboere", "Om borgere", "Om kontaktpersoner", "Om medarbejdere"):
        assert who in body  # what is stored, about whom
    assert "Hvorfor gemmer vi oplysningerne?" in body
    assert "gemmes i 5 år" in body  # closed concerns and cases, as social case files
    assert "Hvem kan se hvad?" in body
    assert "indsigt" in body and "rettet" in body  # access and correction
    assert "Datatilsynet" in body
    assert "Testrup Kommune, Socialforvaltningen" in body
    assert 'href="mailto:dpo@testrup.example"' in body and 'href="tel:70707070"' in body


@pytest.mark.parametrize("path", [ACCESSIBILITY, PRIVACY])
def test_the_pages_keep_the_strict_content_security_policy(client, path):
    response = client.get(path)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "style=" not in response.content.decode()
