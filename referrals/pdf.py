"""The receipt PDF: one page, rendered in the request (about half a second)."""

from django.utils import timezone

from config.pdf import render_pdf
from referrals.models import Referral


def receipt_pdf(referral: Referral) -> bytes:
    """Reference, date, department and categories; never the description or the resident."""
    return render_pdf(
        "referrals/pdf/receipt.html",
        {
            "reference": referral.reference,
            "created_at": timezone.localtime(referral.created_at),
            "department": referral.department,
            "categories": [category.get_code_display() for category in referral.categories.order_by("code")],
            "is_acute": referral.is_acute,
        },
    )
