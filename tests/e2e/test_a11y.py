"""axe-core over every page each role reaches, on a phone and on a desktop (WCAG 2.1 A and AA).

Each role signs in through the real login form. First it fills the forms whose pages
only a form leads to (a form with errors, a receipt, the case file export) and opens the
phone's menu; then, from its start page, the test follows every link it can see (the
menu, the lists, the detail pages, the admin, the footer) and checks each kind of page:
one address per URL pattern, so the admin's 320 dwellings cost one check. The pages
before login (log in, tries left, the lock, a new password, signed out, 404) have their
own test. A violation of a WCAG 2.1 A or AA rule fails the test with a list of rule,
element and page; the same list, with every page checked, is written to
test-output/a11y/<role>-<viewport>.txt.

axe-core's script ships inside axe-playwright-python and is evaluated in the page: no
download, and the test fails if any request leaves the live server.
"""

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.urls import Resolver404, resolve
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP_VIEWPORT, PHONE_VIEWPORT, REPO_ROOT, log_in, screenshot
from tests.e2e.test_referral_flow import _accept_rules, _fill_concern, _submit_concern

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
VIEWPORTS = {"telefon": PHONE_VIEWPORT, "desktop": DESKTOP_VIEWPORT}
ROLES = ["kp.noerrebro", "raad.noerrebro", "hjem.sag", "bl.org", "admin"]
# Links that are not pages to check: downloads, signing out, changing language, and
# the admin's "view on site" redirects (the page behind it is checked on its own).
NOT_PAGES = re.compile(r"(\.pdf$|/pdf/$|^/accounts/logout/|^/i18n/|^/static/|^/admin/logout/|^/admin/r/)")
MAX_PAGES = 200
REPORTS = REPO_ROOT / "test-output" / "a11y"  # git-ignored

axe = Axe()


@dataclass
class Report:
    """What axe found, per rule, and every page it looked at."""

    viewport: str
    violations: dict[str, list[str]] = field(default_factory=dict)
    helps: dict[str, str] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def check(self, page, label: str = "") -> None:
        where = f"{urlsplit(page.url).path}{f' [{label}]' if label else ''}"
        self.checked.append(where)
        results = axe.run(page, options=AXE_OPTIONS)
        for violation in results.response["violations"]:
            self.helps[violation["id"]] = f"{violation['help']} ({violation['helpUrl'].split('?')[0]})"
            for node in violation["nodes"]:
                target = " ".join(str(part) for part in node["target"])
                self.violations.setdefault(violation["id"], []).append(f"{target}  on {where}")

    def text(self) -> str:
        count = sum(len(nodes) for nodes in self.violations.values())
        lines = [f"axe found {count} WCAG 2.1 A/AA violations on {len(self.checked)} pages ({self.viewport})"]
        for rule, nodes in sorted(self.violations.items()):
            lines.append(f"{rule} ×{len(nodes)}: {self.helps[rule]}")
            lines.extend(f"    {node}" for node in nodes)
        return "\n".join(lines)

    def save(self, name: str) -> None:
        REPORTS.mkdir(parents=True, exist_ok=True)
        (REPORTS / f"{name}.txt").write_text(self.text() + "\n\nChecked:\n" + "\n".join(self.checked) + "\n")

    def assert_clean(self) -> None:
        assert not self.outside, "requests left the live server:\n" + "\n".join(self.outside)
        assert not self.violations, self.text()


def _open(new_page, live_server, viewport: str):
    """A page in a fresh context whose requests may go to the live server only."""
    page = new_page(VIEWPORTS[viewport])
    report = Report(viewport)

    def guard(route):
        if route.request.url.startswith(live_server.url):
            route.continue_()
        else:
            report.outside.append(route.request.url)
            route.abort()

    page.context.route("**/*", guard)
    return page, report


def _route_of(path: str) -> str | None:
    try:
        return resolve(path).route
    except Resolver404:
        return None


def _links(page, origin: str) -> list[str]:
    paths = []
    for href in page.eval_on_selector_all("a[href]", "links => links.map(link => link.href)"):
        parts = urlsplit(href)
        if f"{parts.scheme}://{parts.netloc}" == origin and not NOT_PAGES.search(parts.path):
            paths.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return paths


