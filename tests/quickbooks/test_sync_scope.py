"""
Scoped runs, planned (issue 15): which steps a scope runs, what their pull reads, which lists they only read, how a
scoped run is named, and that it leaves the cursors where they were. The engine runs here with a backend that only
records what it is asked; the scenarios against the sandbox are in ``tests/quickbooks/sync/test_scoped_runs.py``.
"""

from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.catalog.models import Item
from apps.invoicing.models import InvoiceStatus
from apps.quickbooks.models import RecordLink, SyncRun, SyncRunStatus, SyncSettings, SyncState, SyncTrigger
from apps.quickbooks.sync import run_division_sync
from apps.quickbooks.sync.backend import Snapshot
from apps.quickbooks.sync.context import RunContext, SyncRules
from apps.quickbooks.sync.records import CompanyPreferences
from apps.quickbooks.sync.scope import ScopeError, pull_plan, scope_choices, scope_note, scope_parse, scope_steps
from apps.quickbooks.sync.steps import STEPS
from tests.factories import InvoiceFactory, ItemFactory

LISTS = ["Term", "TaxCode", "TaxRate", "TaxAgency"]
EVERYTHING = {
    "customers_direction": "two_way",
    "customers_primary": "quickbooks",
    "inventory_direction": "to_local",
    "invoices_direction": "to_quickbooks",
    "sync_tax_rates_and_terms": True,
}


class RecordingBackend:
    """A QuickBooks with nothing in it that remembers what the engine asked it to read."""

    api_calls = 0

    def __init__(self) -> None:
        self.pulls: list[dict] = []

    def pull(self, *, changed, listed, since):
        self.pulls.append({"changed": changed, "listed": listed, "since": since})
        return Snapshot(
            records={entity: [] for entity in [*changed, *listed]}, complete=set(listed), as_of=timezone.now()
        )

    def write(self, writes):
        raise AssertionError(f"Nothing should be written: {writes}")

    def read_by_ids(self, entity, ids):
        return []

    def find_by_names(self, entity, names, *, within=()):
        return []

    def preferences(self):
        return CompanyPreferences()

    def close(self) -> None:
        pass


def _settings(division, **options) -> SyncSettings:
    return SyncSettings.objects.update_or_create(division=division, defaults={**EVERYTHING, **options})[0]


def _rules(**options) -> SyncRules:
    return SyncRules(SyncSettings(**{**EVERYTHING, **options}))


def _context(division, *, scope=(), cursor=None, **options) -> RunContext:
    """A run's context as the engine makes it for the lists ``scope`` picks."""
    settings = SyncSettings(division=division, **{**EVERYTHING, **options})
    now = timezone.now()
    ctx = RunContext(
        division=division,
        settings=settings,
        state=SyncState(division=division, remote_cursor=cursor),
        run=SyncRun(division=division, trigger=SyncTrigger.MANUAL),
        backend=RecordingBackend(),
        journal=None,
        lock_owner="",
        started_at=now,
    )
    ctx.scope = tuple(step.name for step in scope_steps(scope, ctx)) if scope else ()
    return ctx


# Names.


@pytest.mark.parametrize(
    ("given", "steps"),
    [
        ("customers", ("customers",)),
        ("Customers,ITEMS", ("items", "customers")),  # in step order, whatever the order given
        (" invoices , customers ,", ("customers", "invoices")),
        ("payment-terms,Tax_Rates", ("payment terms", "tax rates")),
        (["Payment terms", "customers", "customers"], ("payment terms", "customers")),
        ("", ()),
    ],
)
def test_lists_are_named_as_the_page_shows_them_in_any_case(given, steps):
    assert scope_parse(given) == steps


def test_an_unknown_list_is_refused_with_the_names_of_those_there_are():
    with pytest.raises(ScopeError) as error:
        scope_parse("customers,timesheets")

    assert str(error.value) == (
        "There is no list named 'timesheets' to synchronize. The lists are: Payment terms, Tax rates, Accounts, Items, "
        "Inventory, Inventory adjustments, Customers, Vendors, Invoices."
    )


def test_every_step_depends_only_on_steps_that_run_before_it():
    names = [step.name for step in STEPS]
    for index, step in enumerate(STEPS):
        assert set(step.depends_on) <= set(names[:index]), step.name


# Steps and reads.


