"""On a phone, the back button after filing a concern (or writing a journal note) and
sending the restored form again makes nothing twice."""

import pytest
from playwright.sync_api import expect

from cases.models import CaseNote
from notifications.models import Notification
from referrals.models import Referral
from tests.e2e.conftest import PHONE_VIEWPORT, log_in, screenshot, watch_console
from tests.e2e.test_referral_flow import REFERENCE, _accept_rules, _fill_concern, _submit_concern

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_back_and_send_again_shows_the_first_concern_and_files_no_second(demo_world, new_page):
    page = new_page(viewport=PHONE_VIEWPORT)
    errors = watch_console(page)
    log_in(page, "kp.noerrebro")
    page.locator("#main-content").get_by_role("link", name="Meld en bekymring", exact=True).click()
    _accept_rules(page)
    _fill_concern(page, "Tilbage-knappen", dwelling_number=1)
    first = _submit_concern(page)
    concerns, emails = Referral.objects.count(), Notification.objects.count()

    page.go_back()
    description = page.get_by_role("textbox", name="Hvad er der sket?", exact=True)
    expect(description).to_be_visible()
    if "Tilbage-knappen" not in description.input_value():  # the browser did not restore it: type it again
        _fill_concern(page, "Tilbage-knappen", dwelling_number=1)
    page.get_by_role("button", name="Send til boligrådgiverne", exact=True).click()

    main = page.locator("#main-content")
    expect(main).to_contain_text("Du har allerede sendt denne bekymring")
    expect(main.get_by_role("status").filter(has_text="Tak – din bekymring er sendt")).to_contain_text(first)
    assert REFERENCE.findall(main.inner_text()).count(first) >= 1
    assert Referral.objects.count() == concerns
    assert Notification.objects.count() == emails  # no second round of e-mails to the advisors
    screenshot(page, "back-button-01-same-receipt")
    assert errors == []


def test_back_and_save_again_keeps_one_journal_note(demo_world, new_page):
    page = new_page(viewport=PHONE_VIEWPORT)
    log_in(page, "hjem.sag")
    page.goto("/cases/")
    page.locator("a.reference").first.click()
    note = "Samtale om budget – tilbage-knappen"
    page.get_by_role("textbox", name="Notat", exact=True).fill(note)
    page.get_by_role("button", name="Gem notat", exact=True).click()
    expect(page.locator("#main-content")).to_contain_text("Notatet er gemt i journalen.")
    page.go_back()
    box = page.get_by_role("textbox", name="Notat", exact=True)
    if box.input_value() != note:
        box.fill(note)
    page.get_by_role("button", name="Gem notat", exact=True).click()
    expect(page.locator("#main-content")).to_contain_text(note)
    assert CaseNote.objects.filter(text=note).count() == 1
