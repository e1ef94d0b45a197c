"""Render a template to PDF with WeasyPrint, safely.

The URL fetcher refuses every URL (file://, http(s)://, anything): a PDF is built
only from the template's inline CSS and the machine's local fonts, so text typed by
a user can never make the server read a local file or call out. The PDF's metadata
carries no personal data (the title only, which is a reference).
"""

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher


class ForbiddenURL(ValueError):
    pass


class NoURLFetcher(URLFetcher):
    """Fetch nothing. WeasyPrint reports a refused resource as a warning and goes on."""

    def fetch(self, url, headers=None):
        raise ForbiddenURL("External resources are not allowed in PDFs")


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=NoURLFetcher(), base_url=None).write_pdf()
