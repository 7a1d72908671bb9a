"""What QuickBooks will charge as tax on an invoice, and why it differs from FieldOffice: the rule, without HTTP."""

from decimal import Decimal as D

import pytest

from apps.quickbooks.desktop.mapping.preferences import preferences_record as desktop_preferences
from apps.quickbooks.mapping.tax_forecast import (
    CodeChoice,
    CompanyTax,
    InvoiceTax,
    QuickBooksTaxCode,
    charged_reason,
    company_tax,
    tax_forecast,
)
from apps.quickbooks.online.mapping.invoices import invoice_record
from apps.quickbooks.online.mapping.preferences import preferences_record
from apps.quickbooks.online.mapping.tax import tax_codes

CALIFORNIA = QuickBooksTaxCode("1", "California", (D("7.25"),))
MINNEAPOLIS = QuickBooksTaxCode("2", "Minneapolis", (D("8.025"),))
COMBINED = QuickBooksTaxCode("3", "Minneapolis combined", (D("6.875"), D("1.15")))
AUTOMATED = CompanyTax(sales_tax=True, choice=CodeChoice.AUTOMATED, default_code=CALIFORNIA)


def _invoice(**changes) -> InvoiceTax:
    """Invoice 1017 of the demo: 189.00 taxable at Minneapolis' 8.025 % (15.17), total 523.17."""
    facts = {
        "number": "1017",
        "taxable_base": D("189.00"),
        "tax": D("15.17"),
        "total": D("523.17"),
        "rate_name": "Minneapolis",
        "rate_percent": D("8.025"),
        "invoice_code": MINNEAPOLIS,
        "customer_code": MINNEAPOLIS,
    }
    return InvoiceTax(**{**facts, **changes})


@pytest.mark.parametrize(
    ("code", "per_rate", "tax"),
    [
        (MINNEAPOLIS, True, D("0.80")),  # 10.00 at 8.025 % = 0.8025
        (COMBINED, True, D("0.81")),  # 0.6875 → 0.69 and 0.115 → 0.12
        (COMBINED, False, D("0.80")),  # Desktop: the summed rate, rounded once
    ],
)
def test_tax_is_per_rate_on_the_taxable_sum_each_rounded_half_up(code, per_rate, tax):
    assert code.tax_on(D("10.00"), per_rate=per_rate) == tax


def test_codes_are_read_from_quickbooks_records_markers_and_inactive_ones_left_out():
    codes = [
        {"Id": "TAX", "Name": "TAX"},
        {"Id": "NON", "Name": "NON", "SalesTaxRateList": {"TaxRateDetail": []}},
        {
            "Id": "7",
            "Name": "Old",
            "Active": False,
            "SalesTaxRateList": {"TaxRateDetail": [{"TaxRateRef": {"value": "1"}}]},
        },
        {
            "Id": "10",
            "Name": "Minneapolis combined",
            "SalesTaxRateList": {
                "TaxRateDetail": [
                    {"TaxRateRef": {"value": "3"}, "TaxOrder": 1},
                    {"TaxRateRef": {"value": "2"}, "TaxOrder": 0},
                ]
            },
        },
        {"Id": "9", "Name": "Mesa, AZ", "SalesTaxRateList": {"TaxRateDetail": [{"TaxRateRef": {"value": "4"}}]}},
    ]
    rates = [
        {"Id": "1", "RateValue": 5},
        {"Id": "2", "RateValue": 6.875},
        {"Id": "3", "RateValue": "1.15"},
        {"Id": "4", "RateValue": 8.3},
    ]

    found = tax_codes(codes, rates)

    assert sorted(found) == ["10", "9"]
    assert found["10"].percents == (D("6.875"), D("1.15")) and found["10"].percent == D("8.025")
    assert found["10"].label == "Minneapolis combined (8.025 %)"
    # The company's default is its oldest code: "9" comes before "10".
    assert (
        company_tax(
            preferences_record({"TaxPrefs": {"UsingSalesTax": True, "PartnerTaxEnabled": True}}), found
        ).default_code.id
        == "9"
    )


