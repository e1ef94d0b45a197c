"""The advisor's queue shows exactly what the advisor may see: the same concerns as the
permission layer, in the counts at the top, on every page and under every filter."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from referrals.selectors import referrals_visible_to
from tests.factories import AdvisorFactory, DepartmentFactory, GroupFactory, ReferralFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(advisor, department, other_department, advisor_elsewhere):
    """Concerns the advisor sees in every way there is, and some they must not see."""
    now = timezone.now()
    second_department = DepartmentFactory(district=department.district, name="Bispeparken")
    far_department = DepartmentFactory(name="Tingbjerg")  # a third district nobody here covers
    group = GroupFactory()
    group.user_set.add(advisor)

    def concern(dept, hours_ago, **fields):
        return ReferralFactory(department=dept, created_at=now - timedelta(hours=hours_ago), **fields)

    seen = {
        "district": concern(department, 50),
        "district, second department": concern(second_department, 40, is_acute=True),
        "district, assigned elsewhere": concern(department, 30, status="in_progress", assigned_to=advisor_elsewhere),
        "assigned across districts": concern(other_department, 20, status="in_progress", assigned_to=advisor),
        "user grant": concern(far_department, 10),
        "group grant": concern(far_department, 5, categories=["smell"]),
    }
    assign_perm("referrals.view_referral", advisor, seen["user grant"])
    assign_perm("referrals.view_referral", group, seen["group grant"])
    # Assigned to them and in their district: one concern, listed once.
    seen["district and assigned"] = concern(department, 60, status="in_progress", assigned_to=advisor)
    unseen = {
        "another district": concern(other_department, 45),
        "a change grant is no view grant": concern(far_department, 3),
        "another user's grant": concern(far_department, 2),
        "another group's grant": concern(far_department, 1),
    }
    assign_perm("referrals.change_referral", advisor, unseen["a change grant is no view grant"])
    assign_perm("referrals.view_referral", advisor_elsewhere, unseen["another user's grant"])
    assign_perm("referrals.view_referral", GroupFactory(), unseen["another group's grant"])
    closed = concern(department, 70, status="closed", outcome="no_action")
    return {"seen": seen, "unseen": unseen, "closed": closed}


def queue(client, **params):
    response = client.get(reverse("referrals:list"), params)
    assert response.status_code == 200
    return response


def references(response):
    return [referral.reference for referral in response.context["page"].object_list]


def test_the_queue_lists_what_the_advisor_may_see_and_nothing_else(client, advisor, world):
    client.force_login(advisor)
    response = queue(client)
    expected = sorted(world["seen"].values(), key=lambda r: (not r.is_acute, r.created_at))
    assert references(response) == [r.reference for r in expected]
    body = response.content.decode()
    for referral in [*world["unseen"].values(), world["closed"]]:
        assert referral.reference not in body
    # The same set as the permission layer that every detail page uses.
    visible_open = referrals_visible_to(advisor).exclude(status="closed")
    assert set(references(response)) == set(visible_open.values_list("reference", flat=True))


def test_the_counts_at_the_top_follow_what_the_advisor_may_see(client, advisor, world):
    client.force_login(advisor)
    response = queue(client)
    assert response.context["counts"] == {
        "open": 7,
        "unacknowledged": 4,  # district, second department, user grant, group grant
        "overdue": 2,  # filed 50 and 40 hours ago, due after one day, not acknowledged
        "acute": 1,
        "mine": 2,  # assigned across districts, district and assigned
    }
    assert "7 henvendelser vises" in response.content.decode()


def test_every_page_of_the_queue_holds_the_next_concerns_once(client, advisor, world, settings):
    settings.REFERRALS_PER_PAGE = 3
    client.force_login(advisor)
    pages = [queue(client, side=number) for number in (1, 2, 3)]
    shown = [reference for page in pages for reference in references(page)]
    expected = sorted(world["seen"].values(), key=lambda r: (not r.is_acute, r.created_at))
    assert shown == [r.reference for r in expected]
    assert [len(references(page)) for page in pages] == [3, 3, 1]
    assert all(page.context["page"].paginator.count == 7 for page in pages)
    # A page after the last shows the last page, as Django's paginator does.
    assert references(queue(client, side=99)) == references(pages[2])
    assert references(queue(client, side="x")) == references(pages[0])


def test_filters_narrow_every_way_of_seeing_a_concern(client, advisor, world, settings):
    settings.REFERRALS_PER_PAGE = 2
    client.force_login(advisor)
    smell = queue(client, category="smell")
    assert references(smell) == [world["seen"]["group grant"].reference]
    assert smell.context["page"].paginator.count == 1
    in_progress = queue(client, status="in_progress")
    assert in_progress.context["page"].paginator.count == 3
    assert "3 henvendelser vises" in in_progress.content.decode()
    assert queue(client, status="in_progress", side=2).context["page"].object_list[0].reference == (
        world["seen"]["assigned across districts"].reference
    )
    everything = queue(client, status="all")
    assert everything.context["page"].paginator.count == 8  # the closed one in their district too
    # The counts at the top stay those of the whole queue.
    assert smell.context["counts"]["open"] == in_progress.context["counts"]["open"] == 7


def test_district_and_department_filters_offer_only_the_advisors_own(client, advisor, world, department):
    client.force_login(advisor)
    response = queue(client, department=department.pk)
    assert set(references(response)) == {
        world["seen"][name].reference for name in ("district", "district, assigned elsewhere", "district and assigned")
    }
    body = response.content.decode()
    assert f'<option value="{department.pk}" selected>' in body
    assert "Strandparken" not in body and "Tingbjerg" not in body  # departments of other districts
    # A department the advisor does not cover is not a choice: the filter is refused, not applied.
    assert queue(client, department=world["unseen"]["another district"].department_id).context["filter"].errors


def test_an_advisor_without_districts_sees_only_what_is_given_to_them(client, world):
    loner = AdvisorFactory().user
    client.force_login(loner)
    response = queue(client)
    assert references(response) == []
    assert response.context["counts"]["open"] == 0
    assign_perm("referrals.view_referral", loner, world["unseen"]["another district"])
    assert references(queue(client)) == [world["unseen"]["another district"].reference]


def test_the_filtered_queue_takes_no_more_queries(client, advisor, world, settings, django_assert_max_num_queries):
    settings.REFERRALS_PER_PAGE = 3
    client.force_login(advisor)
    for params in ({}, {"category": "isolation", "acute": "no"}, {"status": "all", "side": "2"}):
        queue(client, **params)
        with django_assert_max_num_queries(10):
            queue(client, **params)


def test_a_department_moved_to_another_district_takes_its_concerns_along(
    client, advisor, advisor_elsewhere, department, other_department
):
    """The queue reads each concern's district: when the city moves a department to
    another district, its concerns leave the old district's queue and join the new one."""
    moved = ReferralFactory(department=department)
    client.force_login(advisor)
    assert references(queue(client)) == [moved.reference]
    department.district = other_department.district
    department.save()
    assert references(queue(client)) == []
    assert queue(client).context["counts"]["open"] == 0
    client.force_login(advisor_elsewhere)
    assert moved.reference in references(queue(client))


