"""
``manage.py qbo_sandbox <subcommand>``: set up and inspect the QuickBooks sandbox from a shell or a script.

Every subcommand takes ``--json`` and then prints one JSON object on stdout and asks nothing.
"""

import json
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from apps.qbo_sandbox import companies, store
from apps.qbo_sandbox.faults.knobs import FaultKnobs
from apps.qbo_sandbox.models import SandboxApp, SandboxCompany, SandboxUser, WebhookFormat
from apps.qbo_sandbox.oauth import services as oauth
from apps.qbo_sandbox.seeding import SEEDS, SeedOptions
from apps.qbo_sandbox.webhooks.delivery import RETRY_DELAYS

# faults option -> company setting.
FAULT_OPTIONS = {
    "token_lifetime": "access_token_lifetime",
    "refresh_token_lifetime": "refresh_token_lifetime",
    "rate_limit_per_minute": "rate_limit_per_minute",
    "rate_limit_per_second": "rate_limit_per_second",
    "rate_limit_concurrent": "rate_limit_concurrent",
    "batch_rate_limit_per_minute": "batch_rate_limit_per_minute",
    "time_scale": "time_scale",
    "latency_ms": "latency_ms",
    "slow_rate": "slow_rate",
    "slow_seconds": "slow_seconds",
    "drop_rate": "drop_rate",
    "xml_fault_rate": "xml_fault_rate",
    "seed": "random_seed",
    "webhook_url": "webhook_url",
    "webhook_format": "webhook_format",
    "webhook_batch_seconds": "webhook_batch_seconds",
}
# faults option -> HTTP status whose error rate it sets.
ERROR_RATE_OPTIONS = {"error_rate_500": "500", "error_rate_503": "503"}


