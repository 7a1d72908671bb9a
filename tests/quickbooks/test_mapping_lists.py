"""QuickBooks Online's terms and sales tax ↔ the engine's records (``online.mapping.terms``, ``online.mapping.tax``)."""

from decimal import Decimal

from apps.quickbooks.online.mapping import tax, terms
from apps.quickbooks.sync.records import TaxAgencyRecord, TaxCodeRecord, TaxRateRecord, TermRecord


def test_standard_and_date_driven_terms_become_term_records():
    standard = terms.term_record(
        {"Id": "3", "SyncToken": "2", "Name": " Net 30 ", "Active": True, "Type": "STANDARD", "DueDays": 30}
    )
    assert standard == TermRecord(remote_id="3", version="2", name="Net 30", active=True, due_days=30)
    date_driven = terms.term_record(
        {"Id": "4", "SyncToken": "0", "Name": "15th", "Active": False, "DayOfMonthDue": 15, "DueNextMonthDays": 5}
    )
    assert (date_driven.date_driven, date_driven.day_of_month_due, date_driven.due_next_month_days) == (True, 15, 5)
    assert date_driven.active is False


def test_a_term_record_is_written_as_a_term_and_a_change_names_its_id_and_version():
    record = TermRecord(name="Net 25", due_days=25)
    assert terms.term_payload(record) == {"Name": "Net 25", "DueDays": 25, "Active": True}
    changed = TermRecord(remote_id="3", version="7", name="Net 26", due_days=26, active=False)
    assert terms.term_payload(changed) == {
        "Name": "Net 26",
        "DueDays": 26,
        "Active": False,
        "Id": "3",
        "SyncToken": "7",
    }


def test_tax_codes_list_their_rates_in_the_order_applied_and_markers_charge_nothing():
    code = tax.tax_code_record(
        {
            "Id": "10",
            "SyncToken": "1",
            "Name": "Minneapolis combined",
            "Taxable": True,
            "TaxGroup": True,
            "SalesTaxRateList": {
                "TaxRateDetail": [
                    {"TaxRateRef": {"value": "3"}, "TaxOrder": 1},
                    {"TaxRateRef": {"value": "2"}, "TaxOrder": 0},
                ]
            },
        }
    )
    assert code == TaxCodeRecord(
        remote_id="10", version="1", name="Minneapolis combined", group=True, rate_ids=("2", "3")
    )
    marker = tax.tax_code_record({"Id": "NON", "Name": "NON", "Taxable": False})
    assert (marker.charges_tax, marker.taxable, marker.rate_ids) == (False, False, ())


def test_tax_rates_and_agencies_become_records():
    rate = tax.tax_rate_record(
        {"Id": "2", "SyncToken": "0", "Name": "MN", "RateValue": 6.875, "AgencyRef": {"value": "1", "name": "MN DOR"}}
    )
    assert rate == TaxRateRecord(
        remote_id="2", version="0", name="MN", percent=Decimal("6.875"), agency_id="1", agency_name="MN DOR"
    )
    assert tax.agency_record({"Id": "1", "DisplayName": "MN DOR"}) == TaxAgencyRecord(remote_id="1", name="MN DOR")


def test_a_tax_code_is_created_through_the_tax_service_with_one_rate_of_its_agency():
    record = TaxCodeRecord(name="Cloquet: city", percent=Decimal("7.3750"), agency_id="5")
    assert tax.tax_code_payload(record) == {
        "TaxCode": "Cloquet - city",
        "TaxRateDetails": [
            {
                "TaxRateName": "Cloquet - city",
                "RateValue": Decimal("7.3750"),
                "TaxAgencyId": "5",
                "TaxApplicableOn": "Sales",
            }
        ],
    }
    assert tax.agency_payload(TaxAgencyRecord(name="Carlton County")) == {"DisplayName": "Carlton County"}
