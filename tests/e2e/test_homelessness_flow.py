"""In a real browser, a homeless citizen goes from a shelter to a home of their own.

The homelessness caseworker (hjem.sag) registers a citizen staying at a shelter, adds
an action plan and CTI housing support, and is told that the stay cannot yet end as a
move to an own home. The housing association (bl.org) offers a vacant family home;
the caseworker proposes it to the citizen, who says yes. The association sees the
outcome but never who the citizen is; the district's housing advisor sees the coming
move-in (the address, not the name). The citizen moves in and the shelter stay ends.
A second test shows that a contact person and association staff cannot open a case.
Every check is on what a person sees; screenshots go to test-output/screenshots/.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP_VIEWPORT, log_in, screenshot, watch_console

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CASE_REFERENCE = re.compile(r"SAG-\d{4}-\d+")
CITIZEN = "Testa Flowsen E2E"
SHELTER = "Bocentret Nørrelund"
GOALS = "Egen bolig inden for tre måneder; budget og huslejebetaling på plads. E2E-plan"
PROVIDER = "Hjemløseenhedens CTI-team E2E"
# The demo advisors and the districts they cover (seed_demo); Nørrebro is preferred.
ADVISOR_FOR_DISTRICT = {
    "Nørrebro": "raad.noerrebro",
    "Bispebjerg": "raad.noerrebro",
    "Amager Øst": "raad.amager",
    "Amager Vest": "raad.amager",
}
# "<department>: <address>, <unit> (familiebolig, 3 vær.)" in the offer form's dwelling list.
DWELLING_OPTION = re.compile(r"^(?P<dwelling>.+) \((?P<kind>[^,()]+), (?P<rooms>\d+) vær\.\)$")


def _day(days_from_today: int = 0) -> str:
    """A date as a date input takes it: YYYY-MM-DD."""
    return (timezone.localdate() + timedelta(days=days_from_today)).isoformat()


def _main(page):
    return page.locator("#main-content")


def _menu(page, name: str) -> None:
    page.get_by_role("link", name=name, exact=True).filter(visible=True).first.click()


def _expect_flash(page, text: str) -> None:
    expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()


def _error_summary(page, about: str):
    """The error summary of one of the case page's forms ("Der er problemer med udskrivningen")."""
    heading = page.get_by_role("heading", name=f"Der er problemer med {about}", exact=True)
    return page.get_by_role("alert").filter(has=heading)


def _open_details(scope, summary: str) -> None:
    """Many of the case page's forms sit in a <details>: open it by its <summary>."""
    toggle = scope.locator("summary", has_text=summary)
    toggle.click()
    expect(toggle.locator("xpath=..")).to_have_attribute("open", "")


def _without_expected_status(errors: list[str], path: str, status: int) -> list[str]:
    """Chromium logs a document answered with an error status as a console error; drop
    the one the test provoked on purpose (a rejected form is answered with 400, a page
    the user may not see with 404), keep everything else."""
    expected = f"Failed to load resource: the server responded with a status of {status}"
    rest = [error for error in errors if not (path in error and expected in error)]
    assert len(errors) - len(rest) <= 1, errors
    return rest


def _offer_row(page, dwelling: str):
    return page.get_by_role("row").filter(has=page.get_by_role("link", name=dwelling, exact=True))


# --- The caseworker ----------------------------------------------------------------------


