"""
The sandbox taxes invoices as QuickBooks Online does: which code (automated sales tax assigns it from the customer,
whatever the invoice names; without it, the invoice's code), and how (per rate on the taxable subtotal).
"""

from decimal import Decimal

import pytest

from apps.qbo_sandbox import store
from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.entities import entity_create
from apps.qbo_sandbox.entities.tax import taxcode_create
from apps.qbo_sandbox.seeding import SeedOptions

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return company_create(name="Tax Rule Co", options=SeedOptions(seed="demo"))


def _id(company, entity_type: str, name: str) -> str:
    return store.entity_list(company, entity_type).get(name_key=name.lower()).entity_id


def _code(company, name: str) -> dict:
    return {"value": _id(company, "TaxCode", name)}


def _taxable_line(company, amount: str) -> dict:
    return {
        "Amount": amount,
        "DetailType": "SalesItemLineDetail",
        "SalesItemLineDetail": {
            "ItemRef": {"value": _id(company, "Item", "Copper Fittings")},
            "TaxCodeRef": {"value": "TAX"},
        },
    }


def _invoice(company, customer_id: str, amount: str = "100.00", **fields):
    payload = {"CustomerRef": {"value": customer_id}, "Line": [_taxable_line(company, amount)], **fields}
    return entity_create(company, "Invoice", payload).data


def _customer(company, name: str, **fields) -> str:
    return entity_create(company, "Customer", {"DisplayName": name, **fields}).entity_id


def _tax(invoice: dict) -> tuple[Decimal, str]:
    detail = invoice["TxnTaxDetail"]
    return Decimal(str(detail["TotalTax"])), (detail.get("TxnTaxCodeRef") or {}).get("value", "")


def _automated_sales_tax(company, on: bool) -> None:
    preferences = store.entity_get(company, "Preferences", "1")
    data = preferences.data
    data["TaxPrefs"]["PartnerTaxEnabled"] = on
    store.entity_update(preferences, data)


def test_automated_sales_tax_charges_the_customers_code_not_the_one_the_invoice_names(company):
    customer = _customer(company, "Lake Street Deli", DefaultTaxCodeRef=_code(company, "Minneapolis"))

    invoice = _invoice(company, customer, TxnTaxDetail={"TxnTaxCodeRef": _code(company, "California")})

    # 100.00 at Minneapolis' 8.025 %, not California's 7.25 %: Intuit's engine overrides an assigned code.
    assert _tax(invoice) == (Decimal("8.03"), _id(company, "TaxCode", "Minneapolis"))
    assert invoice["TotalAmt"] == 108.03


def test_a_job_without_a_code_is_taxed_at_its_parents_not_the_companys_default(company):
    parent = _customer(company, "Desert Sun Apartments", DefaultTaxCodeRef=_code(company, "Mesa, AZ"))
    job = _customer(company, "Building C", Job=True, ParentRef={"value": parent}, BillWithParent=True)

    invoice = _invoice(company, job)

    assert _tax(invoice) == (Decimal("8.30"), _id(company, "TaxCode", "Mesa, AZ"))


def test_a_customer_without_a_code_anywhere_is_taxed_at_the_companys_oldest_code(company):
    customer = _customer(company, "Walk-in")

    assert _tax(_invoice(company, customer)) == (Decimal("7.25"), _id(company, "TaxCode", "California"))


def test_without_automated_sales_tax_the_invoices_code_applies_and_none_means_no_tax(company):
    _automated_sales_tax(company, False)
    customer = _customer(company, "Lake Street Deli", DefaultTaxCodeRef=_code(company, "Minneapolis"))

    named = _invoice(company, customer, TxnTaxDetail={"TxnTaxCodeRef": _code(company, "Inver Grove Heights")})
    unnamed = _invoice(company, customer)

    assert _tax(named) == (Decimal("7.13"), _id(company, "TaxCode", "Inver Grove Heights"))
    assert _tax(unnamed) == (Decimal("0"), "")


def test_an_explicit_total_tax_is_honoured_under_the_code_named(company):
    customer = _customer(company, "Lake Street Deli", DefaultTaxCodeRef=_code(company, "Minneapolis"))

    invoice = _invoice(
        company, customer, TxnTaxDetail={"TxnTaxCodeRef": _code(company, "California"), "TotalTax": "5.00"}
    )

    assert _tax(invoice) == (Decimal("5"), _id(company, "TaxCode", "California"))


def test_tax_is_per_rate_on_the_taxable_subtotal_each_rate_rounded_on_its_own(company):
    agency = entity_create(company, "TaxAgency", {"DisplayName": "Hennepin County"})
    answer = taxcode_create(
        company,
        {
            "TaxCode": "Minneapolis combined",
            "TaxRateDetails": [
                {"TaxRateName": "Minnesota state", "RateValue": "6.875", "TaxAgencyId": agency.entity_id},
                {"TaxRateName": "Hennepin and city", "RateValue": "1.15", "TaxAgencyId": agency.entity_id},
            ],
        },
    )
    customer = _customer(company, "Uptown Dental", DefaultTaxCodeRef={"value": answer["TaxCodeId"]})
    lines = [_taxable_line(company, "4.00"), _taxable_line(company, "6.00")]

    invoice = entity_create(company, "Invoice", {"CustomerRef": {"value": customer}, "Line": lines}).data

    # 10.00 at 6.875 % = 0.6875 → 0.69 and 10.00 at 1.15 % = 0.115 → 0.12: 0.81, where 8.025 % once is 0.80.
    amounts = [Decimal(str(line["Amount"])) for line in invoice["TxnTaxDetail"]["TaxLine"]]
    assert amounts == [Decimal("0.69"), Decimal("0.12")]
    assert Decimal(str(invoice["TxnTaxDetail"]["TotalTax"])) == Decimal("0.81")
    assert {line["TaxLineDetail"]["NetAmountTaxable"] for line in invoice["TxnTaxDetail"]["TaxLine"]} == {10}
