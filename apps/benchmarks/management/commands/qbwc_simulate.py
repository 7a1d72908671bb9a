"""
Play the QuickBooks Web Connector against FieldOffice for one division: one full update over HTTP, with a company
file of the emulator as QuickBooks Desktop.

The company file (``--company-file``, by default one named after the division) is created when missing and stamped
with the division's FileID, as adding its ``.qwc`` to the Web Connector would; ``--stamp`` stamps an existing one.
The password is the division's Web Connector password (``--password`` or the ``QBWC_PASSWORD`` environment variable).
FieldOffice must be running with its background workers (``make run`` starts both): the update's sync runs there,
and the Web Connector hears "NoOp" until a worker takes it.

It lives with the benchmarks, the one app that drives the sandboxes directly: it reads the division's Web Connector
settings from the quickbooks app as the ``.qwc`` file hands them to the real Web Connector, and the emulator never
imports the quickbooks app.
"""

import json
import os
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.models import Division
from apps.qbd_sandbox import services
from apps.qbd_sandbox.guard import DISABLED_MESSAGE, emulator_enabled
from apps.qbd_sandbox.models import CompanyFile
from apps.qbd_sandbox.webconnector import EmulatorCompany, SessionReport, webconnector_run
from apps.quickbooks.desktop.identity import guid_braced
from apps.quickbooks.desktop.selectors import desktop_connection_for, desktop_owner_id

DEFAULT_URL = "http://127.0.0.1:8000/quickbooks/desktop/qbwc/"


class Command(BaseCommand):
    help = (
        "Run one QuickBooks Web Connector update of a division against FieldOffice's SOAP service (FieldOffice must "
        "be running with its background workers, which run the update's sync)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--division", required=True, help="The division's slug.")
        parser.add_argument("--url", default=DEFAULT_URL, help=f"The Web Connector service (default {DEFAULT_URL}).")
        parser.add_argument("--password", default="", help="The Web Connector password (default: $QBWC_PASSWORD).")
        parser.add_argument("--company-file", default="", help="The emulator's company file (default: the division).")
        parser.add_argument("--stamp", action="store_true", help="Stamp an existing company file with the FileID.")
        parser.add_argument("--noop-wait", type=float, default=5.0, help="Seconds to wait after NoOp (default 5).")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options) -> None:
        if not emulator_enabled():
            raise CommandError(DISABLED_MESSAGE)
        division = Division.objects.filter(slug=options["division"]).first()
        if division is None:
            raise CommandError(f"No division with the slug {options['division']!r}.")
        connection = desktop_connection_for(division=division)
        if connection is None or not connection.has_password:
            raise CommandError(f"Set the Web Connector password of {division} first (on its QuickBooks page).")
        password = options["password"] or os.environ.get("QBWC_PASSWORD", "")
        if not password:
            raise CommandError("Give the Web Connector password with --password or QBWC_PASSWORD.")
        owner_id = guid_braced(desktop_owner_id())
        name = options["company_file"] or division.name
        company = CompanyFile.objects.filter(name=name).first()
        if company is None or options["stamp"]:
            company = company or services.company_file_create(name=name)
            services.company_file_stamp(company, owner_id=owner_id, file_id=guid_braced(connection.file_id))
        report = webconnector_run(
            url=options["url"],
            username=connection.username,
            password=password,
            company=EmulatorCompany(company, owner_id=owner_id),
            noop_wait_seconds=options["noop_wait"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(asdict(report) | {"requests_sent": report.requests_sent}, default=str))
        else:
            self.stdout.write(report_text(report))
        if report.outcome not in ("done", "none"):
            raise CommandError(f"The update did not finish: {report.outcome}.")


def report_text(report: SessionReport) -> str:
    lines = [f"Web Connector update against {report.url}"]
    for call in report.calls:
        sent = ", ".join(f"{key}={value!r}" for key, value in call.sent.items())
        result = (
            call.result if not isinstance(call.result, str) or len(call.result) < 80 else f"<{len(call.result)} ch>"
        )
        lines.append(f"  {call.method}({sent}) -> {result!r} [{call.seconds * 1000:.0f} ms]")
    per_trip = ", ".join(str(count) for count in report.requests_per_round_trip) or "none"
    lines += [
        f"Outcome: {report.outcome}",
        f"Round trips: {report.round_trips}; requests per round trip: {per_trip} ({report.requests_sent} in all)",
        f"Seconds: {report.seconds}",
    ]
    lines += [f"Error: {error}" for error in report.errors]
    if report.close_message:
        lines.append(f"Closed: {report.close_message}")
    return "\n".join(lines)
