"""The receipt PDF, read back as text."""

import io

import pytest
from pypdf import PdfReader

from config.pdf import ForbiddenURL, NoURLFetcher, render_pdf
from referrals.pdf import receipt_pdf

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_receipt_pdf_has_reference_date_department_and_categories_not_the_description(file_referral, department):
    referral = file_referral(acute_reasons=["weapon"])
    data = receipt_pdf(referral)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1
    text = pdf_text(data)
    assert referral.reference in text
    assert department.name in text
    assert "Isolerer sig fra omgivelserne" in text
    assert "Det lugter fra lejemålet" in text
    assert "Akut" in text
    assert "drikker" not in text  # the description
    assert "Hemmelig" not in text and "Beboersen" not in text  # the resident
    assert "Blågårdsvej" not in text  # the address


def test_pdf_metadata_carries_no_personal_data(file_referral):
    referral = file_referral()
    metadata = PdfReader(io.BytesIO(receipt_pdf(referral))).metadata or {}
    values = " ".join(str(value) for value in metadata.values())
    assert "Hemmelig" not in values
    assert referral.reporter.last_name not in values


@pytest.mark.parametrize("url", ["file:///etc/passwd", "https://example.com/x.png", "http://127.0.0.1:8000/"])
def test_pdf_renderer_refuses_every_url(url):
    with pytest.raises(ForbiddenURL):
        NoURLFetcher().fetch(url)


def test_a_local_file_reference_never_reaches_the_pdf(tmp_path, settings):
    secret = tmp_path / "secret.css"
    secret.write_text("body::after { content: 'HEMMELIGT-INDHOLD'; }")
    template_dir = tmp_path / "templates"
    template_dir.mkdir()
    (template_dir / "probe.html").write_text(
        f'<html><head><link rel="stylesheet" href="file://{secret}"></head><body><p>Synlig</p></body></html>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [template_dir, *settings.TEMPLATES[0]["DIRS"]]}]
    text = pdf_text(render_pdf("probe.html", {}))
    assert "Synlig" in text
    assert "HEMMELIGT-INDHOLD" not in text
