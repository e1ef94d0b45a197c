"""Placements and rent subsidies move from housing to cases: same tables, state only.

The content types follow the models, and every accepted offer gets the outcome it now
keeps itself (step and move-in date) from its placement.
"""

import django.core.validators
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def _move(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model in ("placement", "rentsubsidy"):
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types(apps, schema_editor):
    _move(apps, "housing", "cases")


def move_content_types_back(apps, schema_editor):
    _move(apps, "cases", "housing")


def offer_outcome_from_placements(apps, schema_editor):
    Placement = apps.get_model("cases", "Placement")
    steps = {"accepted", "lease_signed", "moved_in"}
    for placement in Placement.objects.filter(status__in=steps, offer__status="accepted").select_related("offer"):
        offer = placement.offer
        offer.step, offer.move_in_on = placement.status, placement.move_in_on
        offer.save(update_fields=["step", "move_in_on"])


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_consent_withdrawn_by"),
        ("housing", "0005_offer_outcome"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Placement",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("ordinary", "Almindelig almen bolig"),
                                    ("unconventional", "Skæv bolig"),
                                    ("supported_accommodation", "Botilbud"),
                                ],
                                default="ordinary",
                                max_length=30,
                                verbose_name="boligtype",
                            ),
                        ),
                        ("provider", models.CharField(blank=True, max_length=200, verbose_name="botilbud / udbyder")),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("proposed", "foreslået"),
                                    ("accepted", "accepteret af borgeren"),
                                    ("lease_signed", "lejekontrakt underskrevet"),
                                    ("moved_in", "flyttet ind"),
                                    ("declined", "takket nej"),
                                ],
                                default="proposed",
                                max_length=20,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "declined_reason",
                            models.CharField(blank=True, max_length=300, verbose_name="begrundelse for nej"),
                        ),
                        ("move_in_on", models.DateField(blank=True, null=True, verbose_name="indflytning")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                        ("submission_token", models.UUIDField(blank=True, editable=False, null=True, unique=True)),
                        (
                            "case",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT, related_name="placements", to="cases.case"
                            ),
                        ),
                        (
                            "offer",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="placements",
                                to="housing.vacancyoffer",
                            ),
                        ),
                        (
                            "proposed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "housing_placement",
                        "ordering": ["-created_at", "-pk"],
                    },
                ),
                migrations.CreateModel(
                    name="RentSubsidy",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "monthly_amount",
                            models.PositiveIntegerField(
                                validators=[django.core.validators.MinValueValidator(1)],
                                verbose_name="tilskud pr. måned (kr.)",
                            ),
                        ),
                        ("starts_on", models.DateField(verbose_name="fra")),
                        ("ends_on", models.DateField(verbose_name="til")),
                        ("submission_token", models.UUIDField(blank=True, editable=False, null=True, unique=True)),
                        (
                            "placement",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="subsidies",
                                to="cases.placement",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "housing_rentsubsidy",
                        "ordering": ["-starts_on"],
                    },
                ),
                migrations.AddIndex(
                    model_name="placement",
                    index=models.Index(fields=["status", "move_in_on"], name="placement_status_move_in_idx"),
                ),
                migrations.AddConstraint(
                    model_name="placement",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            ("kind", "supported_accommodation"), ("offer__isnull", False), _connector="OR"
                        ),
                        name="placement_home_needs_offer",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="rentsubsidy",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("ends_on__gt", models.F("starts_on"))), name="subsidy_ends_after_start"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
        migrations.RunPython(offer_outcome_from_placements, migrations.RunPython.noop),
    ]
