"""In a real browser: the CSV import's pages break no rule of the Content-Security-Policy
(no inline style or script), the progress page updates itself (htmx) until the preview
is there, and the import can be done with the keyboard. Screenshots of the upload, the
progress, the preview and the result on a desktop and a phone go to
test-output/screenshots/.
"""

import os

import pytest
from playwright.sync_api import expect

from tests.conftest import skip_or_fail
from tests.e2e import conftest as e2e

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

# The fixtures of the e2e tests: fresh browser contexts and the demo world.
new_page, demo_world = e2e.new_page, e2e.demo_world


@pytest.fixture(scope="module")
def browser():
    """tests/e2e's Chromium, for this module. Its own fixture is package-scoped, and taken
    into another package it would live to the end of the session, and with it
    DJANGO_ALLOW_ASYNC_UNSAFE (see tests/e2e/conftest.py for why that is set)."""
    if not e2e.CHROMIUM.exists():
        skip_or_fail(f"Chromium is not installed at {e2e.CHROMIUM}")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=str(e2e.CHROMIUM), headless=True, args=e2e.CHROMIUM_ARGS
            )
            try:
                yield chromium
            finally:
                chromium.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


HEADER = "boligorganisation;afdelingsnummer;navn;byområde;adresse;postnummer;antal_boliger;anvisningsstop;begrundelse"
CSP_WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def department_file(rows: int, *, first: str = "") -> bytes:
    """Danish Excel's CSV (semikolon, Windows-1252): new departments of BSS in Nørrebro."""
    lines = [HEADER, *([first] if first else [])]
    lines += [
        f"BSS;{9000 + n};Import-Ærtehaven {n};Nørrebro;Ølstykkevej {n};2200;{20 + n % 50};nej;" for n in range(rows)
    ]
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def open_page(new_page, viewport):
    page = new_page(viewport)
    page.add_init_script(CSP_WATCH)
    errors = e2e.watch_console(page)
    e2e.log_in(page, "admin")
    return page, errors


def clean(page, errors, where: str) -> None:
    violations = page.evaluate("window.__csp")
    assert violations == [], f"CSP violations on {where}: {violations}"
    assert errors == [], f"console errors on {where}:\n" + "\n".join(errors)


def upload(page, data: bytes, name: str = "afdelinger.csv") -> None:
    page.locator("#id_import_file").set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})
    page.get_by_role("button", name="Indlæs og forhåndsvis").click()


@pytest.mark.parametrize(("device", "viewport"), [("desktop", e2e.DESKTOP_VIEWPORT), ("phone", e2e.PHONE_VIEWPORT)])
def test_upload_preview_confirm_and_result_pass_the_csp(demo_world, new_page, device, viewport):
    from housing.models import Department

    page, errors = open_page(new_page, viewport)
    lindegaarden = Department.objects.select_related("district").filter(organisation__short_name="BSS").first()
    changed = (
        f"BSS;{lindegaarden.number};{lindegaarden.name} Øst;Valby;{lindegaarden.address};"
        f"{lindegaarden.postal_code};{lindegaarden.number_of_homes};nej;"
    )

    page.goto("/admin/housing/department/")
    page.get_by_role("link", name="Importér fra CSV").click()
    expect(page.get_by_role("heading", name="Importér boligafdelinger fra en CSV-fil", level=1)).to_be_visible()
    e2e.screenshot(page, f"import-upload-{device}")
    clean(page, errors, "the upload page")

    upload(page, department_file(3, first=changed))
    expect(page.get_by_role("heading", name="Forhåndsvisning af importen", level=1)).to_be_visible()
    expect(page.locator(".csv-import-facts")).to_contain_text("Windows-1252 (Excel), med semikolon (;) som skilletegn")
    expect(page.locator(".csv-import-preview")).to_contain_text(
        f"Ændrer navn fra »{lindegaarden.name}« til »{lindegaarden.name} Øst«, "
        f"flytter byområde fra {lindegaarden.district.name} til Valby"
    )
    expect(page.locator(".csv-import-preview")).to_contain_text("Ny afdeling: navn »Import-Ærtehaven 0«")
    e2e.screenshot(page, f"import-preview-{device}")
    clean(page, errors, "the preview")

    # With the keyboard: the confirmation is a button that takes focus and Enter.
    page.get_by_role("button", name="Bekræft og importér").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Importen er færdig", level=1)).to_be_visible()
    expect(page.locator(".csv-import-success")).to_have_text("Importen er færdig: 4 rækker er gemt.")
    e2e.screenshot(page, f"import-result-{device}")
    clean(page, errors, "the result")
    lindegaarden.refresh_from_db()
    assert lindegaarden.district.name == "Valby"


def test_a_file_with_errors_lists_them_and_passes_the_csp(demo_world, new_page):
    page, errors = open_page(new_page, e2e.DESKTOP_VIEWPORT)
    page.goto("/admin/housing/department/import/")
    upload(page, department_file(2, first="BSS;9999;Atlantis;Atlantis;Havbunden 1;2200;mange;nej;"))
    expect(page.get_by_role("heading", name="Filen har fejl", level=1)).to_be_visible()
    expect(page.locator(".csv-import-errors")).to_contain_text('byområde: Byområdet "Atlantis" findes ikke.')
    expect(page.locator(".csv-import-errors")).to_contain_text('antal_boliger: "mange" er ikke et tal.')
    expect(page.get_by_role("button", name="Bekræft og importér")).to_have_count(0)
    e2e.screenshot(page, "import-errors-desktop")
    clean(page, errors, "the error list")

    page.get_by_role("link", name="Indlæs en rettet fil").click()
    upload(page, b"PK\x03\x04 not a csv \x81\x8d")
    expect(page.locator(".errorlist")).to_contain_text("Er det en CSV-fil?")
    clean(page, errors, "the upload page with an error")


@pytest.mark.parametrize(("device", "viewport"), [("desktop", e2e.DESKTOP_VIEWPORT), ("phone", e2e.PHONE_VIEWPORT)])
def test_a_large_file_shows_progress_until_the_preview_is_there(demo_world, new_page, monkeypatch, device, viewport):
    """With a worker, the upload returns at once; the page polls until the preview is ready."""
    from housing import tasks
    from housing.imports import services
    from housing.models import ImportJob

    queued = []
    monkeypatch.setattr(tasks.import_preview, "delay", queued.append)  # the worker is busy elsewhere
    page, errors = open_page(new_page, viewport)
    page.goto("/admin/housing/department/import/")
    upload(page, department_file(400), name="mange-afdelinger.csv")

    expect(page.get_by_role("heading", name="Filen kontrolleres", level=1)).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("Filen venter på at blive kontrolleret")
    (job_id,) = queued
    assert ImportJob.objects.get(pk=job_id).state == ImportJob.State.PENDING
    # A worker has come 160 rows into the file: the page shows it without a reload.
    ImportJob.objects.filter(pk=job_id).update(state=ImportJob.State.PREVIEWING, previewed_rows=160)
    expect(page.get_by_role("status")).to_contain_text("Kontrollerer rækkerne: 160 af 400.")
    assert page.locator("progress").get_attribute("value") == "40"
    e2e.screenshot(page, f"import-progress-{device}")

    services.import_job_preview(job_id=job_id)  # what the worker does
    expect(page.get_by_role("heading", name="Forhåndsvisning af importen", level=1)).to_be_visible(timeout=10_000)
    expect(page.locator(".csv-import-pages")).to_contain_text("Side 1 af 4")
    clean(page, errors, "the progress page and the preview it turned into")