@pytest.mark.parametrize(
    ("scope", "options", "steps"),
    [
        (["invoices", "customers"], {"customers_direction": "to_quickbooks"}, ["customers", "invoices"]),
        # Customers from QuickBooks bring the payment terms and tax rates QuickBooks keeps, which they refer to.
        (["customers"], {}, ["payment terms", "tax rates", "customers"]),
        (["customers"], {"customers_direction": "to_local"}, ["payment terms", "tax rates", "customers"]),
        (["customers"], {"customers_direction": "to_local", "sync_tax_rates_and_terms": False}, ["customers"]),
        (["customers"], {"customers_direction": "to_quickbooks"}, ["customers"]),  # FieldOffice keeps the lists
        # Items from QuickBooks bring its chart of accounts; items sent there name accounts by their links.
        (["items"], {}, ["accounts", "items"]),
        (["items"], {"inventory_direction": "to_quickbooks"}, ["items"]),
        (["invoices"], {}, ["invoices"]),  # invoices bring nothing: one whose customer is not there waits
        ([], {}, [step.name for step in STEPS]),
    ],
)
def test_a_scope_runs_the_steps_picked_and_those_they_bring_in_dependency_order(scope, options, steps):
    assert [step.name for step in scope_steps(scope, _rules(**options))] == steps


@pytest.fixture
def synced_before(division):
    """A division synced before: an item linked (its changes are read, not its whole list) and an invoice to send."""
    item = ItemFactory(division=division)
    RecordLink.objects.create(
        division=division,
        content_type=ContentType.objects.get_for_model(Item),
        object_id=item.pk,
        entity_type="Item",
        qbo_id="1",
    )
    InvoiceFactory(division=division, status=InvoiceStatus.READY_FOR_SYNC)  # invoices then read QuickBooks' tax codes


@pytest.mark.parametrize(
    ("scope", "changed", "listed"),
    [
        ((), ["Item", "Customer", "Invoice", "Payment"], [*LISTS, "Account"]),
        (("customers",), ["Customer"], LISTS),
        (("items",), ["Item"], ["Account"]),
        (("accounts",), [], ["Account"]),
        (("invoices",), ["Invoice", "Payment"], ["TaxCode", "TaxRate"]),  # its tax codes, for what QuickBooks charges
        (("payment terms",), [], ["Term"]),  # each list reads its own
        (("tax rates",), [], ["TaxCode", "TaxRate", "TaxAgency"]),
        (("customers", "items"), ["Item", "Customer"], [*LISTS, "Account"]),
    ],
)
def test_a_scoped_pull_reads_what_its_steps_read_and_nothing_for_the_others(
    division, synced_before, scope, changed, listed
):
    ctx = _context(division, scope=scope, cursor=timezone.now() - timedelta(hours=1))

    assert pull_plan(ctx) == (changed, listed)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("scope", "options", "note"),
    [
        (
            ["invoices"],
            {},
            "Only Invoices were synchronized; the payment terms, tax rates, items and customers they refer to were "
            "used as last synchronized.",
        ),
        (
            ["invoices"],
            {"inventory_direction": "off", "sync_tax_rates_and_terms": False},
            "Only Invoices were synchronized; the customers they refer to were used as last synchronized.",
        ),
        (
            ["customers"],
            {},
            "Only Customers were synchronized, with the payment terms and tax rates they refer to, which QuickBooks "
            "keeps.",
        ),
        (
            ["customers"],
            {"customers_direction": "to_quickbooks"},
            "Only Customers were synchronized; the payment terms and tax rates they refer to were used as last "
            "synchronized.",
        ),
        (
            ["customers", "invoices"],
            {},
            "Only Customers, Invoices were synchronized, with the payment terms and tax rates they refer to, which "
            "QuickBooks keeps; the items they refer to were used as last synchronized.",
        ),
        (["accounts"], {}, ""),  # nothing around it
        ([], {}, ""),  # a run of every list
    ],
)
def test_a_scoped_run_says_which_lists_around_its_own_it_brought_and_which_it_only_read(division, scope, options, note):
    assert scope_note(_context(division, scope=scope, **options), tuple(scope)) == note


@pytest.mark.django_db
def test_a_scoped_preview_says_what_the_run_would_bring_and_read(division):
    ctx = _context(division, scope=["customers", "invoices"])
    ctx.preview = True

    assert scope_note(ctx, ("customers", "invoices")) == (
        "Only Customers, Invoices would be synchronized, with the payment terms and tax rates they refer to, which "
        "QuickBooks keeps; the items they refer to would be used as last synchronized."
    )


