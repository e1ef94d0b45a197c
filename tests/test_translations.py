"""The English translation: every message translated, none fuzzy, the placeholders
intact, and the pages in English for a user who chose English in the footer."""

import gettext
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.conftest import skip_or_fail

PO_FILE = Path(django_settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
# msgfmt's summary on a catalogue with nothing left to do: "1123 translated messages."
ALL_TRANSLATED = re.compile(r"^\d+ translated messages?\.$")


def compile_catalogue(target_dir: Path) -> tuple[subprocess.CompletedProcess[str], Path]:
    """The English .po compiled with msgfmt, which checks every python-format
    placeholder against its msgid; the .mo lands where Django looks for a locale."""
    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        skip_or_fail("msgfmt (GNU gettext) is not installed: apt-get install gettext")
    mo_file = target_dir / "en" / "LC_MESSAGES" / "django.mo"
    mo_file.parent.mkdir(parents=True)
    result = subprocess.run(
        [msgfmt, "--check-format", "--check-domain", "--statistics", "-o", str(mo_file), str(PO_FILE)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},  # msgfmt's summary in English, to be read below
        check=False,
    )
    return result, mo_file


def test_every_english_message_is_translated_and_none_is_fuzzy(tmp_path):
    result, mo_file = compile_catalogue(tmp_path)
    assert result.returncode == 0, result.stderr  # e.g. a placeholder lost or misspelt
    summary = result.stderr.strip().splitlines()[-1]
    assert ALL_TRANSLATED.match(summary), f"untranslated or fuzzy messages left: {summary}"
    # msgfmt counts a plural message as translated when only msgstr[0] is filled in.
    with mo_file.open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]
    empty = sorted(str(key) for key, text in catalogue.items() if key != "" and not text)
    assert not empty, f"empty plural forms: {empty}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url_name", "english", "danish"),
    [
        ("login", "Have you forgotten your password?", "Har du glemt din adgangskode?"),
        ("accessibility", "Accessibility statement for Bindeled", "Tilgængelighedserklæring for Bindeled"),
        ("privacy", "How long do we keep the information?", "Hvor længe gemmer vi oplysningerne?"),
    ],
)
def test_a_user_who_chose_english_gets_the_page_in_english(client, settings, tmp_path, url_name, english, danish):
    result, _mo_file = compile_catalogue(tmp_path)
    assert result.returncode == 0, result.stderr
    settings.LOCALE_PATHS = [tmp_path]  # the .po as it is now, not a .mo compiled earlier
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert english in body and danish not in body
    footer = body[body.index("<footer") :]
    assert "About Bindeled" in footer and "Accessibility statement" in footer
    assert "How we handle your personal data" in footer


@pytest.mark.django_db
def test_the_accessibility_statement_in_english_explains_the_danish_names(client, settings, tmp_path):
    result, _mo_file = compile_catalogue(tmp_path)
    assert result.returncode == 0, result.stderr
    settings.LOCALE_PATHS = [tmp_path]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(reverse("accessibility")).content.decode()
    assert "Known problems" in body
    assert "You are logged out after 30 minutes without activity" in body  # the placeholder, filled in
    assert "Digitaliseringsstyrelsen (the Danish Agency for Digital Government)" in body


@pytest.mark.django_db
def test_without_a_choice_the_page_stays_danish(client):
    body = client.get(reverse("accessibility")).content.decode()
    assert '<html lang="da">' in body and "Tilgængelighedserklæring for Bindeled" in body