def _register_citizen(page) -> str:
    """Register the citizen at the shelter; return the case reference from the case page."""
    _menu(page, "Sager")
    main = _main(page)
    main.get_by_role("link", name="Registrér borger", exact=True).click()
    expect(main.get_by_role("heading", name="Registrér borger", exact=True, level=1)).to_be_visible()
    main.get_by_role("textbox", name="Navn", exact=True).fill(CITIZEN)
    main.get_by_role("group", name="Målgruppe", exact=True).get_by_label("Enlig voksen", exact=True).check()
    main.get_by_label("Betalingsevne (kr. pr. måned)").fill("6000")
    main.get_by_role("combobox", name=re.compile(r"^Bor på herberg")).select_option(label=SHELTER)
    main.get_by_label(re.compile(r"^Indskrevet på herberget")).fill(_day(-20))
    main.get_by_role("button", name="Opret sag", exact=True).click()

    _expect_flash(page, "Sagen er oprettet.")
    heading = main.get_by_role("heading", level=1)
    expect(heading).to_contain_text(CITIZEN)
    expect(heading).to_contain_text(CASE_REFERENCE)
    reference = CASE_REFERENCE.search(heading.inner_text()).group(0)
    assert page.url.rstrip("/").endswith(f"/cases/{reference}")
    expect(main).to_contain_text(f"{SHELTER}: dag 20 af 90")
    return reference


def _add_plan_and_support(page) -> None:
    plan = page.get_by_role("region", name="Handleplan", exact=True)
    expect(plan).to_contain_text("Ingen handleplan endnu.")
    _open_details(plan, "Ny handleplan")
    plan.get_by_label("Dato", exact=True).fill(_day(-2))
    plan.get_by_label("Mål", exact=True).fill(GOALS)
    plan.get_by_label("Næste opfølgning", exact=True).fill(_day(28))
    plan.get_by_role("button", name="Gem handleplan", exact=True).click()
    _expect_flash(page, "Handleplanen er gemt.")
    expect(page.get_by_role("region", name="Handleplan", exact=True)).to_contain_text(GOALS)

    support = page.get_by_role("region", name="Bostøtte", exact=True)
    expect(support).to_contain_text("Ingen bostøtte endnu.")
    _open_details(support, "Registrér bostøtte")
    kind = support.get_by_role("combobox", name="Bostøtte", exact=True)
    cti = kind.locator("option").filter(has_text=re.compile(r"^\s*CTI\b"))
    expect(cti).to_have_count(1)
    kind.select_option(label=cti.inner_text().strip())
    support.get_by_label("Visiteret den", exact=True).fill(_day(-1))
    support.get_by_label(re.compile(r"^Slutter")).fill(_day(270))
    support.get_by_label("Udfører", exact=True).fill(PROVIDER)
    support.get_by_role("button", name="Gem bostøtte", exact=True).click()
    _expect_flash(page, "Bostøtten er registreret.")
    support = page.get_by_role("region", name="Bostøtte", exact=True)
    expect(support).to_contain_text("CTI")
    expect(support).to_contain_text(PROVIDER)


def _end_stay(page, exit_label: str) -> None:
    """The discharge form is folded away while something is missing: open it if needed."""
    form = _main(page).locator("details#afslut-ophold")
    if form.get_attribute("open") is None:
        form.locator("summary").click()
    expect(form).to_have_attribute("open", "")
    page.get_by_label("Udskrevet", exact=True).fill(_day())
    page.get_by_role("group", name="Udskrevet til", exact=True).get_by_label(exit_label, exact=True).check()
    page.get_by_role("button", name="Afslut opholdet", exact=True).click()


def _placement_card(page, dwelling: str):
    return _main(page).locator(".card").filter(has=page.get_by_role("heading", name=dwelling, exact=True))


# --- The housing association -------------------------------------------------------------


def _departments_and_districts(page) -> dict[str, str]:
    """The association's departments (those without allocation stop) and their districts."""
    _menu(page, "Afdelinger")
    expect(page.get_by_role("heading", name="Boligafdelinger", exact=True, level=1)).to_be_visible()
    districts = {}
    rows = _main(page).locator("tbody tr")
    expect(rows.first).to_be_visible()
    for row in rows.all():
        cells = row.locator("td")
        if cells.nth(0).get_by_text("Anvisningsstop", exact=True).count():
            continue
        districts[cells.nth(0).get_by_role("link").inner_text().strip()] = cells.nth(2).inner_text().strip()
    return districts


