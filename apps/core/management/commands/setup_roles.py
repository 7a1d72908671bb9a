from django.core.management.base import BaseCommand

from apps.core.roles import roles_sync


class Command(BaseCommand):
    help = "Create or update the Owner, Office and Read-only groups and their permissions."

    def handle(self, *args, **options) -> None:
        for role, count in roles_sync().items():
            self.stdout.write(f"{role}: {count} permissions")
