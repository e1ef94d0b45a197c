"""Admin change lists stay at a constant number of queries as data grows."""

import pytest
from django.urls import reverse

from tests.factories import AdvisorFactory, ContactPersonFactory, DepartmentFactory, DwellingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("admin:housing_department_changelist", lambda n: DepartmentFactory.create_batch(n)),
        ("admin:housing_dwelling_changelist", lambda n: DwellingFactory.create_batch(n)),
        ("admin:contacts_contactperson_changelist", lambda n: ContactPersonFactory.create_batch(n)),
        ("admin:contacts_advisor_changelist", lambda n: AdvisorFactory.create_batch(n)),
    ],
)
def test_admin_change_list_queries_do_not_grow_with_rows(
    client, administrator, name, make, django_assert_max_num_queries
):
    client.force_login(administrator)
    make(2)
    client.get(reverse(name))
    with django_assert_max_num_queries(30) as few:
        assert client.get(reverse(name)).status_code == 200
    make(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse(name))
