"""Placements and rent subsidies now live in cases (same tables): state only."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("housing", "0005_offer_outcome"),
        ("cases", "0005_allocation_moved"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="rentsubsidy",
                    name="placement",
                ),
                migrations.DeleteModel(
                    name="Placement",
                ),
                migrations.DeleteModel(
                    name="RentSubsidy",
                ),
            ],
            database_operations=[],
        ),
    ]
