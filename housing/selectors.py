"""Reads of the housing world that depend on nobody: its public geography."""

from django.db.models import QuerySet

from housing.models import District


def districts_for_search() -> QuerySet[District]:
    """Districts are public geography: every role may filter by them."""
    return District.objects.order_by("name")
