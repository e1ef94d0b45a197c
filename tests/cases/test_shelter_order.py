"""The case list and the matching page sort by time in a shelter, and follow every stay change."""

import importlib
import re
from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from tests.factories import VacancyOfferFactory, open_case

pytestmark = pytest.mark.django_db


def days_ago(n):
    return timezone.localdate() - timedelta(days=n)


def listed(client, url=None):
    """(name, what the shelter column says) per row, in the order shown."""
    body = client.get(url or reverse("cases:list")).content.decode()
    tbody = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", tbody, flags=re.S):
        cells = [" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td>(.*?)</td>", row, re.S)]
        rows.append((cells[1], cells[3]))
    return rows


def end_stay(client, case, left_on):
    response = client.post(
        reverse("cases:stay_end", args=[case.reference]),
        {"stayend-left_on": left_on.isoformat(), "stayend-exit": "other_shelter"},
    )
    assert response.status_code == 302


def start_stay(client, case, shelter, entered_on):
    response = client.post(
        reverse("cases:stay_start", args=[case.reference]),
        {"stay-shelter": str(shelter.pk), "stay-entered_on": entered_on.isoformat()},
    )
    assert response.status_code == 302


def test_the_case_list_follows_the_shelter_stays(client, caseworker, shelter):
    long = open_case(by=caseworker, name="Længe Herberg", shelter=shelter, entered_on=days_ago(70))
    open_case(by=caseworker, name="Kort Herberg", shelter=shelter, entered_on=days_ago(5))
    outside = open_case(by=caseworker, name="Uden Herberg")
    client.force_login(caseworker)
    assert listed(client) == [
        ("Længe Herberg", f"dag 70 af 90 siden {days_ago(70):%-d}. {_month(days_ago(70))}"),
        ("Kort Herberg", f"dag 5 af 90 siden {days_ago(5):%-d}. {_month(days_ago(5))}"),
        ("Uden Herberg", "–"),
    ]

    end_stay(client, long, days_ago(1))  # moved on: no longer in a shelter, no longer first
    start_stay(client, outside, shelter, days_ago(20))  # now in a shelter, 20 days
    assert [(name, shown.split(" siden")[0]) for name, shown in listed(client)] == [
        ("Uden Herberg", "dag 20 af 90"),
        ("Kort Herberg", "dag 5 af 90"),
        ("Længe Herberg", "–"),
    ]
    # The shelter filter (only those in a shelter) follows the same stays.
    assert [name for name, _shown in listed(client, reverse("cases:list") + "?herberg=shelter")] == [
        "Uden Herberg",
        "Kort Herberg",
    ]

    start_stay(client, long, shelter, timezone.localdate())  # back in a shelter today
    assert [name for name, _shown in listed(client)] == ["Uden Herberg", "Kort Herberg", "Længe Herberg"]
    assert listed(client)[2][1].startswith("dag 0 af 90")


def test_the_matching_page_puts_the_longest_in_a_shelter_first(client, caseworker, shelter):
    offer = VacancyOfferFactory(monthly_rent=4000)
    first = open_case(by=caseworker, name="Kandidat Først", shelter=shelter, entered_on=days_ago(40))
    open_case(by=caseworker, name="Kandidat Senere", shelter=shelter, entered_on=days_ago(10))
    client.force_login(caseworker)
    url = reverse("allocation:offer_detail", args=[offer.pk])

    def names():
        body = client.get(url).content.decode()
        return re.findall(r"<td>(Kandidat \w+)</td>", body)

    assert names() == ["Kandidat Først", "Kandidat Senere"]
    end_stay(client, first, days_ago(2))
    assert names() == ["Kandidat Senere", "Kandidat Først"]


def test_the_migration_fills_the_date_from_the_open_stay(caseworker, shelter):
    in_shelter = open_case(by=caseworker, name="På Herberg", shelter=shelter, entered_on=days_ago(30))
    left = open_case(by=caseworker, name="Udskrevet", shelter=shelter, entered_on=days_ago(60))
    left.stays.update(left_on=days_ago(3), exit="other_shelter")
    never = open_case(by=caseworker, name="Aldrig")
    Case.objects.update(in_shelter_since=days_ago(999))  # as if nobody had kept it
    migration = importlib.import_module("cases.migrations.0009_case_in_shelter_since")
    migration.fill_in_shelter_since(apps, None)
    since = dict(Case.objects.values_list("pk", "in_shelter_since"))
    assert since == {in_shelter.pk: days_ago(30), left.pk: None, never.pk: None}


def _month(day):
    from django.utils.formats import date_format

    return date_format(day, "b. Y")
