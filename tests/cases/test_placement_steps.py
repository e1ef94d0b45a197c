"""The case page offers exactly the steps the allocation services accept (Placement.STEPS)."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Placement
from cases.services import allocation
from tests.factories import VacancyOfferFactory

pytestmark = pytest.mark.django_db


def offered_steps(client, case) -> set[str]:
    page = client.get(reverse("cases:detail", args=[case.reference])).content.decode()
    steps = set(re.findall(rf"/cases/{case.reference}/bolig/(\w+)/", page))
    if f"/cases/{case.reference}/bolig-nej/" in page:
        steps.add("decline")
    if f"/cases/{case.reference}/fraflytning/" in page:
        steps.add("move_out")
    return steps


def placement_at(case, caseworker, status):
    if status == "supported_accommodation":
        return allocation.placement_supported_accommodation(case=case, by=caseworker, provider="Botilbuddet Åen")
    placement = allocation.placement_propose(
        case=case, offer=VacancyOfferFactory(monthly_rent=Decimal(4000)), by=caseworker
    )
    if status in ("accepted", "lease_signed", "moved_in"):
        allocation.placement_accept(placement=placement, by=caseworker)
    if status in ("lease_signed", "moved_in"):
        allocation.placement_lease_signed(placement=placement, by=caseworker)
    if status == "moved_in":
        allocation.placement_move_in(placement=placement, by=caseworker, move_in_on=timezone.localdate())
    return Placement.objects.get(pk=placement.pk)


@pytest.mark.parametrize(
    ("status", "steps"),
    [
        ("proposed", {"accept", "withdraw", "decline"}),
        ("accepted", {"lease", "move_in", "decline"}),
        ("lease_signed", {"move_in"}),
        ("moved_in", {"move_out"}),
        ("supported_accommodation", {"decline"}),
    ],
)
def test_the_page_offers_the_steps_the_service_takes(client, caseworker, case, status, steps):
    placement = placement_at(case, caseworker, status)
    client.force_login(caseworker)
    assert offered_steps(client, case) == set(placement.next_steps) == steps
    for step in steps:  # every offered step is one the service takes
        assert placement.allows(step)
    move_in = (timezone.localdate() + timedelta(days=3)).isoformat()
    for step in set(Placement.STEPS) - steps - {"decline", "move_out"}:  # and a step not offered is refused
        url = reverse("cases:placement_step", args=[case.reference, step])
        response = client.post(url, {"placement": placement.pk, "placement-move_in_on": move_in})
        placement.refresh_from_db()
        assert placement.status == (Placement.Status.ACCEPTED if status == "supported_accommodation" else status)
        assert response.status_code in (302, 400)
