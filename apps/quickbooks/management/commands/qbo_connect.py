"""
``manage.py qbo_connect --division SLUG [--realm ID]``: connect a division to QuickBooks from a shell.

In local mode the sandbox's consent page is driven over HTTP (the server must be running at ``QBO_LOCAL_BASE_URL``).
Otherwise the authorization URL is printed; in a terminal, the address the browser lands on can then be pasted.
"""

import sys
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.core.models import Division
from apps.quickbooks.conf import api_config
from apps.quickbooks.errors import ConnectionUnavailableError, QuickBooksError
from apps.quickbooks.online.connection import callback_url, connection_authorization_start, connection_complete
from apps.quickbooks.online.local_consent import DEFAULT_EMAIL, DEFAULT_PASSWORD, callback_params, consent_give


class Command(BaseCommand):
    help = "Connect a division to QuickBooks (local mode: through the sandbox, without a browser)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--division", required=True, help="The division's slug.")
        parser.add_argument("--realm", default="", help="The sandbox company to connect (default: the first).")
        parser.add_argument("--email", default=DEFAULT_EMAIL, help="Sandbox sign-in (local mode).")
        parser.add_argument("--password", default=DEFAULT_PASSWORD, help="Sandbox password (local mode).")
        parser.add_argument(
            "--reset-links", action="store_true", help="Allow a different company: forget the division's links."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        division = Division.objects.filter(slug=options["division"]).first()
        if division is None:
            raise CommandError(f"No division has the slug {options['division']!r}.")
        try:
            url, pending = connection_authorization_start(
                division=division, user=None, redirect_uri=callback_url(), reset_links=options["reset_links"]
            )
            if api_config().is_local:
                result = consent_give(
                    url, realm_id=options["realm"], email=options["email"], password=options["password"]
                )
            else:
                self.stdout.write(f"Open this address and connect the QuickBooks company:\n\n{url}\n")
                if not sys.stdin.isatty():
                    return
                result = callback_params(input("Then paste the address the browser was sent to: ").strip())
            if result.error:
                raise CommandError(f"QuickBooks did not connect: {result.error}.")
            connection = connection_complete(
                division=division,
                code=result.code,
                state=result.state,
                realm_id=result.realm_id,
                user=None,
                pending=pending,
            )
        except (ConnectionUnavailableError, OSError) as exc:
            hint = " Is the server running at QBO_LOCAL_BASE_URL (runserver)?" if api_config().is_local else ""
            raise CommandError(f"QuickBooks could not be reached at {api_config().discovery_url}.{hint}") from exc
        except (QuickBooksError, ImproperlyConfigured) as exc:
            raise CommandError(getattr(exc, "message", str(exc))) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"{division} is connected to the QuickBooks company "
                f"{connection.company_name or '(name unknown)'} (realm {connection.realm_id})."
            )
        )
        if connection.last_error:
            self.stdout.write(self.style.WARNING(connection.last_error))
