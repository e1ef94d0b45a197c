"""Hostile and clumsy input over every form each role can reach: never a 500.

The forms are found the way a person finds them: every page a role can open from its
start page (one link deep, plus the detail pages behind its lists) is read, and each
<form method="post"> on it (and each button's formaction) is posted again and again
with hostile values in every field it has. About 3,000 posts in all.
"""

import io
import random
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command
from django.test import Client

HOSTILE = [
    "",
    " ",
    "abc",
    "0",
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "3,14159",
    "4.800,555",
    "2026-02-30",
    "31-12-9999",
    "0001-01-01",
    "../../etc/passwd",
    "//evil.example/",
    "https://evil.example/",
    "javascript:alert(1)",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "\x00",
    "\ud7ff\ue000",
    "æøå ÆØÅ 🏠",
    "x" * 20_000,
    "010190-1234",
    "SAG-2026-00001",
    "BH-2026-00001",
    "00000000-0000-0000-0000-000000000000",
    "not-a-uuid",
]
PERSONAS = ["kp.noerrebro", "raad.noerrebro", "hjem.sag", "bl.org", "admin"]
POSTS_PER_PERSONA = 600


class Forms(HTMLParser):
    """The post forms on a page: their action(s) and the names of their fields."""

    def __init__(self, page_url: str):
        super().__init__()
        self.page_url, self.forms, self.links, self.current = page_url, [], set(), None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href", "").startswith("/"):
            self.links.add(attrs["href"].split("#")[0])
        if tag == "form" and (attrs.get("method") or "get").lower() == "post":
            self.current = {"actions": {urljoin(self.page_url, attrs.get("action") or self.page_url)}, "fields": set()}
            self.forms.append(self.current)
        elif self.current is not None and tag in ("input", "select", "textarea", "button"):
            if (
                attrs.get("name")
                and attrs.get("type") != "hidden"
                or attrs.get("name") in ("placement", "case", "next")
            ):
                self.current["fields"].add(attrs["name"])
            if tag == "button" and attrs.get("formaction"):
                self.current["actions"].add(urljoin(self.page_url, attrs["formaction"]))

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def reachable_forms(client: Client) -> list[tuple[str, set[str]]]:
    seen, forms, queue = set(), {}, ["/"]
    for depth in range(3):
        next_queue = []
        for url in queue:
            if url in seen or url.startswith(("/accounts/logout", "/i18n/", "/static/")) or url.endswith(".pdf"):
                continue
            seen.add(url)
            response = client.get(url, follow=True)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            final = response.redirect_chain[-1][0] if response.redirect_chain else url
            parser = Forms(urlparse(final).path or url)
            parser.feed(response.content.decode())
            for form in parser.forms:
                for action in form["actions"]:
                    forms.setdefault(urlparse(action).path, set()).update(form["fields"])
            # Admin change lists link to every row: a few of each are enough.
            links = sorted(parser.links)
            if depth < 2:
                next_queue += [link for link in links if not re.search(r"/(delete|history)/", link)][:60]
        queue = next_queue
    return sorted(forms.items())


@pytest.fixture
def demo(db, settings):
    settings.DEBUG = True
    try:
        call_command("seed_demo", stdout=io.StringIO())
    finally:
        settings.DEBUG = False


@pytest.mark.parametrize("username", PERSONAS)
def test_hostile_posts_to_every_form_never_give_a_server_error(demo, username):
    from django.contrib.auth import get_user_model

    client = Client(raise_request_exception=True)
    client.force_login(get_user_model().objects.get(username=username))
    forms = reachable_forms(client)
    assert forms, f"{username} reaches no forms"
    rng = random.Random(f"hostile-{username}")
    for attempt in range(POSTS_PER_PERSONA):
        action, fields = forms[attempt % len(forms)]
        if "logout" in action:
            continue
        data = {name: rng.choice(HOSTILE) for name in fields}
        if fields and rng.random() < 0.3:  # and sometimes a field twice, or one missing
            name = rng.choice(sorted(fields))
            data[name] = [rng.choice(HOSTILE), rng.choice(HOSTILE)]
        response = client.post(action, data)
        assert response.status_code < 500, f"{username} POST {action} {sorted(data)} → {response.status_code}"
    assert client.get("/").status_code in (200, 302)
