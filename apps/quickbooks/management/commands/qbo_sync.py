"""
``manage.py qbo_sync --division SLUG [--only LISTS] [--full] [--resend-all] [--preview] [--json]``: run one sync now,
in this process, and print what it did. Exit status 1 when the run failed or any record failed.

``--only customers,items`` syncs those lists only, as the page's Synchronize buttons do (the names the page shows,
in any case; the lists they refer to are read, not synced).

``--drift`` runs the drift check instead (``apps.quickbooks.drift``): it compares both sides and changes nothing.
Exit status 1 when they have drifted apart. QuickBooks Desktop is reached only through the Web Connector: for a
Desktop division it prints the report the last Web Connector update kept, with its time, and says how to ask for a
new one (Drift check on the integration page: the next update runs it).
"""

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.models import Division
from apps.quickbooks.desktop.selectors import (
    desktop_connection_for,
    desktop_drift_error,
    desktop_drift_report,
    desktop_is_chosen,
)
from apps.quickbooks.drift import DriftReport, drift_check
from apps.quickbooks.errors import QuickBooksError
from apps.quickbooks.models import SyncRun, SyncRunStatus, SyncTrigger
from apps.quickbooks.models.runs import scope_label
from apps.quickbooks.sync import run_division_sync
from apps.quickbooks.sync.measure import sql_queries_counted
from apps.quickbooks.sync.scope import ScopeError, scope_parse
from apps.quickbooks.sync.steps import STEPS

ACTIONS = ("created", "updated", "linked", "deactivated", "skipped", "failed")


def run_report(run: SyncRun, *, sql_queries: int, seconds: float) -> dict[str, Any]:
    entities = {
        entity: {action: counts.get(action, 0) for action in ACTIONS} for entity, counts in run.entity_counts.items()
    }
    return {
        "division": run.division.slug,
        "run": run.pk,
        "trigger": run.trigger,
        "scope": list(run.scope),
        "status": run.status,
        "summary": run.summary,
        "error": run.error_summary,
        "entities": entities,
        "api_calls": run.api_calls,
        "sql_queries": sql_queries,
        "seconds": round(seconds, 3),
    }


class Command(BaseCommand):
    help = "Sync a division with QuickBooks now and print what was created, updated, linked, skipped and failed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--division", required=True, help="The division's slug.")
        parser.add_argument(
            "--only",
            metavar="LISTS",
            help="Sync only these lists, comma-separated (the lists they refer to are read, not synced): "
            + ", ".join(step.label for step in STEPS)
            + ".",
        )
        parser.add_argument("--full", action="store_true", help="Read everything, not only what changed.")
        parser.add_argument(
            "--resend-all", action="store_true", help="Send every linked record again where QuickBooks differs."
        )
        parser.add_argument("--preview", action="store_true", help="Dry run: say what a sync would do, change nothing.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
        parser.add_argument(
            "--drift",
            action="store_true",
            help="Run no sync: compare counts, open invoices and balances on both sides and print the differences.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        division = Division.objects.filter(slug=options["division"]).first()
        if division is None:
            raise CommandError(f"No division has the slug {options['division']!r}.")
        if options["drift"]:
            self._drift(division, options)
            return
        if options["preview"] and options["resend_all"]:
            raise CommandError("Choose --preview or --resend-all, not both.")
        try:
            scope = scope_parse(options["only"]) if options["only"] is not None else ()
        except ScopeError as exc:
            raise CommandError(str(exc)) from exc
        if options["only"] is not None and not scope:
            raise CommandError(f"--only names no list. The lists are: {', '.join(step.label for step in STEPS)}.")
        trigger = SyncTrigger.MANUAL
        if options["preview"]:
            trigger = SyncTrigger.PREVIEW
        elif options["resend_all"]:
            trigger = SyncTrigger.RESEND
        started = time.perf_counter()
        with sql_queries_counted() as queries:
            run = run_division_sync(division.pk, trigger, full=options["full"], scope=scope)
        report = run_report(run, sql_queries=queries.count, seconds=time.perf_counter() - started)
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2))
        else:
            self._print(report)
        if run.status in (SyncRunStatus.FAILED, SyncRunStatus.PARTIAL):
            raise SystemExit(1)

    def _drift(self, division: Division, options: dict[str, Any]) -> None:
        if options["full"] or options["preview"] or options["resend_all"] or options["only"] is not None:
            raise CommandError("--drift runs no sync: leave out --only, --full, --preview and --resend-all.")
        if desktop_is_chosen(division=division):
            report = self._desktop_drift(division)
        else:
            try:
                report = drift_check(division)
            except QuickBooksError as exc:
                raise CommandError(exc.message) from exc
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), indent=2))
        else:
            self.stdout.write("\n".join(report.text_lines()))
        if not report.in_sync:
            raise SystemExit(1)

    def _desktop_drift(self, division: Division) -> DriftReport:
        """The report the last Web Connector update kept (its time in it); how to get a new one goes to stderr."""
        connection = desktop_connection_for(division=division)
        report = desktop_drift_report(connection=connection)
        how = (
            f"{division} uses QuickBooks Desktop, which FieldOffice reaches only through the Web Connector: press "
            "Drift check on its QuickBooks page and the next Web Connector update runs the check after its sync."
        )
        if report is None:
            error = desktop_drift_error(connection=connection)
            why = f"The last drift check could not run: {error} " if error else "No drift check has run yet. "
            raise CommandError(why + how)
        self.stderr.write(
            f"The drift check of the Web Connector update of {report.checked_at:%Y-%m-%d %H:%M:%S %Z}. {how}"
        )
        return report

    def _print(self, report: dict[str, Any]) -> None:
        which = f" ({scope_label(report['scope'])})" if report["scope"] else ""
        self.stdout.write(f"Sync of {report['division']}{which}: {report['status']}. {report['summary']}".rstrip())
        if report["error"]:
            self.stdout.write(report["error"])
        for entity, counts in report["entities"].items():
            parts = ", ".join(f"{count} {action}" for action, count in counts.items() if count)
            self.stdout.write(f"  {entity}: {parts or 'nothing'}")
        self.stdout.write(
            f"{report['api_calls']} API calls, {report['sql_queries']} SQL queries, {report['seconds']:.2f} s"
        )
