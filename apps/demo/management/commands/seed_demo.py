from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from apps.demo.services import DEMO_ADMIN_EMAIL, DEMO_PASSWORD, demo_seed


class Command(BaseCommand):
    help = (
        "Fill the database with a demo company (customers, items, accounts, invoices in every status) and "
        "create or update the demo users. Safe to run again: existing records are kept, nothing is duplicated."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--email", default=DEMO_ADMIN_EMAIL, help=f"The superuser's email (default {DEMO_ADMIN_EMAIL})."
        )
        parser.add_argument(
            "--password",
            default=DEMO_PASSWORD,
            help=f"The password of the demo users (default {DEMO_PASSWORD!r}, which is public: demo use only).",
        )
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000/admin/", help="Where to sign in, for the printed instructions."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run although DEBUG is off. The demo users get a known password: never on a live installation.",
        )

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "DEBUG is off, so this may be a live installation: seed_demo creates a superuser with a known "
                "password. Run it with DEBUG=True, or pass --force if this really is a demo."
            )
        summary = demo_seed(admin_email=options["email"], admin_password=options["password"])

        if summary.created_anything:
            made = ", ".join(f"{kind} {count}" for kind, count in summary.created.items() if count)
            self.stdout.write(self.style.SUCCESS(f"Demo data created (new records): {made}."))
        else:
            self.stdout.write("Demo data already in place; nothing new created.")
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Sign in at {options['url']} as {summary.admin_email} / {summary.admin_password}")
        )
        for email, role in summary.users:
            self.stdout.write(f"  {role} user: {email} / {summary.admin_password}")