def _choose_dwelling(options: list[tuple[str, str]], districts: dict[str, str], already_offered: set[str]):
    """A family home nobody has offered yet, in a Nørrebro department if there is one.
    options: (department, option text), the select groups dwellings by department."""
    for wanted in ADVISOR_FOR_DISTRICT:  # Nørrebro first
        for department, text in options:
            match = DWELLING_OPTION.match(text.strip())
            if (
                match
                and match["kind"] == "familiebolig"
                and match["dwelling"] not in already_offered
                and districts.get(department) == wanted
            ):
                return text.strip(), department, match["dwelling"], wanted
    raise AssertionError(f"no free family home in {list(ADVISOR_FOR_DISTRICT)} among {options}")


def _offer_a_home(page) -> tuple[str, str, str]:
    """Offer a vacant family home; return (dwelling, department, district)."""
    districts = _departments_and_districts(page)
    _menu(page, "Ledige boliger")
    main = _main(page)
    expect(main.get_by_role("heading", name="Ledige boliger til anvisning", exact=True, level=1)).to_be_visible()
    already_offered = {text.strip() for text in main.locator("tbody tr td:first-child a").all_inner_texts()}

    main.get_by_role("link", name="Tilbyd en bolig", exact=True).click()
    expect(
        main.get_by_role("heading", name="Tilbyd en bolig til kommunal anvisning", exact=True, level=1)
    ).to_be_visible()
    dwellings = main.get_by_role("combobox", name="Lejemål", exact=True)
    grouped = [
        (group.get_attribute("label"), text)
        for group in dwellings.locator("optgroup").all()
        for text in group.locator("option").all_inner_texts()
    ]
    option, department, dwelling, district = _choose_dwelling(grouped, districts, already_offered)
    dwellings.select_option(label=option)
    main.get_by_label("Månedlig husleje (kr.)", exact=True).fill("5800")
    main.get_by_label("Ledig fra", exact=True).fill(_day(21))
    main.get_by_label("Svarfrist", exact=True).fill(_day(7))
    main.get_by_role("button", name="Tilbyd boligen", exact=True).click()

    _expect_flash(page, "Boligen er tilbudt kommunen.")
    row = _offer_row(page, dwelling)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(department)
    expect(row).to_contain_text("5800 kr.")
    expect(row).to_contain_text("Tilbudt")
    return dwelling, department, district


# --- The flow ----------------------------------------------------------------------------