def test_the_page_offers_a_button_per_list_the_settings_exchange():
    every = SyncRules(SyncSettings(**EVERYTHING))
    assert [step.label for step in scope_choices(every)] == [
        "Payment terms",
        "Tax rates",
        "Accounts",
        "Items",
        "Customers",
        "Invoices",
    ]
    customers_only = SyncRules(SyncSettings(customers_direction="to_local", sync_tax_rates_and_terms=False))
    assert [step.label for step in scope_choices(customers_only)] == ["Customers"]
    items_out = SyncRules(SyncSettings(inventory_direction="to_quickbooks", sync_tax_rates_and_terms=False))
    assert [step.label for step in scope_choices(items_out)] == ["Accounts", "Items"]


# The run.


def test_a_scoped_run_is_named_with_its_lists():
    assert SyncRun(trigger=SyncTrigger.MANUAL, scope=["customers", "items"]).get_trigger_display() == (
        "Sync Now — Customers, Items"
    )
    assert SyncRun(trigger=SyncTrigger.PREVIEW, scope=["payment terms"]).get_trigger_display() == (
        "Preview — Payment terms"
    )
    assert SyncRun(trigger=SyncTrigger.MANUAL).get_trigger_display() == "Sync Now"


@pytest.mark.django_db
def test_a_scoped_run_reads_only_its_lists_and_leaves_the_cursors_and_the_retries_of_the_others(division):
    _settings(division, customers_direction="to_local", customers_primary="", sync_tax_rates_and_terms=False)
    cursor, local_cursor = timezone.now() - timedelta(hours=2), timezone.now() - timedelta(hours=1)
    SyncState.objects.update_or_create(
        division=division,
        defaults={"remote_cursor": cursor, "local_cursor": local_cursor, "retry_remote": {"Item": ["7"]}},
    )
    backend = RecordingBackend()

    run = run_division_sync(division.pk, SyncTrigger.MANUAL, backend=backend, scope=["customers"])

    assert run.status == SyncRunStatus.SUCCEEDED, run.error_summary
    assert run.scope == ["customers"] and run.get_trigger_display() == "Sync Now — Customers"
    assert backend.pulls == [{"changed": ["Customer"], "listed": [], "since": cursor}]  # nothing of items
    state = SyncState.objects.get(division=division)
    # Items' changes since the cursor were not applied: a cursor moved past them would have lost them.
    assert (state.remote_cursor, state.local_cursor) == (cursor, local_cursor)
    assert state.retry_remote == {"Item": ["7"]}
    assert run.summary == "Nothing to do: both systems already agree on Customers."

    full = run_division_sync(division.pk, SyncTrigger.MANUAL, backend=RecordingBackend())

    state.refresh_from_db()
    assert full.status == SyncRunStatus.SUCCEEDED and state.remote_cursor > cursor and state.local_cursor > local_cursor


@pytest.mark.django_db
def test_a_scoped_run_of_a_list_the_settings_do_not_exchange_does_nothing_and_says_why(division):
    _settings(division, inventory_direction="off")
    backend = RecordingBackend()

    run = run_division_sync(division.pk, SyncTrigger.MANUAL, backend=backend, scope=["items"])

    assert run.status == SyncRunStatus.SUCCEEDED
    assert run.summary == "Items are not set to sync: choose what to sync with Configure Sync."
    assert backend.pulls == []


@pytest.mark.django_db
def test_a_queued_run_naming_a_list_that_no_longer_exists_does_nothing(division):
    _settings(division)
    run = SyncRun.objects.create(division=division, trigger=SyncTrigger.MANUAL, scope=["timesheets"])
    backend = RecordingBackend()

    run = run_division_sync(division.pk, SyncTrigger.MANUAL, run_id=run.pk, backend=backend)

    assert run.status == SyncRunStatus.FAILED
    assert run.error_summary.startswith("There is no list named 'timesheets' to synchronize.")
    assert run.error_summary.endswith("Nothing was synchronized.")
    assert backend.pulls == []


@pytest.mark.django_db
def test_an_invoice_whose_customer_a_scoped_run_left_out_says_to_run_customers_first(division):
    ctx = _context(division, scope=["invoices"], customers_direction="to_quickbooks")
    assert ctx.run_first("customers") == (
        "This sync was of Invoices only: run Customers first (Synchronize Customers, or Sync Now)."
    )
    assert _context(division, scope=["customers", "invoices"]).run_first("customers") == ""
    assert _context(division).run_first("customers") == ""
