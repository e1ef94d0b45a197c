"""Re-encrypt every CPR number with the newest key, after a new key is put first."""

from django.core.management.base import BaseCommand
from django.db import transaction

from cases.crypto import lookup_hash
from cases.models import Citizen

BATCH = 500


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored CPR number with the first key in FIELD_ENCRYPTION_KEYS and "
        "recompute its look-up hash with CPR_LOOKUP_KEY. Run it after putting a new key first; "
        "then the old keys can be removed."
    )

    def handle(self, *args, **options):
        done = 0
        ids = list(Citizen.objects.exclude(cpr_hash="").order_by("pk").values_list("pk", flat=True))
        for start in range(0, len(ids), BATCH):
            with transaction.atomic():
                citizens = list(Citizen.objects.select_for_update().filter(pk__in=ids[start : start + BATCH]))
                for citizen in citizens:  # read with any key, written with the first
                    citizen.cpr_hash = lookup_hash(citizen.cpr)
                Citizen.objects.bulk_update(citizens, ["cpr", "cpr_hash"])
            done += len(citizens)
        # Counts only: a CPR number never reaches the terminal or a log.
        self.stdout.write(f"{done} CPR-numre er krypteret igen med den nyeste nøgle.")
