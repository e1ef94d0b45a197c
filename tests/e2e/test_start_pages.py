"""In a real browser, each demo login lands on its own start page.

Every user signs in through the real login form, and the checks are on what a
person sees on the page. A full-page screenshot of each start page is saved
under test-output/screenshots/ for someone to look at.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE_VIEWPORT, log_in, screenshot, watch_console

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("username", "first_name", "departments_heading"),
    [
        ("kp.noerrebro", "Kirsten", "Dine afdelinger"),  # appointed in two departments
        ("kp.amager", "Karim", "Din afdeling"),  # appointed in one
    ],
)
def test_contact_person_lands_on_their_start_page(demo_world, page, username, first_name, departments_heading):
    console_errors = watch_console(page)

    log_in(page, username)

    main = page.locator("#main-content")
    expect(main.get_by_role("heading", name=f"Hej {first_name}", exact=True, level=1)).to_be_visible()
    expect(main.get_by_role("link", name="Meld en bekymring", exact=True)).to_be_visible()
    expect(main.get_by_role("heading", name=departments_heading, exact=True)).to_be_visible()
    # In an acute situation: call 112 first (the warning box near the top).
    expect(main.get_by_role("link", name="112", exact=True)).to_be_visible()
    screenshot(page, username)

    assert page.locator("html").get_attribute("lang") == "da"
    assert console_errors == [], "console errors on the login or start page:\n" + "\n".join(console_errors)


@pytest.mark.parametrize(
    ("username", "covered", "not_covered"),
    [
        ("raad.noerrebro", "Nørrebro", "Amager Øst"),
        ("raad.amager", "Amager Øst", "Nørrebro"),
    ],
)
def test_advisor_lands_on_the_districts_they_cover(demo_world, page, username, covered, not_covered):
    log_in(page, username)

    main = page.locator("#main-content")
    expect(main.get_by_role("heading", name="Dine byområder", exact=True)).to_be_visible()
    expect(main.get_by_role("heading", name=covered, exact=True)).to_be_visible()
    expect(main).not_to_contain_text(not_covered)
    screenshot(page, username)


def test_caseworker_lands_on_the_homelessness_start_page(demo_world, page):
    log_in(page, "hjem.sag")

    main = page.locator("#main-content")
    expect(main.get_by_role("heading", name="Hej Hilda", exact=True, level=1)).to_be_visible()
    expect(main).to_contain_text("Hjemløseenheden")
    screenshot(page, "hjem.sag")


def test_association_staff_lands_on_their_organisation(demo_world, page):
    log_in(page, "bl.org")

    main = page.locator("#main-content")
    expect(main.get_by_role("heading", name="Hej Bo", exact=True, level=1)).to_be_visible()
    expect(main).to_contain_text("Boligselskabet Solsikken")
    screenshot(page, "bl.org")


def test_administrator_lands_in_the_django_admin(demo_world, page, live_server):
    log_in(page, "admin")

    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.get_by_role("link", name="Bindeled – administration", exact=True)).to_be_visible()
    screenshot(page, "admin")


def test_on_a_phone_the_menu_drawer_opens_and_logs_out(demo_world, new_page, live_server):
    page = new_page(viewport=PHONE_VIEWPORT)
    log_in(page, "kp.noerrebro")
    expect(page.get_by_role("heading", name="Hej Kirsten", exact=True, level=1)).to_be_visible()
    screenshot(page, "kp.noerrebro-phone")

    drawer = page.locator(".mobile-drawer")
    expect(drawer).to_be_hidden()
    page.get_by_role("button", name="Menu", exact=True).click()
    expect(drawer).to_be_visible()
    expect(drawer.get_by_role("link", name="Meld en bekymring", exact=True)).to_be_visible()
    screenshot(page, "kp.noerrebro-phone-menu", full_page=False)  # a full-page shot would close the drawer

    drawer.get_by_role("button", name="Log af", exact=True).click()

    expect(page).to_have_url(re.compile(re.escape(f"{live_server.url}/accounts/login/") + r"(\?.*)?$"))
    expect(page.get_by_role("heading", name="Log ind", exact=True, level=1)).to_be_visible()
    # Really signed out: the start page sends us back to the login form.
    page.goto("/")
    expect(page).to_have_url(re.compile(re.escape(f"{live_server.url}/accounts/login/")))