def test_a_citizen_goes_from_shelter_to_own_home(demo_world, new_page):
    caseworker = new_page(viewport=DESKTOP_VIEWPORT)
    association = new_page(viewport=DESKTOP_VIEWPORT)
    caseworker_errors = watch_console(caseworker)
    association_errors = watch_console(association)

    # 1. The caseworker registers the citizen and adds an action plan and CTI support.
    log_in(caseworker, "hjem.sag")
    reference = _register_citizen(caseworker)
    _add_plan_and_support(caseworker)
    screenshot(caseworker, "home-01-case-with-plan-and-support")

    # 2. Without a home the stay cannot end as a move to an own home: the page says what is missing.
    _end_stay(caseworker, "Flyttet i egen bolig")
    summary = _error_summary(caseworker, "udskrivningen")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Opholdet kan ikke afsluttes som udflytning endnu. Der mangler:")
    expect(summary).to_contain_text("en bolig, borgeren er flyttet ind i, eller en afgørelse om botilbud")
    expect(summary).not_to_contain_text("handleplan")  # that one is in place
    expect(summary).not_to_contain_text("bostøtte")  # and so is that
    expect(_main(caseworker)).to_contain_text(f"{SHELTER}: dag 20 af 90")  # the stay is still open

    # 3. The association offers a vacant family home (rent 5800 ≤ the citizen's 6000).
    log_in(association, "bl.org")
    dwelling, department, district = _offer_a_home(association)
    screenshot(association, "home-02-association-offer")

    # 4. The caseworker finds the offer, sees the citizen among the candidates and proposes it.
    _menu(caseworker, "Ledige boliger")
    main = _main(caseworker)
    _offer_row(caseworker, dwelling).get_by_role("link", name=dwelling, exact=True).click()
    expect(main.get_by_role("heading", name=dwelling, exact=True, level=1)).to_be_visible()
    expect(main.get_by_role("heading", name="Borgere, der passer", exact=True)).to_be_visible()
    candidate = caseworker.get_by_role("row").filter(has=caseworker.get_by_role("link", name=reference, exact=True))
    expect(candidate).to_contain_text(CITIZEN)
    expect(candidate).to_contain_text("Enlig voksen")
    candidate.get_by_role("button", name=re.compile(r"^Foreslå ")).click()
    _expect_flash(caseworker, f"Boligen er foreslået borgeren i sag {reference}.")
    expect(main.get_by_role("heading", level=1)).to_contain_text(reference)
    card = _placement_card(caseworker, dwelling)
    expect(card).to_contain_text("foreslået")
    expect(card).to_contain_text(department)

    # 5. The citizen says yes, moving in in three weeks.
    card.get_by_label(re.compile(r"^Indflytning")).fill(_day(21))
    card.get_by_role("button", name="Registrér borgerens ja", exact=True).click()
    _expect_flash(caseworker, "Borgeren har sagt ja. Boligrådgiveren i området får besked.")
    card = _placement_card(caseworker, dwelling)
    expect(card).to_contain_text("accepteret af borgeren")
    expect(card.get_by_role("button", name="Registrér borgerens ja", exact=True)).to_have_count(0)

    # 6. The association sees the outcome, but not who the citizen is.
    association.reload()
    row = _offer_row(association, dwelling)
    expect(row).to_contain_text("Accepteret")
    row.get_by_role("link", name=dwelling, exact=True).click()
    expect(_main(association).get_by_role("heading", name=dwelling, exact=True, level=1)).to_be_visible()
    expect(association.get_by_role("row", name=re.compile("^Status"))).to_contain_text("Accepteret")
    for secret in (CITIZEN, "Testa", "Flowsen", reference):
        expect(association.locator("body")).not_to_contain_text(secret)
    screenshot(association, "home-04-association-sees-outcome")

    # 7. The advisor covering the district sees the coming move-in: the address, not the name.
    advisor = new_page(viewport=DESKTOP_VIEWPORT)
    advisor_errors = watch_console(advisor)
    log_in(advisor, ADVISOR_FOR_DISTRICT[district])
    move_ins = advisor.get_by_role("table", name="Kommende indflytninger", exact=True)
    expect(move_ins).to_be_visible()
    move_in = move_ins.get_by_role("row").filter(has_text=dwelling)
    expect(move_in).to_have_count(1)
    expect(move_in).to_contain_text(department)
    expect(move_in).to_contain_text("Hilda Hjortshøj")  # whom to call about support
    for secret in (CITIZEN, "Flowsen", reference):
        expect(advisor.locator("body")).not_to_contain_text(secret)
    screenshot(advisor, "home-05-advisor-move-in")

    # 8. The citizen moves in; now the shelter stay can end as a move to an own home.
    card = _placement_card(caseworker, dwelling)
    card.get_by_label(re.compile(r"^Indflytning")).fill(_day())
    card.get_by_role("button", name="Registrér indflytning", exact=True).click()
    _expect_flash(caseworker, "Indflytningen er registreret.")
    card = _placement_card(caseworker, dwelling)
    expect(card).to_contain_text("flyttet ind")
    expect(card.get_by_role("button", name="Registrér indflytning", exact=True)).to_have_count(0)
    expect(_main(caseworker)).to_contain_text("Handleplan, bolig og bostøtte er på plads. Opholdet kan afsluttes.")

    _end_stay(caseworker, "Flyttet i egen bolig")
    _expect_flash(caseworker, "Herbergsopholdet er afsluttet.")
    main = _main(caseworker)
    expect(main).to_contain_text("Borgeren er ikke på herberg nu.")
    expect(main.get_by_role("listitem").filter(has_text=SHELTER)).to_contain_text("flyttet i egen bolig")
    expect(main.get_by_role("button", name="Afslut opholdet", exact=True)).to_have_count(0)
    screenshot(caseworker, "home-03-case-moved-in")

    # Moved in: no longer a coming move-in for the advisor.
    advisor.reload()
    expect(advisor.get_by_role("heading", name="Kommende indflytninger", exact=True)).to_be_visible()
    expect(_main(advisor)).not_to_contain_text(dwelling)

    # 9. No console errors anywhere (a CSP violation would be one).
    # The refused discharge in step 2 is answered with 400, which Chromium logs.
    caseworker_errors = _without_expected_status(caseworker_errors, f"/cases/{reference}/herberg/slut/", 400)
    errors = caseworker_errors + association_errors + advisor_errors
    assert errors == [], "console errors:\n" + "\n".join(errors)