def test_the_company_says_how_it_picks_a_code():
    automated = company_tax(preferences_record({"TaxPrefs": {"UsingSalesTax": True, "PartnerTaxEnabled": True}}), {})
    named = company_tax(preferences_record({"TaxPrefs": {"UsingSalesTax": True, "PartnerTaxEnabled": False}}), {})
    desktop = company_tax(desktop_preferences({"SalesTaxPreferences": {}}), {})
    untaxed = company_tax(preferences_record({"TaxPrefs": {"UsingSalesTax": False}}), {})

    assert (automated.choice, named.choice, desktop.choice) == (
        CodeChoice.AUTOMATED,
        CodeChoice.NAMED,
        CodeChoice.NAMED_ELSE_CUSTOMER,
    )
    assert automated.per_rate and not desktop.per_rate and not untaxed.sales_tax


def test_an_invoice_taxed_at_a_rate_quickbooks_has_keeps_its_tax():
    forecast = tax_forecast(_invoice(), AUTOMATED)

    assert not forecast.differs and forecast.quickbooks_tax == D("15.17") and forecast.reason == ""


def test_a_rate_quickbooks_does_not_have_is_replaced_by_the_companys_code():
    forecast = tax_forecast(_invoice(invoice_code=None, customer_code=None), AUTOMATED)

    # The issue's invoice 1017: 189.00 at California's 7.25 % = 13.7025.
    assert forecast.differs and (forecast.quickbooks_tax, forecast.quickbooks_total) == (D("13.70"), D("521.70"))
    assert forecast.reason == (
        "the tax rate Minneapolis (8.025 %) is not a tax code in QuickBooks, so QuickBooks applies its own, "
        "California (7.25 %). Give the customer a rate QuickBooks has."
    )
    assert forecast.sentence.startswith(
        "QuickBooks will charge 13.70 tax where FieldOffice computed 15.17 (total 521.70, not 523.17): the tax rate"
    )


def test_automated_sales_tax_charges_the_customers_code_not_the_invoices():
    mesa = QuickBooksTaxCode("4", "Mesa, AZ", (D("8.3"),))

    forecast = tax_forecast(_invoice(customer_code=mesa), AUTOMATED)
    named = tax_forecast(_invoice(customer_code=mesa), CompanyTax(sales_tax=True, choice=CodeChoice.NAMED))

    assert forecast.quickbooks_tax == D("15.69")  # 189.00 at 8.3 %
    assert "automated sales tax charges by the customer's address (Mesa, AZ (8.3 %))" in forecast.reason
    assert not named.differs  # without automated sales tax the invoice's code is charged


def test_a_code_at_another_percentage_and_a_code_of_several_rates_are_explained():
    higher = QuickBooksTaxCode("2", "Minneapolis", (D("8.525"),))
    base = D("10.00")

    other_percent = tax_forecast(
        _invoice(taxable_base=base, tax=D("0.80"), total=D("10.80"), invoice_code=higher, customer_code=higher),
        AUTOMATED,
    )
    rounding = tax_forecast(
        _invoice(taxable_base=base, tax=D("0.80"), total=D("10.80"), invoice_code=COMBINED, customer_code=COMBINED),
        AUTOMATED,
    )

    assert other_percent.reason == (
        "QuickBooks' tax code Minneapolis charges 8.525 % where the tax rate here says 8.025 %."
    )
    assert rounding.quickbooks_tax == D("0.81")
    assert rounding.reason == (
        "QuickBooks rounds each of the 2 rates of Minneapolis combined to the cent, where FieldOffice rounds 8.025 % "
        "once."
    )