def test_a_filed_concern_is_found_under_each_of_its_categories_and_no_other(client, advisor, file_referral):
    """The category filter reads the categories as the filing service stored them."""
    referral = file_referral(categories=["isolation", "smell"])
    client.force_login(advisor)
    for code, found in [("isolation", True), ("smell", True), ("dementia", False), ("other", False)]:
        assert (referral.reference in references(queue(client, category=code))) is found, code


def test_a_concern_seen_in_several_ways_is_listed_and_counted_once(client, advisor, department):
    """The queue reads one branch per way of seeing a concern; none may show it twice."""
    far_department = DepartmentFactory(name="Tingbjerg")
    group = GroupFactory()
    group.user_set.add(advisor)
    district_and_granted = ReferralFactory(department=department)
    granted_twice = ReferralFactory(department=far_department)
    assigned_and_granted = ReferralFactory(department=far_department, status="in_progress", assigned_to=advisor)
    assign_perm("referrals.view_referral", advisor, district_and_granted)
    assign_perm("referrals.view_referral", advisor, granted_twice)
    assign_perm("referrals.view_referral", group, granted_twice)
    assign_perm("referrals.view_referral", advisor, assigned_and_granted)
    client.force_login(advisor)
    response = queue(client)
    assert sorted(references(response)) == sorted(
        r.reference for r in (district_and_granted, granted_twice, assigned_and_granted)
    )
    assert response.context["counts"]["open"] == 3 and response.context["counts"]["mine"] == 1
    assert queue(client, status="in_progress").context["page"].paginator.count == 1