def _non_negative(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(value)
    return number


def _probability(value: str) -> float:
    number = float(value)
    if not 0 <= number <= 1:
        raise ValueError(value)
    return number


def _seconds(value: str) -> float:
    number = float(value)
    if number < 0:
        raise ValueError(value)
    return number


def _positive(value: str) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError(value)
    return number


def _error_rate(value: str) -> tuple[str, float]:
    status, _, probability = value.partition("=")
    rate = float(probability)
    if not status.isdigit() or not 0 <= rate <= 1:
        raise ValueError(value)
    return status, rate


class Command(BaseCommand):
    help = "Manage the local QuickBooks Online sandbox: companies, apps, tokens and per-company knobs."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="subcommand")

        def add(name: str, help_text: str) -> ArgumentParser:
            subparser = subcommands.add_parser(name, help=help_text, description=help_text)
            subparser.add_argument("--json", action="store_true", help="Print one JSON object; ask nothing.")
            return subparser

        create_company = add("create-company", "Create a company and print its realm id.")
        create_company.add_argument("--name", default="")
        create_company.add_argument("--realm", default="", help="A realm id to use instead of a random one.")
        create_company.add_argument("--seed", default="demo", choices=sorted(SEEDS))
        create_company.add_argument("--customers", type=_non_negative, default=0)
        create_company.add_argument("--items", type=_non_negative, default=0)
        create_company.add_argument("--invoices", type=_non_negative, default=0)
        create_company.add_argument("--custom-txn-numbers", action="store_true", help="Apps must send DocNumber.")
        create_company.add_argument("--no-sales-tax", action="store_true")
        create_company.add_argument("--user", default="", help="Email of the sign-in user to give access.")

        create_user = add("create-user", "Create a sign-in user of the authorization page.")
        create_user.add_argument("--email", required=True)
        create_user.add_argument("--password", required=True)
        create_user.add_argument("--realm", action="append", default=[], help="A company the user may connect.")

        create_app = add("create-app", "Register an app; prints its client id, client secret and verifier token.")
        create_app.add_argument("--name", required=True)
        create_app.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris")
        create_app.add_argument("--webhook-url", default="")
        create_app.add_argument("--webhook-format", default=WebhookFormat.CLOUDEVENTS, choices=WebhookFormat.values)

        playground = add("playground", "Connect an app to a company and print tokens, like Intuit's playground.")
        playground.add_argument("--realm", required=True)
        playground.add_argument("--client-id", required=True)
        playground.add_argument("--scope", default=oauth.ACCOUNTING_SCOPE)

        add("list", "List companies, apps and sign-in users.")

        reset = add("reset", "Delete all sandbox state.")
        reset.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        reset.add_argument("--keep-apps", action="store_true", help="Keep registered apps (and their keys).")

        faults = add("faults", "Show or change a company's knobs: limits, injected faults, token lifetime, webhooks.")
        faults.add_argument("--realm", required=True)
        faults.add_argument("--token-lifetime", type=_non_negative, help="Access token lifetime, seconds.")
        faults.add_argument("--refresh-token-lifetime", type=_non_negative, help="Seconds.")
        limits = faults.add_argument_group("limits (0 turns one off)")
        limits.add_argument(
            "--requests-per-minute",
            "--rate-limit-per-minute",
            dest="rate_limit_per_minute",
            type=_non_negative,
            metavar="N",
        )
        limits.add_argument(
            "--requests-per-second",
            "--rate-limit-per-second",
            dest="rate_limit_per_second",
            type=_non_negative,
            metavar="N",
        )
        limits.add_argument(
            "--concurrent", "--rate-limit-concurrent", dest="rate_limit_concurrent", type=_non_negative, metavar="N"
        )
        limits.add_argument(
            "--batch-per-minute",
            "--batch-rate-limit-per-minute",
            dest="batch_rate_limit_per_minute",
            type=_non_negative,
            metavar="N",
        )
        limits.add_argument(
            "--time-scale",
            type=_positive,
            metavar="X",
            help="Sandbox seconds per real second: 10 makes a minute window 6 s.",
        )
        injected = faults.add_argument_group("injected faults (P is a probability from 0 to 1)")
        injected.add_argument("--latency-ms", type=_non_negative, metavar="MS", help="Added to every call.")
        injected.add_argument("--error-rate-500", type=_probability, metavar="P")
        injected.add_argument("--error-rate-503", type=_probability, metavar="P")
        injected.add_argument(
            "--error-rate", type=_error_rate, action="append", default=[], metavar="STATUS=P", help="e.g. 502=0.01"
        )
        injected.add_argument("--slow-rate", type=_probability, metavar="P", help="Calls that sleep --slow-seconds.")
        injected.add_argument("--slow-seconds", type=_seconds, metavar="S")
        injected.add_argument("--drop-rate", type=_probability, metavar="P", help="Connections closed unanswered.")
        injected.add_argument("--xml-fault-rate", type=_probability, metavar="P", help="Faults sent as XML.")
        faults.add_argument(
            "--seed", type=int, help="Random seed for generated data and injected faults; restarts the sequence."
        )
        faults.add_argument("--webhook-url", help="Empty to use the app's.")
        faults.add_argument("--webhook-format", choices=["", *WebhookFormat.values])
        faults.add_argument("--webhook-batch-seconds", type=_seconds, metavar="S", help="0 sends each change at once.")
        faults.add_argument(
            "--reset", "--defaults", dest="defaults", action="store_true", help="Drop every override first."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        handler = getattr(self, "handle_" + options["subcommand"].replace("-", "_"))
        try:
            result, text = handler(options)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(result, indent=2) if options["json"] else text)

    def handle_create_company(self, options: dict[str, Any]) -> tuple[dict, str]:
        user = None
        if options["user"]:
            user = SandboxUser.objects.filter(email=options["user"].strip().lower()).first()
            if user is None:
                raise ValueError(f"No sandbox user has the email {options['user']}.")
        seed = SeedOptions(
            seed=options["seed"],
            customers=options["customers"],
            items=options["items"],
            invoices=options["invoices"],
            custom_txn_numbers=options["custom_txn_numbers"],
            sales_tax=not options["no_sales_tax"],
        )
        company = companies.company_create(name=options["name"], realm_id=options["realm"], options=seed, user=user)
        result = {
            "realm_id": company.realm_id,
            "name": company.name,
            "seed": seed.seed,
            "entities": store.entity_counts(company),
            "users": sorted(company.users.values_list("email", flat=True)),
        }
        return result, company.realm_id

    def handle_create_user(self, options: dict[str, Any]) -> tuple[dict, str]:
        realms = [companies.company_get(realm_id) for realm_id in options["realm"]]
        if SandboxUser.objects.filter(email=options["email"].strip().lower()).exists():
            raise ValueError(f"A sandbox user with the email {options['email']} exists.")
        user = companies.user_create(email=options["email"], password=options["password"], companies=realms)
        return {"email": user.email, "companies": [company.realm_id for company in realms]}, user.email

    def handle_create_app(self, options: dict[str, Any]) -> tuple[dict, str]:
        app, client_secret = oauth.app_create(
            name=options["name"],
            redirect_uris=options["redirect_uris"],
            webhook_url=options["webhook_url"],
            webhook_format=options["webhook_format"],
        )
        result = {
            "name": app.name,
            "client_id": app.client_id,
            "client_secret": client_secret,
            "redirect_uris": app.redirect_uris,
            "webhook_url": app.webhook_url,
            "webhook_format": app.webhook_format,
            "webhook_verifier_token": app.webhook_verifier_token,
            "discovery_path": "/qbo-sandbox/.well-known/openid_configuration/",
        }
        text = "\n".join(
            [
                f"Client ID:      {app.client_id}",
                f"Client secret:  {client_secret}   (shown once)",
                f"Verifier token: {app.webhook_verifier_token}",
                "Discovery:      <server>/qbo-sandbox/.well-known/openid_configuration/",
            ]
        )
        return result, text

    def handle_playground(self, options: dict[str, Any]) -> tuple[dict, str]:
        company = companies.company_get(options["realm"])
        app = SandboxApp.objects.filter(client_id=options["client_id"]).first()
        if app is None:
            raise ValueError(f"No sandbox app has the client id {options['client_id']}.")
        scopes = options["scope"].split()
        if oauth.ACCOUNTING_SCOPE not in scopes or not set(scopes) <= oauth.SUPPORTED_SCOPES:
            raise ValueError(f"The scope must include {oauth.ACCOUNTING_SCOPE} and only known scopes.")
        issued = oauth.grant_create(app=app, company=company, scope=" ".join(scopes))
        result = {"realm_id": company.realm_id, **issued.as_response()}
        text = "\n".join(
            [
                f"Realm ID:      {company.realm_id}",
                f"Access token:  {issued.access_token}",
                f"Refresh token: {issued.refresh_token}",
                f"Expires in:    {issued.expires_in} s (refresh token: {issued.refresh_expires_in} s)",
            ]
        )
        return result, text

    def handle_list(self, options: dict[str, Any]) -> tuple[dict, str]:
        company_rows = SandboxCompany.objects.annotate(entity_count=Count("entities")).order_by("name", "realm_id")
        result = {
            "companies": [
                {"realm_id": c.realm_id, "name": c.name, "entities": c.entity_count, "settings": c.settings}
                for c in company_rows
            ],
            "apps": [
                {
                    "name": app.name,
                    "client_id": app.client_id,
                    "redirect_uris": app.redirect_uris,
                    "webhook_url": app.webhook_url,
                    "webhook_format": app.webhook_format,
                }
                for app in SandboxApp.objects.order_by("name")
            ],
            "users": [
                {"email": user.email, "companies": sorted(c.realm_id for c in user.companies.all())}
                for user in SandboxUser.objects.prefetch_related("companies").order_by("email")
            ],
        }
        lines = ["Companies:"]
        lines += [f"  {c['realm_id']}  {c['name']}  ({c['entities']} entities)" for c in result["companies"]]
        lines += ["Apps:"]
        lines += [f"  {a['client_id']}  {a['name']}  {' '.join(a['redirect_uris'])}" for a in result["apps"]]
        lines += ["Users:"]
        lines += [f"  {u['email']}  {' '.join(u['companies'])}" for u in result["users"]]
        return result, "\n".join(lines)

    def handle_reset(self, options: dict[str, Any]) -> tuple[dict, str]:
        if not (options["yes"] or options["json"]):
            if not sys.stdin.isatty():
                raise CommandError("Not interactive: pass --yes to delete all sandbox state.")
            if input("Delete all QuickBooks sandbox state? Type 'yes' to continue: ").strip().lower() != "yes":
                raise CommandError("Reset cancelled.")
        deleted = companies.sandbox_reset(keep_apps=options["keep_apps"])
        total = sum(deleted.values())
        return {"deleted": deleted}, f"Deleted {total} sandbox rows."

    def handle_faults(self, options: dict[str, Any]) -> tuple[dict, str]:
        """
        Store the knobs given and print the effective ones.

        Saving any knob (``--reset`` included) restarts the company's rate windows, in-flight gauge and fault
        sequence, so that a run with ``--seed`` is reproducible from its first request.
        """
        company = companies.company_get(options["realm"])
        if options["defaults"]:
            company = companies.company_update_settings(company, {name: None for name in company.settings})
        changes = {setting: options[option] for option, setting in FAULT_OPTIONS.items() if options[option] is not None}
        error_rates = dict(options["error_rate"])
        error_rates.update(
            {status: options[option] for option, status in ERROR_RATE_OPTIONS.items() if options[option] is not None}
        )
        if error_rates:
            merged = {**company.setting("error_rates"), **error_rates}
            changes["error_rates"] = {status: rate for status, rate in merged.items() if rate}
        if changes:
            company = companies.company_update_settings(company, changes)
        effective = company.effective_settings()
        derived = _fault_windows(company)
        result = {
            "realm_id": company.realm_id,
            "settings": effective,
            "overrides": company.settings,
            "derived": derived,
        }
        lines = [f"{name}: {json.dumps(value)}" for name, value in {**effective, **derived}.items()]
        return result, "\n".join(lines)


def _fault_windows(company: SandboxCompany) -> dict[str, Any]:
    """The real durations the knobs amount to, after the time scale."""
    knobs = FaultKnobs.of(company)
    return {
        "minute_window_seconds": knobs.minute,
        "webhook_retry_seconds": [knobs.scaled(delay) for delay in RETRY_DELAYS],
    }
