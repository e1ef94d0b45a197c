"""The locust users of bench_filing.py and load_stack.py: contact persons filing concerns
through the real form, advisors reading their queue.

Not a test module, and not run on its own: the scripts start `locust -f` on this file
with BINDELED_LOCUST_CONFIG pointing at a JSON file of signed-in session cookies (one
per seeded user) and the options of the run. Locust patches the standard library with
gevent when imported, which is why it runs in a process of its own.
"""

import itertools
import json
import os
import re
import uuid
from http.cookiejar import Cookie
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, constant, task

CONFIG = json.loads(open(os.environ["BINDELED_LOCUST_CONFIG"]).read())  # noqa: SIM115 - read once at start
THINK = CONFIG.get("think", [0, 0])
CONTACTS = itertools.cycle(CONFIG.get("contacts", []))
ADVISORS = itertools.cycle(CONFIG.get("advisors", []))
TOKEN = re.compile(r'name="submission_token" value="([0-9a-f-]{36})"')
DESCRIPTION = (
    "Beboeren er ikke set i flere uger, postkassen er fuld, og naboerne siger, at der lugter fra "
    "lejemålet. Ejendomsfunktionæren har banket på uden svar."
)
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}


def session_cookie(host: str, name: str, value: str) -> Cookie:
    return Cookie(0, name, value, None, False, host, False, False, "/", True, False, None, True, None, None, {})


class SignedIn(FastHttpUser):
    abstract = True
    wait_time = between(*THINK) if THINK[1] else constant(0)

    def sign_in(self, session: str) -> None:
        host = urlsplit(self.host).hostname
        self.client.cookiejar.set_cookie(session_cookie(host, CONFIG["session_cookie"], session))

    def csrf(self) -> str:
        return next(cookie.value for cookie in self.client.cookiejar if cookie.name == CONFIG["csrf_cookie"])


class ContactPerson(SignedIn):
    """Opens the form, files a concern, lands on the receipt: as a caretaker does.

    With "form_each_time" off (bench_filing.py) the form is opened once and then posted
    over and over with a new one-time token each time, as a fresh form would carry:
    the POST is what is measured."""

    weight = CONFIG.get("contact_weight", 1)

    def on_start(self) -> None:
        contact = next(CONTACTS)
        self.department = contact["department"]
        self.sign_in(contact["session"])
        self.open_form()

    def open_form(self) -> str:
        with self.client.get("/referrals/new/", name="GET /referrals/new/ (form)", catch_response=True) as response:
            match = TOKEN.search(response.text or "")
            if response.status_code != 200 or not match:
                response.failure(f"HTTP {response.status_code}, no submission token on the form")
                return str(uuid.uuid4())
            return match.group(1)

    @task
    def file_concern(self) -> None:
        token = self.open_form() if CONFIG.get("form_each_time") else str(uuid.uuid4())
        data = {
            "csrfmiddlewaretoken": self.csrf(),
            "department": str(self.department),
            "dwelling": "",
            "address": f"Bench-vej {uuid.uuid4().int % 200 + 1}",
            "unit": "2. th.",
            "resident_name": "",
            "categories": ["isolation", "smell"],
            "children_present": "unknown",
            "description": f"{DESCRIPTION} ({token[:8]})",
            "observed_on": "",
            "source": "own_observation",
            "submission_token": token,
        }
        with self.client.post(
            "/referrals/new/",
            data=urlencode(data, doseq=True),
            headers=FORM_HEADERS,
            allow_redirects=False,
            name="POST /referrals/new/ (file)",
            catch_response=True,
        ) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or "/referrals/BH-" not in location:
                response.failure(f"HTTP {response.status_code} {location!r}: the concern was not filed")
                return
        if CONFIG.get("form_each_time"):
            self.client.get(location, name="GET receipt")


class Advisor(SignedIn):
    """Reads the queue of the districts they cover: first page, a filter, page 2 and
    the minute's htmx refresh."""

    weight = CONFIG.get("advisor_weight", 1)

    def on_start(self) -> None:
        self.sign_in(next(ADVISORS)["session"])

    def queue(self, path: str, name: str, **headers) -> None:
        with self.client.get(path, name=name, headers=headers, catch_response=True) as response:
            if response.status_code != 200 or "BH-" not in (response.text or ""):
                response.failure(f"HTTP {response.status_code}, no concern on the queue")

    @task(4)
    def first_page(self) -> None:
        self.queue("/referrals/", "GET /referrals/ (queue)")

    @task(2)
    def filtered(self) -> None:
        self.queue("/referrals/?category=isolation&acute=no", "GET /referrals/?category=… (queue)")

    @task(1)
    def page_two(self) -> None:
        self.queue("/referrals/?side=2", "GET /referrals/?side=2 (queue)")

    @task(2)
    def refresh(self) -> None:
        self.queue("/referrals/", "GET /referrals/ (htmx refresh)", **{"HX-Request": "true"})
