"""References in yearly series: BH-2026-00042 (concerns), SAG-2026-00007 (cases)."""

from django.utils import timezone
from sequences import get_next_value


def next_reference(prefix: str) -> str:
    """The next reference of a series. Call it inside the transaction that saves the row:
    the series stays locked until commit, so two filings never share a number and a
    rolled-back filing leaves no gap (django-sequences)."""
    year = timezone.localdate().year
    return f"{prefix}-{year}-{get_next_value(f'{prefix}-{year}'):05d}"
