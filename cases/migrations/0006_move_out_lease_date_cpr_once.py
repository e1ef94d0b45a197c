"""Move-out and the lease date on placements; one citizen per CPR number.

Before this, a citizen who came back got a second Citizen row with the same CPR number.
Those rows are merged first: the oldest row keeps every case and takes the newest
row's contact details and rent ability; the constraint then holds."""

from django.conf import settings
from django.db import migrations, models


def merge_citizens_with_the_same_cpr(apps, schema_editor):
    Citizen = apps.get_model("cases", "Citizen")
    Case = apps.get_model("cases", "Case")
    hashes = (
        Citizen.objects.exclude(cpr_hash="")
        .values("cpr_hash")
        .annotate(n=models.Count("pk"))
        .filter(n__gt=1)
        .values_list("cpr_hash", flat=True)
    )
    for cpr_hash in hashes:
        rows = list(Citizen.objects.filter(cpr_hash=cpr_hash).order_by("created_at", "pk"))
        kept, newest = rows[0], rows[-1]
        for field in ("name", "phone", "max_rent", "target_group"):
            setattr(kept, field, getattr(newest, field))
        kept.birth_date = kept.birth_date or newest.birth_date
        kept.save(update_fields=["name", "phone", "max_rent", "target_group", "birth_date"])
        others = [row.pk for row in rows[1:]]
        Case.objects.filter(citizen_id__in=others).update(citizen=kept)
        Citizen.objects.filter(pk__in=others).delete()
    if schema_editor.connection.vendor == "postgresql":
        # Check the deferred foreign keys now: PostgreSQL will not build the unique
        # index below while their trigger events are pending in this transaction.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_allocation_moved'),
        ('housing', '0007_offer_withdrawn_moved_out_rent_floor'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='placement',
            name='lease_signed_on',
            field=models.DateField(blank=True, null=True, verbose_name='lejekontrakt underskrevet'),
        ),
        migrations.AddField(
            model_name='placement',
            name='move_out_reason',
            field=models.CharField(blank=True, choices=[('own_wish', 'Borgeren er flyttet efter eget ønske'), ('other_home', 'Borgeren er flyttet til en anden bolig'), ('supported_accommodation', 'Borgeren er flyttet i botilbud'), ('eviction', 'Lejemålet er opsagt (udsættelse)'), ('death', 'Borgeren er død'), ('other', 'Andet')], max_length=30, verbose_name='årsag til fraflytning'),
        ),
        migrations.AddField(
            model_name='placement',
            name='moved_out_on',
            field=models.DateField(blank=True, null=True, verbose_name='fraflytning'),
        ),
        migrations.AlterField(
            model_name='placement',
            name='status',
            field=models.CharField(choices=[('proposed', 'foreslået'), ('accepted', 'accepteret af borgeren'), ('lease_signed', 'lejekontrakt underskrevet'), ('moved_in', 'flyttet ind'), ('moved_out', 'fraflyttet'), ('declined', 'takket nej')], default='proposed', max_length=20, verbose_name='status'),
        ),
        migrations.RunPython(merge_citizens_with_the_same_cpr, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='citizen',
            constraint=models.UniqueConstraint(condition=models.Q(('cpr_hash', ''), _negated=True), fields=('cpr_hash',), name='citizen_cpr_once'),
        ),
        migrations.AddConstraint(
            model_name='placement',
            constraint=models.CheckConstraint(condition=models.Q(('moved_out_on__isnull', True), ('moved_out_on__gte', models.F('move_in_on')), _connector='OR'), name='placement_moves_out_after_moving_in'),
        ),
    ]
