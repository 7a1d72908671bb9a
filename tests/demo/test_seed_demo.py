from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import Sum
from django.utils import timezone

from apps.accounting.models import STOCKED_ITEM_TYPES, DefaultAccounts, ItemType
from apps.catalog.models import Item, StockMovement
from apps.core.roles import OFFICE, OWNER, READ_ONLY
from apps.core.selectors import division_get_default
from apps.customers.models import Customer
from apps.demo.services import DEMO_PASSWORD, demo_seed
from apps.inventory.models import AdjustmentStatus, InventoryAdjustment, PickingOrder
from apps.invoicing.calculations import LineAmount, invoice_balance, invoice_totals, line_amount
from apps.invoicing.models import Invoice, InvoiceStatus
from apps.purchasing.models import ReceivingOrder, Vendor
from apps.users.models import User

pytestmark = pytest.mark.django_db

DOMAIN_APPS = ("core", "accounting", "customers", "catalog", "invoicing", "users")


def _record_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for app_label in DOMAIN_APPS
        for model in apps.get_app_config(app_label).get_models()
    }


@pytest.fixture
def seeded():
    return demo_seed(admin_email="admin@example.com", admin_password=DEMO_PASSWORD)


def test_seed_creates_an_invoice_in_every_status(seeded):
    main = division_get_default()
    statuses = set(Invoice.objects.filter(division=main).values_list("status", flat=True))
    assert statuses == set(InvoiceStatus.values)
    assert 20 <= Invoice.objects.filter(division=main).count() <= 30


def test_seed_creates_overdue_partly_paid_and_zero_dollar_invoices(seeded):
    today = timezone.localdate()
    overdue = Invoice.objects.overdue(today=today)
    assert overdue.exists()
    assert all(invoice.is_overdue(today=today) for invoice in overdue)
    partly_paid = [invoice for invoice in Invoice.objects.open() if invoice.payments.exists() and invoice.balance > 0]
    assert partly_paid
    assert Invoice.objects.filter(total=0).exclude(status=InvoiceStatus.VOID).exists()
    # Open and not yet due: "overdue" means something only if some open invoices are not.
    assert Invoice.objects.open().filter(due_date__gte=today, balance__gt=0).exists()


def test_seed_invoice_totals_match_the_calculations(seeded):
    invoices = Invoice.objects.prefetch_related("lines", "payments").select_related("tax_rate", "customer")
    assert invoices.exists()
    for invoice in invoices:
        lines = list(invoice.lines.all())
        assert lines, invoice
        for line in lines:
            assert line.amount == line_amount(quantity=line.quantity, unit_price=line.unit_price)
        totals = invoice_totals(
            lines=[LineAmount(amount=line.amount, taxable=line.taxable) for line in lines],
            tax_percent=invoice.tax_rate.percent if invoice.tax_rate else None,
            customer_taxable=invoice.customer.taxable,
        )
        assert (invoice.subtotal, invoice.tax, invoice.total) == (totals.subtotal, totals.tax, totals.total), invoice
        if invoice.status == InvoiceStatus.VOID:
            assert invoice.balance == 0
        else:
            paid = [payment.amount for payment in invoice.payments.all()]
            assert invoice.balance == invoice_balance(total=totals.total, payments=paid), invoice
        if invoice.status == InvoiceStatus.PAID:
            assert invoice.balance == 0 and invoice.payments.exists()


def test_seed_taxes_taxable_lines_but_not_the_exempt_customer(seeded):
    exempt = Customer.objects.get(taxable=False, division=division_get_default())
    assert all(invoice.tax == 0 for invoice in exempt.invoices.all())
    taxed = Invoice.objects.filter(tax__gt=0)
    assert taxed.exists()


def test_seed_creates_items_of_every_type_with_accounts(seeded):
    main = division_get_default()
    items = Item.objects.filter(division=main)
    assert set(items.values_list("item_type", flat=True)) == set(ItemType.values)
    for item in items:
        assert item.income_account and item.expense_account, item
        if item.item_type in STOCKED_ITEM_TYPES:
            assert item.asset_account, item
            assert item.quantity_on_hand > 0, item
        else:
            assert item.asset_account is None and item.quantity_on_hand == 0, item
        item.full_clean()


def test_seed_creates_default_accounts_per_item_type(seeded):
    main = division_get_default()
    defaults = {row.item_type: row for row in DefaultAccounts.objects.filter(division=main)}
    assert set(defaults) == set(ItemType.values)
    for item_type, row in defaults.items():
        assert row.income_account and row.expense_account
        assert (row.asset_account is not None) == (item_type in STOCKED_ITEM_TYPES)
        assert {row.income_account.division_id, row.expense_account.division_id} == {main.pk}


