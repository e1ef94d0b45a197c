from django.core.management.base import BaseCommand

from contacts.services import ADMINISTRATORS_GROUP, administrators_group_ensure


class Command(BaseCommand):
    help = "Create or refresh the administrators' group and its permissions."

    def handle(self, *args, **options):
        group = administrators_group_ensure()
        self.stdout.write(f"{ADMINISTRATORS_GROUP}: {group.permissions.count()} rettigheder")
