"""Reference numbers move to django-sequences, which both concerns and cases use."""

from django.db import migrations


def copy_sequences(apps, schema_editor):
    Old = apps.get_model("referrals", "ReferenceSequence")
    Sequence = apps.get_model("sequences", "Sequence")
    for row in Old.objects.all():
        Sequence.objects.update_or_create(name=f"{row.prefix}-{row.year}", defaults={"last": row.last})


def copy_back(apps, schema_editor):
    Old = apps.get_model("referrals", "ReferenceSequence")
    Sequence = apps.get_model("sequences", "Sequence")
    for row in Sequence.objects.filter(name__regex=r"^(BH|SAG)-[0-9]{4}$"):
        prefix, year = row.name.split("-")
        Old.objects.update_or_create(prefix=prefix, year=int(year), defaults={"last": row.last})


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0006_notification_moved"),
        ("sequences", "0002_alter_sequence_last"),
    ]

    operations = [
        migrations.RunPython(copy_sequences, copy_back),
        migrations.DeleteModel(name="ReferenceSequence"),
    ]