def crawl_and_check(page, report: Report, origin: str, start: str = "/") -> None:
    """Check every kind of page reachable by links from start: one address per URL pattern."""
    seen: set[str | None] = set()
    queue = [start]
    while queue and len(seen) < MAX_PAGES:
        path = queue.pop(0)
        route = _route_of(urlsplit(path).path)
        if route is None or route in seen:
            continue
        seen.add(route)
        response = page.goto(path)
        if response is None or response.status >= 400:
            continue
        # A redirect (to the admin, to the rules first) counts as the page it lands on.
        landed = _route_of(urlsplit(page.url).path)
        if landed != route:
            if landed in seen:
                continue
            seen.add(landed)
        report.check(page)
        queue.extend(_links(page, origin))


def _main(page):
    return page.locator("#main-content")


def _error_summary(page):
    return page.get_by_role("alert").filter(has=page.get_by_role("heading", name=re.compile("^Der er problemer")))


def _submit_empty(page, report: Report, button: str, label: str = "med fejl") -> None:
    """Send the page's form as it is and check the page with its error summary."""
    _main(page).get_by_role("button", name=button, exact=True).first.click()
    expect(_error_summary(page).first).to_be_visible()
    report.check(page, label)


# --- What only a form leads to, per role ---------------------------------------------------


def _contact_person(page, report: Report) -> None:
    page.goto("/referrals/new/")
    _accept_rules(page)
    report.check(page, "formularen")
    _submit_empty(page, report, "Send til boligrådgiverne")
    page.goto("/referrals/new/")
    _fill_concern(page, "A11Y", dwelling_number=0)
    reference = _submit_concern(page)
    report.check(page, "kvittering")
    page.goto(f"/referrals/{reference}/")
    _submit_empty(page, report, "Send opfølgning")


def _advisor(page, report: Report) -> None:
    page.goto("/referrals/")
    _main(page).get_by_role("link", name=re.compile(r"^BH-\d{4}-\d+$")).first.click()
    _submit_empty(page, report, "Afslut henvendelsen")


def _caseworker(page, report: Report) -> None:
    page.goto("/cases/ny/")
    _submit_empty(page, report, "Opret sag")
    page.goto("/cases/")
    _main(page).get_by_role("link", name=re.compile(r"SAG-\d{4}-\d+")).first.click()
    _main(page).get_by_role("button", name="Lav sagsakter (PDF)", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="PDF")).to_be_visible()
    report.check(page, "sagsakter")


def _association_staff(page, report: Report) -> None:
    page.goto("/housing/offers/new/")
    _submit_empty(page, report, "Tilbyd boligen")


def _administrator(page, report: Report) -> None:
    for model in ("housing/department", "contacts/contactperson", "contacts/advisor"):
        page.goto(f"/admin/{model}/add/")
        page.locator("input[name=_save]").click()
        expect(page.locator(".errornote")).to_be_visible()
        report.check(page, "med fejl")


FORMS = {
    "kp.noerrebro": _contact_person,
    "raad.noerrebro": _advisor,
    "hjem.sag": _caseworker,
    "bl.org": _association_staff,
    "admin": _administrator,
}