def test_an_exempt_customers_location_is_not_taxed_by_quickbooks():
    # FieldOffice sends a location's sub-customer with its customer's tax setting: QuickBooks bills it untaxed.
    exempt_location = _invoice(
        tax=D("0.00"), total=D("508.00"), customer_taxable=False, billed_taxable=False, by_location=True
    )

    forecast = tax_forecast(exempt_location, AUTOMATED)

    assert not forecast.differs and forecast.quickbooks_tax == D("0.00") and forecast.reason == ""


def test_tax_quickbooks_charged_an_exempt_customer_anyway_is_explained_as_its_taxable_record_there():
    """A sub-customer or customer made taxable in QuickBooks itself: the reason names it, whatever was sent."""
    charged = invoice_record(
        {
            "TxnTaxDetail": {
                "TxnTaxCodeRef": {"value": "1"},
                "TotalTax": 13.7,
                "TaxLine": [{"Amount": 13.7, "TaxLineDetail": {"TaxPercent": 7.25, "NetAmountTaxable": 189}}],
            }
        }
    )
    exempt = {"tax": D("0.00"), "total": D("508.00"), "customer_taxable": False, "billed_taxable": False}

    by_location = charged_reason(_invoice(**exempt, by_location=True), AUTOMATED, charged, {"1": CALIFORNIA})
    by_customer = charged_reason(_invoice(**exempt), AUTOMATED, charged, {"1": CALIFORNIA})

    assert by_location == (
        "the customer is tax-exempt here, but QuickBooks bills the service location's sub-customer, which it taxes. "
        "Mark that sub-customer non-taxable in QuickBooks."
    )
    assert by_customer == "the customer is tax-exempt here but taxable in QuickBooks."


def test_no_tax_without_sales_tax_or_for_a_customer_quickbooks_does_not_tax():
    untaxed = tax_forecast(_invoice(), CompanyTax(sales_tax=False, choice=CodeChoice.AUTOMATED))
    exempt_there = tax_forecast(_invoice(billed_taxable=False), AUTOMATED)

    assert (
        untaxed.quickbooks_tax == D("0.00") and untaxed.reason == "sales tax is off in QuickBooks, so it charges none."
    )
    assert exempt_there.reason == "the customer is not taxable in QuickBooks."


def test_what_quickbooks_charged_is_explained_from_its_invoice():
    invoice = _invoice()
    other_code = invoice_record(
        {
            "TxnTaxDetail": {
                "TxnTaxCodeRef": {"value": "1"},
                "TotalTax": 13.7,
                "TaxLine": [{"Amount": 13.7, "TaxLineDetail": {"TaxPercent": 7.25, "NetAmountTaxable": 189}}],
            }
        }
    )
    other_lines = invoice_record(
        {
            "TxnTaxDetail": {
                "TxnTaxCodeRef": {"value": "2"},
                "TotalTax": 23.28,
                "TaxLine": [{"Amount": 23.28, "TaxLineDetail": {"TaxPercent": 8.025, "NetAmountTaxable": 290}}],
            }
        }
    )
    unknown_code = invoice_record(
        {"TxnTaxDetail": {"TxnTaxCodeRef": {"value": "55", "name": "Hennepin"}, "TotalTax": 1}}
    )
    codes = {"1": CALIFORNIA, "2": MINNEAPOLIS}

    named = CompanyTax(sales_tax=True, choice=CodeChoice.NAMED)
    assert charged_reason(invoice, named, other_code, codes) == (
        "QuickBooks applies California (7.25 %) instead of Minneapolis (8.025 %)."
    )
    assert charged_reason(invoice, AUTOMATED, other_code, codes).startswith(
        "QuickBooks' automated sales tax charges by the customer's address (California (7.25 %)), not by the "
        "invoice's tax rate Minneapolis (8.025 %)."
    )
    assert charged_reason(invoice, AUTOMATED, other_lines, codes) == (
        "QuickBooks taxed 290.00 of the lines where FieldOffice taxed 189.00: the lines' taxable settings differ."
    )
    assert "Hennepin" in charged_reason(invoice, AUTOMATED, unknown_code, codes)
