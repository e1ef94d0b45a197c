"""In a real browser, a concern travels from a caretaker's phone to the advisor and back.

The contact person (kp.noerrebro, on a phone) accepts the confidentiality rules and
files a concern; the housing advisor (raad.noerrebro, on a desktop) finds it in the
queue, acknowledges it, records the resident's consent, writes to the reporter and
closes it; the reporter then sees the shared message and what they wrote themselves,
never the advisor's notes. A second concern without consent shows that a message
stays hidden until the resident consents.
Every check is on what a person sees; screenshots go to test-output/screenshots/.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP_VIEWPORT, PHONE_VIEWPORT, log_in, screenshot, watch_console

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REFERENCE = re.compile(r"BH-\d{4}-\d{5}")


def _group(page, legend: str):
    """A checkbox or radio group (a fieldset), found by its legend."""
    return page.get_by_role("group", name=legend)


def _accept_rules(page) -> None:
    main = page.locator("#main-content")
    expect(main.get_by_role("heading", name="Læs reglerne først", exact=True, level=1)).to_be_visible()
    main.get_by_role("link", name="Læs reglerne", exact=True).click()
    expect(main.get_by_role("heading", name="Regler for kontaktpersoner", exact=True, level=1)).to_be_visible()
    main.get_by_label("Jeg har læst reglerne og vil overholde dem", exact=True).check()
    main.get_by_role("button", name="Bekræft og fortsæt", exact=True).click()
    expect(main.get_by_role("status")).to_contain_text("Du har accepteret reglerne om tavshedspligt")


def _fill_concern(page, marker: str, *, dwelling_number: int) -> None:
    """Fill the concern form for a dwelling in Lindegården (the nth on the list)."""
    main = page.locator("#main-content")
    expect(main.get_by_role("heading", name="Meld en bekymring", exact=True, level=1)).to_be_visible()

    department = main.get_by_role("combobox", name="Afdeling", exact=True)
    lindegaarden = department.get_by_role("option", name=re.compile(r"^Lindegården"))
    department.select_option(label=lindegaarden.inner_text().strip())

    # Two departments: choosing one reloads the dwelling list with its homes only (htmx).
    place = _group(page, "Hvilket lejemål?")
    dwelling = place.get_by_role("combobox", name="Vælg på listen", exact=True)
    expect(dwelling.locator("optgroup")).to_have_count(0)
    options = dwelling.locator("option:not([value=''])")
    expect(options.first).to_be_attached()
    dwelling.select_option(value=options.nth(dwelling_number).get_attribute("value"))

    children = _group(page, "Bor der børn i lejemålet?")
    children.get_by_label("Ved ikke", exact=True).check()
    worries = _group(page, "Hvad er du bekymret for?")
    worries.get_by_label("Isolerer sig fra omgivelserne", exact=True).check()
    worries.get_by_label("Det lugter fra lejemålet", exact=True).check()
    main.get_by_role("textbox", name="Hvad er der sket?", exact=True).fill(
        f"Beboeren har ikke åbnet døren i to uger, og det lugter på trappen. {marker}"
    )
    _group(page, "Hvordan kom det til din viden?").get_by_label("Jeg har selv set eller hørt det", exact=True).check()


def _submit_concern(page) -> str:
    """Send the concern; return the reference shown on the receipt."""
    page.get_by_role("button", name="Send til boligrådgiverne", exact=True).click()
    receipt = page.get_by_role("status").filter(has_text="Tak – din bekymring er sendt")
    expect(receipt.get_by_role("heading", name="Tak – din bekymring er sendt", exact=True)).to_be_visible()
    expect(receipt).to_contain_text(REFERENCE)
    return REFERENCE.search(receipt.inner_text()).group(0)


def _open_in_queue(page, reference: str):
    """From anywhere: the advisor opens the queue and then the concern. Returns the queue row."""
    page.get_by_role("link", name="Henvendelser", exact=True).filter(visible=True).first.click()
    expect(page.get_by_role("heading", name="Henvendelser", exact=True, level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference, exact=True))
    expect(row).to_be_visible()
    return row


def _expect_flash(page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def _message(page, text: str) -> None:
    page.get_by_role("textbox", name="Besked til indberetteren", exact=True).fill(text)
    page.get_by_role("button", name="Send besked", exact=True).click()


def test_a_concern_goes_from_the_caretakers_phone_to_the_advisor_and_back(demo_world, new_page, live_server):
    reporter = new_page(viewport=PHONE_VIEWPORT)
    advisor = new_page(viewport=DESKTOP_VIEWPORT)
    reporter_errors = watch_console(reporter)
    advisor_errors = watch_console(advisor)
    marker = "Beskrivelse-E2E-123"

    # 1. The caretaker, on a phone, accepts the rules and files a concern.
    log_in(reporter, "kp.noerrebro")
    reporter.locator("#main-content").get_by_role("link", name="Meld en bekymring", exact=True).click()
    _accept_rules(reporter)
    _fill_concern(reporter, marker, dwelling_number=0)
    screenshot(reporter, "flow-00-reporter-form")
    reference = _submit_concern(reporter)
    expect(reporter.locator("#main-content")).to_contain_text("Boligrådgiverne for Lindegården har fået besked")
    screenshot(reporter, "flow-01-reporter-receipt")

    # 2. The advisor, on a desktop, finds it in the queue and handles it.
    log_in(advisor, "raad.noerrebro")
    row = _open_in_queue(advisor, reference)
    expect(row).to_contain_text("Lindegården")
    expect(row).to_contain_text("Isolerer sig fra omgivelserne")
    screenshot(advisor, "flow-02-advisor-queue")
    row.get_by_role("link", name=reference, exact=True).click()
    expect(advisor.get_by_role("heading", name=reference, level=1)).to_be_visible()
    expect(advisor.locator("#main-content")).to_contain_text(marker)

    advisor.get_by_role("button", name="Kvittér for modtagelsen", exact=True).click()
    _expect_flash(advisor, "Henvendelsen er kvitteret og er nu under behandling.")
    expect(advisor.get_by_role("button", name="Kvittér for modtagelsen", exact=True)).to_have_count(0)

    consent = advisor.get_by_role("region", name="Samtykke", exact=True)
    _group(consent, "Beboerens samtykke til at dele forløbet med indberetteren").get_by_label(
        "Givet", exact=True
    ).check()
    _group(consent, "Hvordan").get_by_label("Skriftligt", exact=True).check()
    consent.get_by_role("button", name="Registrér samtykke", exact=True).click()
    _expect_flash(advisor, "Samtykket er registreret.")
    expect(advisor.get_by_role("row", name=re.compile("^Samtykke til deling"))).to_contain_text("Givet")

    _message(advisor, "Beboeren har fået hjælp – E2E")
    _expect_flash(advisor, "Beskeden er sendt. Indberetteren kan se den.")

    _group(advisor, "Udfald").get_by_label("Håndteret af boligrådgiveren", exact=True).check()
    advisor.get_by_role("button", name="Afslut henvendelsen", exact=True).click()
    _expect_flash(advisor, "Henvendelsen er afsluttet")
    expect(advisor.get_by_role("button", name="Afslut henvendelsen", exact=True)).to_have_count(0)
    expect(advisor.get_by_role("row", name=re.compile("^Udfald"))).to_contain_text("Håndteret af boligrådgiveren")
    screenshot(advisor, "flow-03-advisor-closed")

    # 3. The caretaker sees it closed and reads the message and their own words.
    reporter.get_by_role("button", name="Menu", exact=True).click()
    drawer = reporter.get_by_role("dialog", name="Menu")
    drawer.get_by_role("link", name="Mine henvendelser", exact=True).click()
    expect(reporter.get_by_role("heading", name="Mine henvendelser", exact=True, level=1)).to_be_visible()
    mine = reporter.get_by_role("row").filter(has=reporter.get_by_role("link", name=reference, exact=True))
    expect(mine).to_contain_text("Afsluttet")
    mine.get_by_role("link", name=reference, exact=True).click()
    expect(reporter.get_by_role("heading", name=f"Henvendelse {reference}", exact=True, level=1)).to_be_visible()
    expect(reporter.get_by_role("row", name=re.compile("^Status"))).to_contain_text("Afsluttet")
    expect(reporter.get_by_text("Beboeren har fået hjælp – E2E", exact=True)).to_be_visible()
    reporter.get_by_text("Det skrev du", exact=True).click()
    expect(reporter.locator("#main-content")).to_contain_text(marker)
    screenshot(reporter, "flow-04-reporter-sees-message")

    # 4. A second concern: the advisor writes to the reporter but has no consent yet.
    second_marker = "Beskrivelse-E2E-456"
    reporter.get_by_role("button", name="Menu", exact=True).click()
    drawer.get_by_role("link", name="Meld en bekymring", exact=True).click()
    _fill_concern(reporter, second_marker, dwelling_number=1)  # the rules are accepted for a year
    second = _submit_concern(reporter)
    assert second != reference

    row = _open_in_queue(advisor, second)
    expect(
        advisor.get_by_role("row").filter(has=advisor.get_by_role("link", name=reference, exact=True))
    ).to_have_count(0)  # the closed one has left the default queue
    row.get_by_role("link", name=second, exact=True).click()
    expect(advisor.locator("#main-content")).to_contain_text(second_marker)
    advisor.get_by_role("button", name="Kvittér for modtagelsen", exact=True).click()
    _expect_flash(advisor, "Henvendelsen er kvitteret og er nu under behandling.")
    expect(advisor.get_by_role("row", name=re.compile("^Samtykke til deling"))).to_contain_text("Ikke givet")
    _message(advisor, "Må ikke ses – E2E")
    _expect_flash(advisor, "Beskeden er gemt. Indberetteren kan se den, når beboerens samtykke er registreret.")

    reporter.goto(f"/referrals/{second}/")
    expect(reporter.get_by_role("heading", name=f"Henvendelse {second}", exact=True, level=1)).to_be_visible()
    expect(reporter.get_by_role("row", name=re.compile("^Status"))).to_contain_text("Under behandling")
    expect(reporter.locator("#main-content")).to_contain_text("tavshedspligten")
    expect(reporter.locator("body")).not_to_contain_text("Må ikke ses – E2E")
    screenshot(reporter, "flow-05-reporter-no-consent")

    # 5. No console errors anywhere (a CSP violation would be one).
    errors = reporter_errors + advisor_errors
    assert errors == [], "console errors:\n" + "\n".join(errors)


def test_the_concern_form_explains_what_is_missing(demo_world, new_page):
    page = new_page(viewport=PHONE_VIEWPORT)
    console_errors = watch_console(page)
    log_in(page, "kp.noerrebro")
    page.goto("/referrals/new/")
    _accept_rules(page)

    description = page.get_by_role("textbox", name="Hvad er der sket?", exact=True)
    description.fill("Noget jeg skrev, før jeg trykkede send")
    page.get_by_role("button", name="Send til boligrådgiverne", exact=True).click()

    summary = page.get_by_role("alert").filter(has=page.get_by_role("heading", name="Der er problemer", exact=True))
    expect(summary).to_be_visible()
    links = summary.get_by_role("link")
    expect(links.first).to_be_visible()
    assert links.count() >= 3, "expected several problems: no department, no place, no worry, no source"
    expect(summary).to_contain_text("Vælg mindst én ting, du er bekymret for.")
    expect(summary).to_contain_text("Vælg, hvordan det kom til din viden.")
    screenshot(page, "flow-06-form-errors")

    target_id = links.first.get_attribute("href").removeprefix("#")
    links.first.click()
    expect(page.locator(f"[id='{target_id}']")).to_be_focused()
    # With two departments the first problem is the missing department choice.
    expect(page.get_by_role("combobox", name="Afdeling", exact=True)).to_be_focused()

    expect(description).to_have_value("Noget jeg skrev, før jeg trykkede send")
    assert console_errors == [], "console errors:\n" + "\n".join(console_errors)
