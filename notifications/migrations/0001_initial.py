"""The outbox moves out of the concerns app: same table, state only."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        # The table referrals_notification was created there.
        ("referrals", "0005_consent_token"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("template", models.CharField(max_length=60)),
                        ("context", models.JSONField(default=dict)),
                        (
                            "state",
                            models.CharField(
                                choices=[("pending", "afventer"), ("sent", "sendt"), ("failed", "opgivet")],
                                default="pending",
                                max_length=10,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("next_try_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("last_error", models.CharField(blank=True, max_length=200)),
                        ("dedupe_key", models.CharField(blank=True, max_length=120, null=True, unique=True)),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("sent_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "recipient",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="notifications",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "referrals_notification",
                        "indexes": [models.Index(fields=["state", "next_try_at"], name="notification_due_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
