"""An offer keeps its own outcome, so that nothing about it needs the cases app."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("housing", "0004_submission_tokens")]

    operations = [
        migrations.AddField(
            model_name="vacancyoffer",
            name="step",
            field=models.CharField(
                blank=True,
                choices=[
                    ("accepted", "borgeren har sagt ja"),
                    ("lease_signed", "lejekontrakt underskrevet"),
                    ("moved_in", "flyttet ind"),
                ],
                max_length=20,
                verbose_name="forløb",
            ),
        ),
        migrations.AddField(
            model_name="vacancyoffer",
            name="move_in_on",
            field=models.DateField(blank=True, null=True, verbose_name="indflytning"),
        ),
    ]
