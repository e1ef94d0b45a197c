"""Reference numbers: one gapless yearly series per prefix, kept across the upgrade."""

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from config.references import next_reference


@pytest.mark.django_db
def test_each_series_counts_on_its_own_and_a_rolled_back_filing_leaves_no_gap():
    year = timezone.localdate().year
    assert next_reference("BH") == f"BH-{year}-00001"
    assert next_reference("SAG") == f"SAG-{year}-00001"
    with pytest.raises(RuntimeError), transaction.atomic():
        next_reference("BH")
        raise RuntimeError("the filing failed after taking a number")
    assert next_reference("BH") == f"BH-{year}-00002"


@pytest.mark.django_db(transaction=True)
def test_the_numbers_go_on_where_the_old_counters_stopped(django_db_serialized_rollback):
    year = timezone.localdate().year
    executor = MigrationExecutor(connection)
    executor.migrate([("referrals", "0006_notification_moved")])
    old = executor.loader.project_state([("referrals", "0006_notification_moved")]).apps
    old.get_model("referrals", "ReferenceSequence").objects.create(prefix="BH", year=year, last=41)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert next_reference("BH") == f"BH-{year}-00042"
