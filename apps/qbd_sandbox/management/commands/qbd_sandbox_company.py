"""``manage.py qbd_sandbox_company --name NAME [--seed-customers N ...]``: a company file to demo or benchmark with."""

import json
from argparse import ArgumentTypeError

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from apps.qbd_sandbox.guard import DISABLED_MESSAGE, emulator_enabled
from apps.qbd_sandbox.models import CompanyFile
from apps.qbd_sandbox.services import company_file_create, company_seed


def _count(value: str) -> int:
    if not value.isdigit():
        raise ArgumentTypeError(f"{value!r} is not a count")
    return int(value)


class Command(BaseCommand):
    help = "Create (or reuse, by path) a QuickBooks Desktop sandbox company file and seed it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Company name (also the .QBW file name).")
        parser.add_argument("--path", default="", help="Company file path; default: QuickBooks' public folder.")
        parser.add_argument("--edition", default="Enterprise", choices=["Enterprise", "Premier", "Pro"])
        parser.add_argument("--seed-customers", type=_count, default=0)
        parser.add_argument("--seed-jobs-per-customer", type=_count, default=0, help="For one customer in five.")
        parser.add_argument("--seed-ship-tos", type=_count, default=0, help="For one customer in five (at most 50).")
        parser.add_argument("--seed-items", type=_count, default=0)
        parser.add_argument("--seed-invoices", type=_count, default=0)
        parser.add_argument("--random-seed", type=int, default=1)
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of text.")

    def handle(self, *args, **options) -> None:
        if not emulator_enabled():
            raise CommandError(DISABLED_MESSAGE)
        company = CompanyFile.objects.filter(path=options["path"]).first() if options["path"] else None
        if company is None:
            company = CompanyFile.objects.filter(
                name=options["name"], path__endswith=f"\\{options['name']}.QBW"
            ).first()
        created = company is None
        if created:
            company = company_file_create(name=options["name"], path=options["path"], edition=options["edition"])
        company_seed(
            company,
            customers=options["seed_customers"],
            jobs_per_customer=options["seed_jobs_per_customer"],
            ship_tos=options["seed_ship_tos"],
            items=options["seed_items"],
            invoices=options["seed_invoices"],
            random_seed=options["random_seed"],
        )
        counts = dict(company.records.values_list("kind").annotate(total=Count("pk")).order_by("kind"))
        summary = {"id": company.pk, "name": company.name, "path": company.path, "created": created, "records": counts}
        if options["json"]:
            self.stdout.write(json.dumps(summary))
            return
        verb = "Created" if created else "Seeded"
        self.stdout.write(f"{verb} {company.name} ({company.path})")
        for kind, total in counts.items():
            self.stdout.write(f"  {kind}: {total}")
