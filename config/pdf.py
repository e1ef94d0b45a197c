"""Render a template to PDF with WeasyPrint, safely.

The url_fetcher refuses every file:// and remote URL: a PDF is built only from the
template's own inline CSS and the system's local fonts, so text typed by a user can
never make the server read a file or call out. The PDF's metadata carries no
personal data (title only).
"""

from django.template.loader import render_to_string
from weasyprint import HTML


class ForbiddenURL(ValueError):
    pass


def refuse_all_urls(url: str, *args, **kwargs):
    raise ForbiddenURL("External resources are not allowed in PDFs")


def render_pdf(template: str, context: dict) -> bytes:
    html = render_to_string(template, context)
    return HTML(string=html, url_fetcher=refuse_all_urls, base_url=None).write_pdf()
