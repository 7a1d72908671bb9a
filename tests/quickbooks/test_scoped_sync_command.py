"""``manage.py qbo_sync --only``: a scoped run from the command line, against the sandbox over real HTTP (issue 15)."""

import json

import pytest
from django.core.management import CommandError, call_command

from apps.customers.models import Customer
from apps.qbo_sandbox.models import SandboxEntity
from apps.quickbooks.models import SyncRun
from tests.factories import CustomerFactory, ItemFactory
from tests.quickbooks.sync.conftest import configure, remote_create


def test_only_customers_syncs_customers_and_reports_its_scope(division, connection, sandbox_company, capsys):
    CustomerFactory(division=division, display_name="Umber Tiles")
    ItemFactory(division=division, name="Grout")
    configure(
        division,
        customers_direction="to_quickbooks",
        inventory_direction="to_quickbooks",
        sync_tax_rates_and_terms=False,
    )

    call_command("qbo_sync", "--division", division.slug, "--only", "Customers", "--json")

    report = json.loads(capsys.readouterr().out)
    assert report["scope"] == ["customers"] and report["status"] == "succeeded"
    assert report["entities"] == {
        "customer": {"created": 1, "updated": 0, "linked": 0, "deactivated": 0, "skipped": 0, "failed": 0}
    }
    assert SandboxEntity.objects.filter(company=sandbox_company, entity_type="Customer").count() == 1
    assert not SandboxEntity.objects.filter(company=sandbox_company, entity_type="Item").exists()  # Grout stays
    assert SyncRun.objects.get().scope == ["customers"]


def test_only_with_preview_in_plain_text(division, connection, sandbox_company, capsys):
    remote_create(sandbox_company, "Customer", {"DisplayName": "Vale Vineyards"})
    configure(division, customers_direction="to_local", sync_tax_rates_and_terms=False)

    call_command("qbo_sync", "--division", division.slug, "--only", "customers,", "--preview")

    assert capsys.readouterr().out.splitlines()[:2] == [
        f"Sync of {division.slug} (Customers): succeeded. A sync now would do this: 1 created.",
        "  customer: 1 created",
    ]
    assert not Customer.objects.filter(division=division).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            ["--only", "customers,timesheets"],
            "There is no list named 'timesheets' to synchronize. The lists are: Payment terms, Tax rates, Accounts, "
            "Items, Inventory, Inventory adjustments, Customers, Vendors, Invoices.",
        ),
        (["--only", " , "], "--only names no list. The lists are: Payment terms, Tax rates, Accounts, Items,"),
        (["--drift", "--only", "customers"], "--drift runs no sync: leave out --only, --full, --preview and"),
    ],
)
def test_a_plain_error_for_what_cannot_be_synced(division, arguments, message):
    with pytest.raises(CommandError) as error:
        call_command("qbo_sync", "--division", division.slug, *arguments)

    assert str(error.value).startswith(message)
    assert not SyncRun.objects.exists()
