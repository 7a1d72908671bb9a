"""
Invoices QuickBooks totals differently (it applies its own tax): the preview predicts them, the sync keeps both
figures on the invoice with the reason, and the run's summary counts them. Against the sandbox over real HTTP.
"""

from decimal import Decimal

import pytest

from apps.customers.services import customer_update
from apps.invoicing.models import Invoice
from apps.qbo_sandbox.entities import entity_create
from apps.qbo_sandbox.entities.tax import taxcode_create
from apps.qbo_sandbox.models import SandboxEntity
from apps.quickbooks.models import SyncTrigger
from tests.factories import CustomerFactory, ServiceLocationFactory, TaxRateFactory
from tests.quickbooks.sync.conftest import configure, entries, remote_by_name, sync
from tests.quickbooks.sync.test_invoices import books, ready  # noqa: F401  (``books`` is a fixture)

# QuickBooks' income account and "Services" item, which stands for the lines' items.
pytestmark = pytest.mark.usefixtures("books")


@pytest.fixture
def california(company):
    """QuickBooks' only tax code: the company's default, which automated sales tax falls back on."""
    agency = entity_create(company, "TaxAgency", {"DisplayName": "California Department of Tax and Fee Administration"})
    answer = taxcode_create(
        company,
        {
            "TaxCode": "California",
            "TaxRateDetails": [{"TaxRateName": "California", "RateValue": "7.25", "TaxAgencyId": agency.entity_id}],
        },
    )
    return answer["TaxCodeId"]


@pytest.fixture
def minneapolis(division):
    """A rate FieldOffice charges that QuickBooks has no tax code for."""
    return TaxRateFactory(division=division, name="Minneapolis", percent=Decimal("8.025"), agency="Minnesota")


def _thermostat_invoice(customer, **fields) -> Invoice:
    """The issue's invoice 1017: a service call and labour (not taxed) and a thermostat (taxed), 15.17 at 8.025 %."""
    return ready(
        customer,
        (None, "Service call", "1", "129.00", False),
        (None, "Labor hour", "2", "95.00", False),
        (None, "Thermostat - Honeywell T6 Pro", "1", "189.00", True),
        **fields,
    )


def test_quickbooks_tax_replaces_a_rate_it_does_not_have_and_the_invoice_says_so(
    division, connection, company, california, minneapolis
):
    customer = CustomerFactory(division=division, display_name="--Basement Bar--", taxable=True, tax_rate=minneapolis)
    location = ServiceLocationFactory(customer=customer, name="BB_2")
    invoice = _thermostat_invoice(customer, location=location)
    assert (invoice.tax, invoice.total) == (Decimal("15.17"), Decimal("523.17"))
    configure(
        division, customers_direction="two_way", customers_primary="quickbooks", invoices_direction="to_quickbooks"
    )

    run = sync(division)

    invoice.refresh_from_db()
    # What QuickBooks billed stands; what FieldOffice computed is kept beside it, with who and why.
    assert (invoice.tax, invoice.total, invoice.balance) == (Decimal("13.70"), Decimal("521.70"), Decimal("521.70"))
    assert (invoice.computed_tax, invoice.computed_total) == (Decimal("15.17"), Decimal("523.17"))
    assert invoice.totals_changed_by == "QuickBooks" and invoice.total_changed_externally
    assert invoice.tax_difference_reason == (
        "the tax rate Minneapolis (8.025 %) is not a tax code in QuickBooks, so QuickBooks applies its own, "
        "California (7.25 %). Give the customer a rate QuickBooks has."
    )
    assert (
        f"1 invoice total changed by QuickBooks, which applied its own tax: {invoice.number} (tax 13.70, not 15.17)"
        in (run.summary)
    )
    entry = run.entries.get(entity="invoice", object_id=invoice.pk)
    assert "QuickBooks charged 13.70 tax where FieldOffice computed 15.17 (total 523.17)" in entry.message
    assert entry.details["total_changed_by_quickbooks"]["quickbooks_total"] == "521.70"
    note = invoice.notes.get()
    assert "charged 13.70 tax (total 521.70); FieldOffice had computed 15.17 (total 523.17). The tax rate" in note.text


def test_the_preview_predicts_which_invoices_quickbooks_will_total_differently(
    division, connection, company, california, minneapolis
):
    rate_there = TaxRateFactory(division=division, name="California", percent=Decimal("7.25"), agency="CDTFA")
    differs = _thermostat_invoice(
        CustomerFactory(division=division, display_name="Lakeside Dental", taxable=True, tax_rate=minneapolis)
    )
    agrees = _thermostat_invoice(
        CustomerFactory(division=division, display_name="Palo Alto Cafe", taxable=True, tax_rate=rate_there)
    )
    exempt = _thermostat_invoice(CustomerFactory(division=division, display_name="Northstar School", taxable=False))
    configure(
        division, customers_direction="two_way", customers_primary="quickbooks", invoices_direction="to_quickbooks"
    )

    preview = sync(division, SyncTrigger.PREVIEW)

    assert f"1 invoice will be totalled differently by QuickBooks, which applies its own tax: {differs.number} " in (
        preview.summary
    )
    entries = {entry.object_id: entry for entry in preview.entries.filter(entity="invoice")}
    assert "QuickBooks will charge 13.70 tax where FieldOffice computed 15.17 (total 521.70, not 523.17)" in (
        entries[differs.pk].message
    )
    assert entries[differs.pk].details["tax_forecast"]["reason"].startswith("the tax rate Minneapolis (8.025 %)")
    assert "will charge" not in entries[agrees.pk].message and "will charge" not in entries[exempt.pk].message
    assert Invoice.objects.filter(computed_total__isnull=False).count() == 0  # a preview writes nothing

    run = sync(division)

    changed = set(Invoice.objects.filter(computed_total__isnull=False).values_list("pk", flat=True))
    assert changed == {differs.pk}, run.summary
    assert remote_by_name(company, "Palo Alto Cafe").data["DefaultTaxCodeRef"]["value"] == california


