"""
The demo's first sync, as the README has a new user do it: the demo company, Connect (the sandbox makes its first
company then), Configure as the README suggests, Preview, Sync Now. It completes with nothing failed or skipped,
and the preview counted it.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command

from apps.accounting.models import Account
from apps.core.selectors import division_get_default
from apps.demo.services import demo_seed
from apps.invoicing.models import Invoice, InvoiceStatus
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.models import SandboxCompany, SandboxEntity
from apps.quickbooks.mapping.common import name_key
from apps.quickbooks.models import SyncAction, SyncRunStatus
from apps.quickbooks.online.connection import callback_url, connection_authorization_start, connection_complete
from apps.quickbooks.online.local_consent import consent_give
from apps.quickbooks.online.mapping.accounts import account_record
from apps.quickbooks.sync.specs.accounts import account_fields
from tests.quickbooks.previews import preview_then_run

README_CONFIGURATION = ["--customers", "two-way", "--primary", "quickbooks", "--invoices", "to-quickbooks"]


def test_the_sandbox_company_has_every_account_of_the_demo_main_division(db):
    demo_seed()
    company = company_create()  # What the consent page creates when the sandbox has no company yet.
    accounts = SandboxEntity.objects.filter(company=company, entity_type="Account")
    chart = (account_fields(account_record(entity.data)) for entity in accounts)
    remote = {name_key(fields["name"]): fields for fields in chart}
    main = Account.objects.filter(division=division_get_default())
    assert main.count() >= 20
    for account in main:
        twin = remote.get(name_key(account.name))
        assert twin is not None, f"{account} is not in the sandbox's chart of accounts"
        assert (twin["account_type"], twin["description"]) == (account.account_type, account.description), account


def _connect(division):
    """Connect as a new install does: the sandbox's consent page makes its first company, which is chosen."""
    url, pending = connection_authorization_start(
        division=division, user=None, redirect_uri=callback_url(), reset_links=False
    )
    result = consent_give(url)
    return connection_complete(
        division=division, code=result.code, state=result.state, realm_id=result.realm_id, user=None, pending=pending
    )


@pytest.fixture
def demo_connected(qbo):
    demo_seed()
    division = division_get_default()
    assert not SandboxCompany.objects.exists()
    _connect(division)
    return division


@pytest.mark.parametrize(
    "extra", [[], ["--inventory", "to-quickbooks"]], ids=["as-the-readme-suggests", "with-items-to-quickbooks"]
)
def test_the_first_demo_sync_completes_and_the_preview_counted_it(demo_connected, extra):
    division = demo_connected
    call_command("qbo_configure", "--division", division.slug, *README_CONFIGURATION, *extra)
    ready = Invoice.objects.filter(division=division, status=InvoiceStatus.READY_FOR_SYNC).count()

    preview, run = preview_then_run(division)

    assert run.status == SyncRunStatus.SUCCEEDED, (run.error_summary, list(run.entries.values_list("message")))
    assert preview.status == SyncRunStatus.SUCCEEDED
    assert run.counts.get(SyncAction.FAILED, 0) == 0 and run.counts.get(SyncAction.SKIPPED, 0) == 0
    assert ready > 0 and run.entity_counts["invoice"] == {SyncAction.CREATED: ready}
    assert not Invoice.objects.filter(division=division, status=InvoiceStatus.READY_FOR_SYNC).exists()


@pytest.mark.parametrize("extra", [[], ["--inventory", "to-quickbooks"]], ids=["readme", "items-to-quickbooks"])
def test_the_first_demo_sync_keeps_every_invoice_total(demo_connected, extra):
    division = demo_connected
    call_command("qbo_configure", "--division", division.slug, *README_CONFIGURATION, *extra)
    before = dict(Invoice.objects.filter(division=division).values_list("number", "total"))

    preview_then_run(division)

    after = dict(Invoice.objects.filter(division=division).values_list("number", "total"))
    changed = {number: (before[number], total) for number, total in after.items() if total != before[number]}
    assert changed == {}
    assert sum(before.values(), Decimal(0)) > 0