def _menu_and_errors(page, report: Report, username: str) -> None:
    """The phone's menu drawer open, the 404 page and the password change form, signed in."""
    if report.viewport == "telefon" and username != "admin":
        page.goto("/")
        page.get_by_role("button", name="Menu", exact=True).click()
        expect(page.get_by_role("dialog", name="Menu")).to_be_visible()
        report.check(page, "menuen åben")
    page.goto("/findes-ikke/")
    expect(page.get_by_role("heading", name="Siden findes ikke", level=1)).to_be_visible()
    report.check(page, "404")
    if username != "admin":  # the admin has its own, found by the crawl
        page.goto("/accounts/password_change/")
        report.check(page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("username", ROLES)
def test_every_page_of_every_role_passes_axe(demo_world, new_page, live_server, username, viewport):
    page, report = _open(new_page, live_server, viewport)
    log_in(page, username)
    FORMS[username](page, report)
    _menu_and_errors(page, report, username)
    crawl_and_check(page, report, live_server.url)
    report.save(f"{username}-{viewport}")
    report.assert_clean()


def _login_wrong(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill("forkert-adgangskode")
    page.get_by_role("button", name="Log ind", exact=True).click()


def _reset_link(username: str) -> str:
    user = get_user_model().objects.get(username=username)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/"


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_pages_before_login_pass_axe(demo_world, new_page, live_server, viewport):
    page, report = _open(new_page, live_server, viewport)
    page.goto("/accounts/login/")
    report.check(page)
    _login_wrong(page, "kp.amager")
    expect(_error_summary(page)).to_contain_text("Forkert brugernavn eller adgangskode.")
    report.check(page, "forkert adgangskode")
    for _ in range(2):
        _login_wrong(page, "kp.amager")
    expect(_error_summary(page)).to_contain_text("Du har 2 forsøg tilbage, før login spærres i 15 minutter.")
    report.check(page, "forsøg tilbage")
    screenshot(page, f"a11y-login-tries-left-{viewport}")
    for _ in range(5):
        _login_wrong(page, "findes.ikke")
    expect(page.get_by_role("heading", name="Din konto er midlertidigt låst")).to_be_visible()
    report.check(page, "låst")
    screenshot(page, f"a11y-locked-out-{viewport}")

    page.goto("/accounts/password_reset/")
    report.check(page)
    _submit_empty(page, report, "Send link")
    page.get_by_label("E-mail").fill("ukendt@example.dk")
    page.get_by_role("button", name="Send link", exact=True).click()
    expect(page.get_by_role("heading", name="Tjek din e-mail", level=1)).to_be_visible()
    report.check(page)
    page.goto(_reset_link("kp.amager"))
    expect(page.get_by_role("heading", name="Vælg ny adgangskode", level=1)).to_be_visible()
    report.check(page)
    _submit_empty(page, report, "Gem adgangskode")
    new_password = "en-ny-og-lang-adgangskode-til-a11y"
    page.get_by_label("Ny adgangskode", exact=True).fill(new_password)
    page.get_by_label("Bekræftelse af ny adgangskode").fill(new_password)
    page.get_by_role("button", name="Gem adgangskode", exact=True).click()
    expect(page.get_by_role("heading", name="Adgangskoden er skiftet", level=1)).to_be_visible()
    report.check(page)
    page.goto(_reset_link("kp.amager"))  # used up now
    report.check(page, "brugt link")

    for path in ["/findes-ikke/", "/tilgaengelighed/", "/privatliv/"]:
        page.goto(path)
        report.check(page)
        screenshot(page, f"a11y{path.rstrip('/').replace('/', '-')}-{viewport}")
    report.save(f"anonym-{viewport}")
    report.assert_clean()


def _tab_to(page, locator, most: int = 15) -> None:
    for _ in range(most):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def test_login_and_menu_work_with_the_keyboard_alone(demo_world, new_page, live_server):
    """What the accessibility statement promises: keyboard only, visible focus, skip link."""
    page = new_page(PHONE_VIEWPORT)
    page.goto("/accounts/login/")
    expect(page.locator("#id_username")).to_be_focused()  # the login form starts in its first field
    page.keyboard.type("kp.noerrebro")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password")).to_be_focused()
    page.keyboard.type("bindeled-demo")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Hej Kirsten", level=1)).to_be_visible()

    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Gå til sidens indhold")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()  # hidden until it has focus, then shown
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()

    page.reload()
    menu = page.get_by_role("button", name="Menu", exact=True)
    _tab_to(page, menu)
    outline = menu.evaluate("button => getComputedStyle(button).outlineStyle")
    assert outline != "none", "the focused menu button shows no focus ring"
    page.keyboard.press("Enter")
    drawer = page.get_by_role("dialog", name="Menu")
    expect(drawer).to_be_visible()
    screenshot(page, "a11y-keyboard-menu-open", full_page=False)
    page.keyboard.press("Tab")
    assert drawer.evaluate("drawer => drawer.contains(document.activeElement)"), "focus did not move into the menu"
    _tab_to(page, drawer.get_by_role("link", name="Mine henvendelser", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Mine henvendelser", level=1)).to_be_visible()

    _tab_to(page, menu)
    page.keyboard.press("Enter")
    expect(drawer).to_be_visible()
    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(menu).to_be_focused()