def test_an_edit_after_quickbooks_charged_its_tax_brings_fieldoffices_figures_back(
    division, connection, company, california, minneapolis
):
    from apps.invoicing.services import invoice_update, payment_record

    customer = CustomerFactory(
        division=division, display_name="Gopher State Fitness", taxable=True, tax_rate=minneapolis
    )
    invoice = _thermostat_invoice(customer)
    configure(
        division, customers_direction="two_way", customers_primary="quickbooks", invoices_direction="to_quickbooks"
    )
    sync(division)
    invoice.refresh_from_db()

    # Recording a payment recomputes the invoice: QuickBooks' tax stands, the lines being the same.
    payment_record(invoice=invoice, amount=Decimal("21.70"))
    invoice.refresh_from_db()
    assert (invoice.tax, invoice.total, invoice.balance) == (Decimal("13.70"), Decimal("521.70"), Decimal("500.00"))
    assert invoice.total_changed_externally

    # A corrected line: FieldOffice's figures until QuickBooks charges again.
    lines = [
        {
            "item": line.item,
            "description": line.description,
            "quantity": line.quantity,
            "unit_price": line.unit_price,
            "taxable": line.taxable,
        }
        for line in invoice.lines.all()
    ]
    lines[2]["quantity"] = Decimal("2")
    invoice_update(invoice=invoice, lines=lines)
    invoice.refresh_from_db()
    assert (invoice.tax, invoice.total) == (Decimal("30.33"), Decimal("727.33"))
    assert not invoice.total_changed_externally and invoice.tax_difference_reason == ""


def test_an_exempt_customers_location_is_billed_without_tax(division, connection, company, california, minneapolis):
    school = CustomerFactory(division=division, display_name="Northstar School", taxable=False, tax_rate=minneapolis)
    gym = ServiceLocationFactory(customer=school, name="Gym")
    invoice = _thermostat_invoice(school, location=gym)
    assert (invoice.tax, invoice.total) == (Decimal("0.00"), Decimal("508.00"))
    configure(division, customers_direction="to_quickbooks", invoices_direction="to_quickbooks")

    preview = sync(division, SyncTrigger.PREVIEW)
    entry = preview.entries.get(entity="invoice", object_id=invoice.pk)
    assert "will charge" not in entry.message and "totalled differently" not in preview.summary

    run = sync(division)

    # QuickBooks taxes an invoice by the customer billed: the location's sub-customer, sent exempt like its customer.
    assert remote_by_name(company, "Gym").data["Taxable"] is False
    (remote,) = SandboxEntity.objects.filter(company=company, entity_type="Invoice")
    assert Decimal(str(remote.data["TxnTaxDetail"]["TotalTax"])) == 0
    invoice.refresh_from_db()
    assert (invoice.tax, invoice.total) == (Decimal("0.00"), Decimal("508.00"))
    assert not invoice.total_changed_externally and invoice.tax_difference_reason == ""
    assert "changed by QuickBooks" not in run.summary


def test_a_change_of_the_customers_tax_setting_is_sent_to_its_locations(division, connection, company, california):
    rate_there = TaxRateFactory(division=division, name="California", percent=Decimal("7.25"), agency="CDTFA")
    cafe = CustomerFactory(division=division, display_name="Palo Alto Cafe", taxable=True, tax_rate=rate_there)
    patio = ServiceLocationFactory(customer=cafe, name="Patio")
    configure(division, customers_direction="to_quickbooks", invoices_direction="to_quickbooks")
    sync(division)
    assert remote_by_name(company, "Patio").data["Taxable"] is True
    assert remote_by_name(company, "Patio").data["DefaultTaxCodeRef"]["value"] == california

    customer_update(customer=cafe, taxable=False)
    run = sync(division)

    assert ("service location", "updated", "Palo Alto Cafe: Patio") in entries(run)
    assert remote_by_name(company, "Patio").data["Taxable"] is False
    invoice = _thermostat_invoice(cafe, location=patio)
    sync(division)
    invoice.refresh_from_db()
    assert (invoice.tax, invoice.total) == (Decimal("0.00"), Decimal("508.00"))
    assert not invoice.total_changed_externally
    # Nothing else of the customer changed: its locations are not sent again.
    assert not sync(division).entries.filter(entity="service location").exists()
