"""The housing-support methods of the homelessness plan (CTI, ICM, ACT, § 85, § 99) as a managed list."""

from django.db import migrations

SUPPORT_KINDS = [
    ("CTI", "Critical Time Intervention"),
    ("ICM", "Individual Case Management"),
    ("ACT", "Assertive Community Treatment"),
    ("SEL85", "Socialpædagogisk støtte, serviceloven § 85"),
    ("SEL99", "Social støtte, serviceloven § 99"),
]


def add_support_kinds(apps, schema_editor):
    SupportKind = apps.get_model("cases", "SupportKind")
    for code, name in SUPPORT_KINDS:
        SupportKind.objects.get_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [migrations.RunPython(add_support_kinds, migrations.RunPython.noop)]
