"""Each concern carries its department's district and its categories as bits (for the advisor's queue)."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import F, OuterRef, Subquery

# referrals.models.CATEGORY_BITS when this was written; the bits never move.
CATEGORY_CODES = [
    "isolation", "smell", "dementia", "mental_illness", "substance_abuse", "unsafe_behaviour", "child_neglect",
    "neglected_tenancy", "rent_arrears", "neighbour_conflict", "other",
]  # fmt: skip


def fill_district(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    Department = apps.get_model("housing", "Department")
    Referral.objects.update(
        district_id=Subquery(Department.objects.filter(pk=OuterRef("department_id")).values("district_id")[:1])
    )


def fill_category_mask(apps, schema_editor):
    Referral = apps.get_model("referrals", "Referral")
    for bit, code in enumerate(CATEGORY_CODES):
        Referral.objects.filter(categories__code=code).update(category_mask=F("category_mask").bitor(1 << bit))


class Migration(migrations.Migration):
    dependencies = [
        ("housing", "0009_requeue_lost_jobs"),
        ("referrals", "0009_queue_union_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="district",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="housing.district",
                verbose_name="byområde",
            ),
        ),
        migrations.AddField(
            model_name="referral",
            name="category_mask",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(fill_district, migrations.RunPython.noop, elidable=True),
        migrations.RunPython(fill_category_mask, migrations.RunPython.noop, elidable=True),
    ]