def test_seed_creates_the_customers_of_the_invoice_list(seeded):
    main = division_get_default()
    bar = Customer.objects.get(division=main, display_name="--Basement Bar--")
    locations = {location.name: location.address_line for location in bar.service_locations.all()}
    assert len(locations) == 2
    assert locations["BB_1"] == "511 N Washington Ave, Minneapolis, MN, 55401"
    assert bar.billing_address == "511 N Washington Ave, Minneapolis, MN, 55401"
    assert bar.contacts.exists() and bar.notes.exists()
    assert Customer.objects.get(display_name="A&L Chinese Restaurant").billing_city == "Inver Grove Heights"
    club = Customer.objects.get(display_name="2 wheels club")
    assert club.tax_rate.percent == Decimal("8.3") and club.billing_city == "Mesa"
    assert Customer.objects.filter(division=main, active=False).count() == 1
    assert Customer.objects.filter(division=main, taxable=False).count() == 1
    assert Customer.objects.filter(division=main).exclude(company_name="").exists()
    assert Customer.objects.filter(division=main, company_name="").exclude(last_name="").exists()
    assert 10 <= Customer.objects.filter(division=main).count() <= 15


def test_seed_creates_a_second_division_with_its_own_records(seeded):
    snow = Invoice.objects.exclude(division=division_get_default())
    assert snow.exists()
    assert all(invoice.customer.division_id == invoice.division_id for invoice in snow)
    assert all(line.item.division_id == line.invoice.division_id for invoice in snow for line in invoice.lines.all())


def test_seed_twice_creates_nothing_new(seeded):
    assert seeded.created_anything
    before = _record_counts()
    again = demo_seed(admin_email="admin@example.com", admin_password=DEMO_PASSWORD)
    assert not again.created_anything
    assert _record_counts() == before


def test_seed_users_can_sign_in_with_their_roles(seeded, client):
    admin = User.objects.get(email="admin@example.com")
    assert admin.is_superuser and admin.is_staff
    assert client.login(email="admin@example.com", password=DEMO_PASSWORD)
    assert client.get("/admin/").status_code == 200
    for email, role in seeded.users:
        user = User.objects.get(email=email)
        assert list(user.groups.values_list("name", flat=True)) == [role]
        assert not user.is_superuser
        assert client.login(email=email, password=DEMO_PASSWORD)
    assert {role for _, role in seeded.users} == {OFFICE, READ_ONLY}
    assert admin.groups.filter(name=OWNER).exists()


def test_seed_brings_the_demo_users_back_to_the_printed_credentials(seeded, client):
    admin = User.objects.get(email="admin@example.com")
    admin.set_password("changed-meanwhile")
    admin.is_active = False
    admin.save()
    demo_seed(admin_email="admin@example.com", admin_password=DEMO_PASSWORD)
    assert client.login(email="admin@example.com", password=DEMO_PASSWORD)


def test_seed_takes_another_admin_email_and_password(seeded, client):
    demo_seed(admin_email="boss@example.com", admin_password="another-demo-password")
    boss = User.objects.get(email="boss@example.com")
    assert boss.is_superuser and boss.is_staff
    assert client.login(email="boss@example.com", password="another-demo-password")
    assert client.login(email="office@example.com", password="another-demo-password")


def test_command_prints_the_credentials_and_is_idempotent(settings):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", stdout=out)
    first = out.getvalue()
    assert "Sign in at http://127.0.0.1:8000/admin/ as admin@example.com / fieldoffice-demo" in first
    assert "office@example.com" in first and "readonly@example.com" in first

    out = StringIO()
    call_command("seed_demo", stdout=out)
    second = out.getvalue()
    assert "nothing new created" in second
    assert "Sign in at http://127.0.0.1:8000/admin/ as admin@example.com / fieldoffice-demo" in second


def test_command_takes_email_and_password(settings, client):
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--email", "owner@example.com", "--password", "s3cret-demo", stdout=out)
    assert "owner@example.com / s3cret-demo" in out.getvalue()
    assert client.login(email="owner@example.com", password="s3cret-demo")


def test_command_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG is off"):
        call_command("seed_demo", stdout=StringIO())
    assert not Invoice.objects.exists()
    out = StringIO()
    call_command("seed_demo", "--force", stdout=out)
    assert "admin@example.com / fieldoffice-demo" in out.getvalue()


def test_seed_creates_vendors_and_stock_documents_whose_ledger_explains_every_quantity(seeded):
    assert Vendor.objects.count() == 3
    assert sorted(ReceivingOrder.objects.values_list("status", flat=True)) == ["open", "partly_received"]
    assert sorted(PickingOrder.objects.values_list("status", flat=True)) == ["open", "picked"]
    assert sorted(InventoryAdjustment.objects.values_list("status", flat=True)) == [
        AdjustmentStatus.DRAFT, AdjustmentStatus.READY,
    ]
    for item in Item.objects.all():
        moved = StockMovement.objects.filter(item=item).aggregate(total=Sum("quantity"))["total"] or 0
        assert moved == item.quantity_on_hand, item
    filters = Item.objects.get(name="Furnace filter 16x25x1", division=division_get_default())
    assert filters.quantity_on_hand == 48 + 24 - 6