def test_the_district_and_department_filters_look_like_the_other_selects(client, advisor, world):
    """DKFDS styles a <select> by its class: the two long filters must carry it too."""
    client.force_login(advisor)
    body = queue(client).content.decode()
    for name in ("status", "district", "department", "category"):
        assert re.search(rf'<select name="{name}"[^>]*class="form-select"', body), name


def test_the_database_moves_the_concerns_with_their_department_whatever_moved_it(
    require_postgres, client, advisor, advisor_elsewhere, department, other_department
):
    """A bulk UPDATE sends no signal; PostgreSQL's ON UPDATE CASCADE moves the concerns anyway."""
    from housing.models import Department

    concern = ReferralFactory(department=department)
    Department.objects.filter(pk=department.pk).update(district=other_department.district)
    client.force_login(advisor)
    assert references(queue(client)) == []
    assert client.get(reverse("referrals:detail", args=[concern.reference])).status_code == 404
    client.force_login(advisor_elsewhere)
    assert references(queue(client)) == [concern.reference]
    assert client.get(reverse("referrals:detail", args=[concern.reference])).status_code == 200


def test_a_concern_filed_while_its_department_moved_goes_to_the_new_district(
    require_postgres, advisor_elsewhere, department, other_department, file_referral
):
    """The form loaded the department before it moved: the database refuses the old
    district, and the filing files it with the department as it is now."""
    from housing.models import Department

    Department.objects.filter(pk=department.pk).update(district=other_department.district)
    referral = file_referral(department=department)  # the object still says the old district
    referral.refresh_from_db()
    assert referral.district_id == other_department.district_id
    assert referral.pk in referrals_visible_to(advisor_elsewhere).values_list("pk", flat=True)


def test_department_names_from_an_import_are_escaped_in_the_filter(client, advisor, department):
    """Department names come from CSV files: the one-pass <select> escapes them."""
    department.name = '<script>alert("x")</script> & Co'
    department.save()
    client.force_login(advisor)
    body = queue(client).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co" in body


def test_the_category_bits_are_those_the_migration_filled_in():
    """The bits are stored: a category moved or removed in Category would shift them
    (a new one may only be added at the end)."""
    from importlib import import_module

    from referrals.models import CATEGORY_BITS

    migration = import_module("referrals.migrations.0010_referral_district")
    assert list(CATEGORY_BITS)[: len(migration.CATEGORY_CODES)] == migration.CATEGORY_CODES


def test_an_advisor_with_many_departments_picks_a_district_first(client, advisor, department, other_department):
    """Hundreds of departments in one <select> help nobody: over DEPARTMENTS_OFFERED_MAX
    the filter offers the departments of the chosen district only."""
    from contacts.models import Advisor
    from referrals.filters import DEPARTMENTS_OFFERED_MAX

    big = [DepartmentFactory(district=department.district) for _ in range(DEPARTMENTS_OFFERED_MAX)]
    small_district = other_department.district
    Advisor.objects.get(user=advisor).districts.add(small_district)
    concern = ReferralFactory(department=big[0])
    client.force_login(advisor)

    def offered(response):
        return re.findall(
            r'<option value="(\d+)"', response.content.decode().split('name="department"')[1].split("</select>")[0]
        )

    first = queue(client)
    assert offered(first) == []
    assert "Alle – vælg først et byområde" in first.content.decode()
    in_small = queue(client, district=small_district.pk)
    assert offered(in_small) == [str(other_department.pk)]
    # A department chosen before (a bookmark) still filters, and shows as chosen.
    chosen = queue(client, department=big[0].pk)
    assert references(chosen) == [concern.reference]
    assert offered(chosen) == [str(big[0].pk)]
    assert queue(client, department=DepartmentFactory().pk).context["filter"].errors


def test_big_numbers_have_a_thousands_separator(client, advisor, department, reporter):
    """1.234 is read at a glance; 1234 is not (Danish: a dot between thousands)."""
    from referrals.models import Referral

    now = timezone.now()
    Referral.objects.bulk_create(
        Referral(
            reference=f"BH-2026-{n:05d}", reporter=reporter, department=department, district=department.district,
            address="Bekymringsvej 1", place_key="x", description="x", source="own_observation",
            acknowledge_due_at=now + timedelta(days=1),
        )
        for n in range(1, 1235)
    )  # fmt: skip
    client.force_login(advisor)
    body = queue(client).content.decode()
    assert '<span class="queue-count">1.234</span> åbne' in body
    assert "1.234 henvendelser vises" in body
