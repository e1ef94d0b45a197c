"""Browser tests: Playwright's sync API driving Debian's Chromium against the live server.

One headless Chromium serves every e2e test; each test gets a fresh context (its
own cookies and storage), so no login leaks from one test into the next.
Never `playwright install`: the machine has no internet, and Debian's Chromium
at /usr/bin/chromium is the browser we test with.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.conftest import skip_or_fail

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # No internet here: without these Chromium keeps trying to phone home and
    # floods the log with refused connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-output" / "screenshots"  # git-ignored

DEMO_PASSWORD = "bindeled-demo"
PHONE_VIEWPORT = {"width": 390, "height": 844}
DESKTOP_VIEWPORT = {"width": 1280, "height": 900}
TIMEOUT_MS = 10_000


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for all the e2e tests, closed when the last of them is done.

    While Playwright runs, its sync API keeps an asyncio event loop running in the
    test thread, and Django refuses ORM calls from there (seeding, flushing the
    database) with SynchronousOnlyOperation, although they really are synchronous.
    So DJANGO_ALLOW_ASYNC_UNSAFE is set exactly as long as Playwright runs. Package
    scope rather than session scope, and not set at import time: otherwise the
    variable would outlive the e2e tests, leak into every later test and into the
    subprocesses they start (tests/test_deploy.py's `check --deploy` fails on
    async.E001 when it sees it).
    """
    if not CHROMIUM.exists():
        skip_or_fail(f"Chromium is not installed at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def demo_world(transactional_db, settings):
    """The invented demo world with the seven demo logins (seed_demo insists on DEBUG)."""
    settings.DEBUG = True
    try:
        call_command("seed_demo", stdout=io.StringIO())
    finally:
        settings.DEBUG = False


@pytest.fixture
def new_page(browser, live_server):
    """Make pages in fresh browser contexts aimed at the live server; close them afterwards."""
    contexts = []

    def make(viewport=DESKTOP_VIEWPORT):
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale="da-DK",
            timezone_id="Europe/Copenhagen",
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


def watch_console(page) -> list[str]:
    """From now on, collect the page's console errors and uncaught exceptions.

    Returns the list it fills, as "<page url>: <text>"; a resource that fails to
    load (a 404 for a stylesheet, say) shows up here as well.
    """
    errors: list[str] = []

    def on_console(message):
        if message.type == "error":
            errors.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: errors.append(f"{page.url}: uncaught {error}"))
    return errors


def log_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real login form and wait until the browser has left it.

    Only ever with the right password: django-axes locks an account after five failures.
    """
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Log ind", exact=True).click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot for a person to look at: test-output/screenshots/<name>.png.

    A full-page shot briefly resizes the viewport, and DKFDS closes an open mobile
    drawer on resize: photograph an open drawer with full_page=False.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