def test_only_the_municipality_can_open_a_case(demo_world, new_page):
    caseworker = new_page()
    errors = watch_console(caseworker)
    log_in(caseworker, "hjem.sag")
    caseworker.goto("/cases/")
    first = _main(caseworker).locator("tbody tr").first.get_by_role("link", name=CASE_REFERENCE)
    reference = first.inner_text().strip()
    first.click()
    expect(_main(caseworker).get_by_role("heading", level=1)).to_contain_text(reference)

    for username in ("kp.noerrebro", "bl.org"):
        page = new_page()
        page_errors = watch_console(page)
        log_in(page, username)
        response = page.goto(f"/cases/{reference}/")
        assert response is not None and response.status == 404, username
        main = _main(page)
        expect(main.get_by_role("heading", name="Siden findes ikke", exact=True, level=1)).to_be_visible()
        expect(main).not_to_contain_text(reference)
        screenshot(page, f"home-06-no-case-for-{username}")
        errors += _without_expected_status(page_errors, f"/cases/{reference}/", 404)

    assert errors == [], "console errors:\n" + "\n".join(errors)


def test_what_is_missing_leads_to_its_form_and_errors_open_it(demo_world, page):
    """ "Der mangler: en handleplan" opens the plan form; an empty plan comes back with the
    form open, its own error summary, and links that reach the fields."""
    errors = watch_console(page)
    log_in(page, "hjem.sag")
    page.goto("/cases/")
    main = _main(page)
    # In the demo, Bettina Lykkeberg is in a shelter with support but no action plan yet.
    main.locator("tbody tr").filter(has_text="Bettina Lykkeberg").get_by_role("link", name=CASE_REFERENCE).click()
    main = _main(page)
    missing = main.get_by_role("link", name="en handleplan", exact=True)
    expect(missing).to_be_visible()
    missing.click()
    plan = main.locator("details#handleplan")
    expect(plan).to_have_attribute("open", "")
    expect(plan.locator("summary")).to_be_focused()

    plan.get_by_role("button", name="Gem handleplan", exact=True).click()
    summary = _error_summary(page, "handleplanen")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Udfyld feltet »Mål«.")
    main = _main(page)
    expect(main.locator("details#handleplan")).to_have_attribute("open", "")
    summary.get_by_role("link", name="Udfyld feltet »Mål«.", exact=True).click()
    expect(main.get_by_label("Mål", exact=True)).to_be_focused()
    screenshot(page, "home-07-plan-error-opens-the-form")
    reference = CASE_REFERENCE.search(page.url).group(0)
    errors = _without_expected_status(errors, f"/cases/{reference}/handleplan/", 400)
    assert errors == [], "console errors:\n" + "\n".join(errors)
