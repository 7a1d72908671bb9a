"""QuickBooks Online's invoices and payments ↔ the engine's records, without HTTP."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

from apps.quickbooks.mapping.invoices import applied_payments, invoice_comparable
from apps.quickbooks.online.mapping.invoices import invoice_payload, invoice_record, payment_record
from apps.quickbooks.sync.records import InvoiceLine, InvoiceRecord

SENT = InvoiceRecord(
    number="1017",
    customer_id="58",
    invoice_date=date(2015, 11, 2),
    due_date=date(2015, 12, 2),
    term_id="3",
    tax_code_id="7",
    memo="Gate code 4411",
    origin_id=12,
    lines=(
        InvoiceLine(
            item_id="11",
            description="Thermostat",
            quantity=Decimal("1.0000"),
            unit_price=Decimal("189.0000"),
            amount=Decimal("189.00"),
            taxable=True,
        ),
        InvoiceLine(
            item_id="2",
            description="Labor",
            quantity=Decimal("2.0000"),
            unit_price=Decimal("95.0000"),
            amount=Decimal("190.00"),
        ),
    ),
)


def test_an_invoice_sent_is_written_as_intuit_takes_it():
    payload = invoice_payload(SENT)

    assert payload["CustomerRef"] == {"value": "58"} and payload["SalesTermRef"] == {"value": "3"}
    assert (payload["TxnDate"], payload["DueDate"], payload["DocNumber"]) == ("2015-11-02", "2015-12-02", "1017")
    # The marker an interrupted run finds its invoice by, where QuickBooks never prints it.
    assert payload["PrivateNote"] == "FieldOffice invoice 12"
    assert payload["TxnTaxDetail"] == {"TxnTaxCodeRef": {"value": "7"}}
    assert payload["CustomerMemo"] == {"value": "Gate code 4411"}
    first, second = payload["Line"]
    assert first["SalesItemLineDetail"] == {
        "ItemRef": {"value": "11"},
        "Qty": Decimal(1),
        "UnitPrice": Decimal(189),
        "TaxCodeRef": {"value": "TAX"},
    }
    assert second["SalesItemLineDetail"]["TaxCodeRef"] == {"value": "NON"} and second["Amount"] == Decimal("190.00")
    assert "Id" not in payload and "SyncToken" not in payload


def test_an_update_names_the_invoice_and_its_version_and_no_number_lets_quickbooks_number_it():
    payload = invoice_payload(replace(SENT, remote_id="145", version="2", number=""))

    assert (payload["Id"], payload["SyncToken"]) == ("145", "2")
    assert "DocNumber" not in payload


def test_what_quickbooks_made_of_an_invoice_reads_back_as_the_record_sent_with_its_figures():
    answer = {
        **invoice_payload(SENT),
        "Id": "145",
        "SyncToken": "0",
        "TotalAmt": 394.17,
        "Balance": 394.17,
        "MetaData": {"CreateTime": "2015-11-02T10:15:00-08:00"},
        "TxnTaxDetail": {
            "TxnTaxCodeRef": {"value": "7", "name": "Minneapolis"},
            "TotalTax": 15.17,
            "TaxLine": [{"Amount": 15.17, "TaxLineDetail": {"TaxPercent": 8.025, "NetAmountTaxable": 189}}],
        },
        "Line": [*invoice_payload(SENT)["Line"], {"DetailType": "SubTotalLineDetail", "Amount": 379}],
    }

    record = invoice_record(answer)

    assert (record.remote_id, record.version, record.origin_id) == ("145", "0", 12)
    assert (record.tax, record.total, record.balance) == (Decimal("15.17"), Decimal("394.17"), Decimal("394.17"))
    assert (record.tax_code_name, record.charged[0].percent, record.charged[0].taxable_base) == (
        "Minneapolis",
        Decimal("8.025"),
        Decimal(189),
    )
    assert record.created_at is not None and not record.voided
    # The subtotal line is QuickBooks' own: what was sent compares equal to what it holds.
    assert invoice_comparable(record) == invoice_comparable(SENT)


def test_a_voided_or_deleted_invoice_and_a_date_quickbooks_garbled_read_plainly():
    voided = invoice_record({"Id": "145", "PrivateNote": "Voided: FieldOffice invoice 12", "TotalAmt": 0})
    deleted = invoice_record({"Id": "146", "status": "Deleted"})
    garbled = invoice_record({"Id": "147", "TxnDate": "11/02/2015", "TotalAmt": 10})

    assert voided.voided and voided.origin_id == 12
    assert deleted.deleted and deleted.remote_id == "146"
    assert garbled.invoice_date is None and garbled.total == Decimal("10.00")


def test_a_payment_reads_as_the_invoices_it_pays_with_the_amount_applied_to_each():
    record = payment_record(
        {
            "Id": "301",
            "SyncToken": "1",
            "TxnDate": "2015-11-20",
            "PaymentRefNum": "CHK 42",
            "PaymentMethodRef": {"value": "2", "name": "Visa"},
            "Line": [
                {"Amount": 50, "LinkedTxn": [{"TxnId": "145", "TxnType": "Invoice"}]},
                {"Amount": 25, "LinkedTxn": [{"TxnId": "145", "TxnType": "Invoice"}]},
                {"Amount": 30, "LinkedTxn": [{"TxnId": "9", "TxnType": "CreditMemo"}]},
            ],
        }
    )

    assert record.applied == (("145", Decimal("75.00")),)
    (part,) = applied_payments(record)
    assert (part.key, part.amount, part.paid_on, part.method, part.reference) == (
        "301:145",
        Decimal("75.00"),
        date(2015, 11, 20),
        "credit_card",
        "CHK 42",
    )
    assert payment_record({"Id": "302", "status": "Deleted"}).deleted
