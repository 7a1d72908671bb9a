"""Invoices and received payments: totals and tax, line mods, balances, deletions and transaction queries."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from lxml.builder import E

from apps.qbd_sandbox.models import CompanyFile
from apps.qbd_sandbox.services import qbxml_process, record_lock
from tests.qbd_sandbox.conftest import document, responses, status

pytestmark = pytest.mark.django_db


# Each add reads its customer, items and tax and writes its invoice and lines: about three queries (918 for 300).
QUERIES_PER_INVOICE_ADD = 4


@pytest.fixture
def catalog(one, add_customer):
    """A taxable customer with a job, a non-taxable one, and a taxable and a non-taxable item."""
    add_customer("Carefree", E.TermsRef(E.FullName("Net 30")), E.SalesTaxCodeRef(E.FullName("TAX")))
    add_customer("Roof", E.SalesTaxCodeRef(E.FullName("TAX")), parent="Carefree")
    add_customer("Church", E.SalesTaxCodeRef(E.FullName("NON")))
    one(
        E.ItemNonInventoryAddRq(
            E.ItemNonInventoryAdd(
                E.Name("Shingles"),
                E.SalesTaxCodeRef(E.FullName("TAX")),
                E.SalesOrPurchase(E.Desc("Roof shingles"), E.Price("33.33")),
            )
        )
    )
    one(
        E.ItemServiceAddRq(
            E.ItemServiceAdd(E.Name("Labor"), E.SalesTaxCodeRef(E.FullName("NON")), E.SalesOrPurchase(E.Price("85")))
        )
    )


def _invoice(one, customer="Carefree", *lines, **header):
    children = [E.CustomerRef(E.FullName(customer))]
    children += [getattr(E, name)(value) for name, value in header.items()]
    response = one(E.InvoiceAddRq(E.InvoiceAdd(*children, *lines)))
    assert status(response) == (0, "Info"), response.get("statusMessage")
    return response.find("InvoiceRet")


def _line(item, quantity=None, **fields):
    children = [E.ItemRef(E.FullName(item))]
    if quantity is not None:
        children.append(E.Quantity(quantity))
    children += [getattr(E, name)(value) for name, value in fields.items()]
    return E.InvoiceLineAdd(*children)


def _amounts(ret, *names):
    return tuple(ret.find(name).text for name in names)


def test_invoice_totals_and_sales_tax_on_taxable_lines_only(one, catalog):
    ret = _invoice(
        one, "Carefree", _line("Shingles", "3"), _line("Labor", "2"), TxnDate="2015-11-02", RefNumber="A-1001"
    )

    assert _amounts(ret, "Subtotal", "SalesTaxPercentage", "SalesTaxTotal", "AppliedAmount", "BalanceRemaining") == (
        "269.99",
        "7.25",
        "7.25",  # 99.99 x 7.25% = 7.249275, half up
        "0.00",
        "277.24",
    )
    assert ret.find("IsPaid").text == "false"
    assert ret.find("DueDate").text == "2015-12-02"  # Net 30 from the customer
    lines = ret.findall("InvoiceLineRet")
    assert [line.find("Desc").text if line.find("Desc") is not None else "" for line in lines] == ["Roof shingles", ""]
    assert _amounts(lines[0], "Rate", "Amount", "SalesTaxCodeRef/FullName") == ("33.33", "99.99", "TAX")
    assert lines[0].find("TxnLineID").text != lines[1].find("TxnLineID").text


def test_a_non_taxable_customer_pays_no_tax_and_jobs_are_customers(one, catalog):
    church = _invoice(one, "Church", _line("Shingles", "1"))
    job = _invoice(one, "Carefree:Roof", _line("Shingles", "1"))

    assert church.find("SalesTaxTotal").text == "0.00"
    assert job.find("CustomerRef/FullName").text == "Carefree:Roof"
    assert job.find("SalesTaxTotal").text == "2.42"


def test_amounts_given_win_and_rates_follow(one, catalog):
    ret = _invoice(one, "Church", _line("Labor", "4", Amount="300.00"), E.InvoiceLineAdd(E.Desc("Note only")))

    first, note = ret.findall("InvoiceLineRet")
    assert _amounts(first, "Rate", "Amount") == ("75.00", "300.00")
    assert note.find("Amount").text == "0.00"
    assert ret.find("Subtotal").text == "300.00"


def test_ref_numbers_are_numbered_after_the_last_numeric_one(one, catalog):
    _invoice(one, "Church", _line("Labor"), RefNumber="5000")

    ret = _invoice(one, "Church", _line("Labor"))

    assert ret.find("RefNumber").text == "5001"


def test_a_ref_number_is_at_most_eleven_characters(one, catalog):
    response = one(E.InvoiceAddRq(E.InvoiceAdd(E.CustomerRef(E.FullName("Church")), E.RefNumber("INV-2026-0001"))))

    assert status(response)[0] == 3070


def test_invoice_mod_keeps_named_lines_adds_minus_one_and_deletes_the_rest(one, catalog):
    ret = _invoice(one, "Carefree", _line("Shingles", "1"), _line("Labor", "1"), _line("Labor", "2"))
    kept = ret.findall("InvoiceLineRet")[1].find("TxnLineID").text

    response = one(
        E.InvoiceModRq(
            E.InvoiceMod(
                E.TxnID(ret.find("TxnID").text),
                E.EditSequence(ret.find("EditSequence").text),
                E.Memo("Revised"),
                E.InvoiceLineMod(E.TxnLineID(kept), E.Quantity("3")),
                E.InvoiceLineMod(E.TxnLineID("-1"), E.ItemRef(E.FullName("Shingles")), E.Quantity("2")),
            )
        )
    )

    modded = response.find("InvoiceRet")
    lines = modded.findall("InvoiceLineRet")
    assert status(response) == (0, "Info")
    assert [line.find("TxnLineID").text == kept for line in lines] == [True, False]
    assert [line.find("Amount").text for line in lines] == ["255.00", "66.66"]
    assert _amounts(modded, "Memo", "Subtotal", "SalesTaxTotal") == ("Revised", "321.66", "4.83")


def test_invoice_mod_with_a_stale_edit_sequence_or_a_lock(company, one, catalog):
    ret = _invoice(one, "Church", _line("Labor"))
    txn_id, sequence = ret.find("TxnID").text, ret.find("EditSequence").text
    one(E.InvoiceModRq(E.InvoiceMod(E.TxnID(txn_id), E.EditSequence(sequence), E.Memo("1"))))

    stale = one(E.InvoiceModRq(E.InvoiceMod(E.TxnID(txn_id), E.EditSequence(sequence), E.Memo("2"))))
    record_lock(company, list_id_or_txn_id=txn_id, code=3180)
    locked = one(E.TxnDelRq(E.TxnDelType("Invoice"), E.TxnID(txn_id)))
    unknown = one(E.InvoiceModRq(E.InvoiceMod(E.TxnID("FFFF-1"), E.EditSequence("1"))))

    assert [status(stale)[0], status(locked)[0], status(unknown)[0]] == [3200, 3180, 3000]


def _balance(one, name):
    ret = one(E.CustomerQueryRq(E.FullName(name))).find("CustomerRet")
    return ret.find("Balance").text, ret.find("TotalBalance").text


def test_payments_reduce_invoice_and_customer_balances(one, catalog):
    first = _invoice(one, "Carefree:Roof", _line("Labor", "1"), TxnDate="2015-10-01")
    _invoice(one, "Carefree", _line("Labor", "2"), TxnDate="2015-10-05")
    assert _balance(one, "Carefree") == ("170.00", "255.00")

    response = one(
        E.ReceivePaymentAddRq(
            E.ReceivePaymentAdd(
                E.CustomerRef(E.FullName("Carefree:Roof")),
                E.TxnDate("2015-10-20"),
                E.RefNumber("CHK 881"),
                E.TotalAmount("100.00"),
                E.PaymentMethodRef(E.FullName("Check")),
                E.Memo("Thanks"),
                E.AppliedToTxnAdd(E.TxnID(first.find("TxnID").text), E.PaymentAmount("60.00")),
            )
        )
    )

    payment = response.find("ReceivePaymentRet")
    assert status(response) == (0, "Info"), response.get("statusMessage")
    assert _amounts(payment, "TotalAmount", "UnusedPayment", "PaymentMethodRef/FullName") == (
        "100.00",
        "40.00",
        "Check",
    )
    assert _amounts(payment.find("AppliedToTxnRet"), "TxnType", "Amount", "BalanceRemaining") == (
        "Invoice",
        "60.00",
        "25.00",
    )
    invoice = one(E.InvoiceQueryRq(E.TxnID(first.find("TxnID").text), E.IncludeLinkedTxns("true"))).find("InvoiceRet")
    assert _amounts(invoice, "AppliedAmount", "BalanceRemaining", "IsPaid") == ("-60.00", "25.00", "false")
    assert invoice.find("EditSequence").text >= first.find("EditSequence").text
    assert _amounts(invoice.find("LinkedTxn"), "TxnType", "Amount") == ("ReceivePayment", "-60.00")
    # The job owes 25.00 and has 40.00 unapplied: -15.00; the parent's total includes it.
    assert _balance(one, "Carefree:Roof") == ("-15.00", "-15.00")
    assert _balance(one, "Carefree") == ("170.00", "155.00")


def test_auto_apply_prefers_an_exact_amount_then_the_oldest(one, catalog):
    old = _invoice(one, "Church", _line("Labor", "1"), TxnDate="2015-09-01")
    exact = _invoice(one, "Church", _line("Labor", "2"), TxnDate="2015-09-15")
    paid = one(
        E.ReceivePaymentAddRq(
            E.ReceivePaymentAdd(E.CustomerRef(E.FullName("Church")), E.TotalAmount("170.00"), E.IsAutoApply("true"))
        )
    )
    oldest = one(
        E.ReceivePaymentAddRq(
            E.ReceivePaymentAdd(E.CustomerRef(E.FullName("Church")), E.TotalAmount("50.00"), E.IsAutoApply("true"))
        )
    )

    assert paid.find("ReceivePaymentRet/AppliedToTxnRet/TxnID").text == exact.find("TxnID").text
    assert oldest.find("ReceivePaymentRet/AppliedToTxnRet/TxnID").text == old.find("TxnID").text
    unpaid, settled = (
        one(E.InvoiceQueryRq(E.PaidStatus("NotPaidOnly"))),
        one(E.InvoiceQueryRq(E.PaidStatus("PaidOnly"))),
    )
    assert [ret.find("BalanceRemaining").text for ret in unpaid] == ["35.00"]
    assert [ret.find("IsPaid").text for ret in settled] == ["true"]


def test_payments_cannot_apply_more_than_a_balance_or_their_total(one, catalog):
    invoice = _invoice(one, "Church", _line("Labor", "1")).find("TxnID").text

    over_balance = one(
        E.ReceivePaymentAddRq(
            E.ReceivePaymentAdd(
                E.CustomerRef(E.FullName("Church")),
                E.TotalAmount("100.00"),
                E.AppliedToTxnAdd(E.TxnID(invoice), E.PaymentAmount("90.00")),
            )
        )
    )
    over_total = one(
        E.ReceivePaymentAddRq(
            E.ReceivePaymentAdd(
                E.CustomerRef(E.FullName("Church")),
                E.TotalAmount("10.00"),
                E.AppliedToTxnAdd(E.TxnID(invoice), E.PaymentAmount("20.00")),
            )
        )
    )

    assert [status(over_balance)[0], status(over_total)[0]] == [3210, 3210]
    assert one(E.InvoiceQueryRq(E.TxnID(invoice))).find("InvoiceRet/BalanceRemaining").text == "85.00"


def test_payment_mod_replaces_its_applications(one, catalog):
    first = _invoice(one, "Church", _line("Labor", "1")).find("TxnID").text
    second = _invoice(one, "Church", _line("Labor", "1")).find("TxnID").text
    payment = one(
        E.ReceivePaymentAddRq(
            E.ReceivePaymentAdd(
                E.CustomerRef(E.FullName("Church")),
                E.TotalAmount("85.00"),
                E.AppliedToTxnAdd(E.TxnID(first), E.PaymentAmount("85.00")),
            )
        )
    ).find("ReceivePaymentRet")

    response = one(
        E.ReceivePaymentModRq(
            E.ReceivePaymentMod(
                E.TxnID(payment.find("TxnID").text),
                E.EditSequence(payment.find("EditSequence").text),
                E.AppliedToTxnMod(E.TxnID(second), E.PaymentAmount("85.00")),
            )
        )
    )

    assert status(response) == (0, "Info"), response.get("statusMessage")
    balances = {ret.find("TxnID").text: ret.find("BalanceRemaining").text for ret in one(E.InvoiceQueryRq())}
    assert balances == {first: "85.00", second: "0.00"}


def test_txn_del_reopens_invoices_and_leaves_tombstones(one, send, catalog):
    invoice = _invoice(one, "Church", _line("Labor", "1"), RefNumber="77").find("TxnID").text
    payment = (
        one(
            E.ReceivePaymentAddRq(
                E.ReceivePaymentAdd(E.CustomerRef(E.FullName("Church")), E.TotalAmount("85.00"), E.IsAutoApply("true"))
            )
        )
        .find("ReceivePaymentRet/TxnID")
        .text
    )

    deleted = one(E.TxnDelRq(E.TxnDelType("ReceivePayment"), E.TxnID(payment)))
    reopened = one(E.InvoiceQueryRq(E.RefNumber("77"))).find("InvoiceRet")
    one(E.TxnDelRq(E.TxnDelType("Invoice"), E.TxnID(invoice)))
    (tombstones,) = send(E.TxnDeletedQueryRq(E.TxnDelType("Invoice"), E.TxnDelType("ReceivePayment")))

    assert [child.tag for child in deleted] == ["TxnDelType", "TxnID", "TimeDeleted"]
    assert reopened.find("BalanceRemaining").text == "85.00"
    assert [(ret.find("TxnDelType").text, ret.find("TxnID").text) for ret in tombstones] == [
        ("ReceivePayment", payment),
        ("Invoice", invoice),
    ]
    assert tombstones[1].find("RefNumber").text == "77"
    assert _balance(one, "Church") == ("0.00", "0.00")


def test_txn_void_zeroes_the_invoice_and_frees_its_payments(one, catalog):
    invoice = _invoice(one, "Carefree", _line("Shingles", "3"), RefNumber="88", Memo="Roof job")
    txn_id = invoice.find("TxnID").text
    payment = one(
        E.ReceivePaymentAddRq(
            E.ReceivePaymentAdd(
                E.CustomerRef(E.FullName("Carefree")),
                E.TotalAmount("50.00"),
                E.AppliedToTxnAdd(E.TxnID(txn_id), E.PaymentAmount("50.00")),
            )
        )
    ).find("ReceivePaymentRet/TxnID")

    voided = one(E.TxnVoidRq(E.TxnVoidType("Invoice"), E.TxnID(txn_id)))
    ret = one(E.InvoiceQueryRq(E.TxnID(txn_id), E.IncludeLineItems("true"))).find("InvoiceRet")
    again = one(E.TxnVoidRq(E.TxnVoidType("Invoice"), E.TxnID(txn_id)))
    unknown = one(E.TxnVoidRq(E.TxnVoidType("Invoice"), E.TxnID("FFFF-1")))
    freed = one(E.ReceivePaymentQueryRq(E.TxnID(payment.text))).find("ReceivePaymentRet")

    assert status(voided) == (0, "Info") and [child.tag for child in voided] == ["TxnVoidType", "TxnID"]
    assert voided.find("TxnID").text == txn_id
    assert _amounts(ret, "Subtotal", "SalesTaxTotal", "BalanceRemaining") == ("0.00", "0.00", "0.00")
    assert ret.find("Memo").text == "VOID: Roof job" and ret.find("RefNumber").text == "88"
    assert ret.find("EditSequence").text != invoice.find("EditSequence").text
    assert [(line.find("Quantity").text, line.find("Amount").text) for line in ret.findall("InvoiceLineRet")] == [
        ("0", "0.00")
    ]
    assert status(again) == (0, "Info")
    again_ret = one(E.InvoiceQueryRq(E.TxnID(txn_id))).find("InvoiceRet")
    assert again_ret.find("Memo").text == "VOID: Roof job"
    assert again_ret.find("EditSequence").text == ret.find("EditSequence").text
    assert status(unknown)[0] == 3120
    assert freed.find("UnusedPayment").text == "50.00"


def test_invoice_query_filters(one, catalog):
    _invoice(one, "Carefree", _line("Labor"), TxnDate="2015-01-10", RefNumber="9")
    _invoice(one, "Carefree:Roof", _line("Labor"), TxnDate="2015-02-10", RefNumber="10")
    _invoice(one, "Church", _line("Labor"), TxnDate="2015-03-10", RefNumber="100")

    def refs(*children):
        return [ret.find("RefNumber").text for ret in one(E.InvoiceQueryRq(*children)).findall("InvoiceRet")]

    assert refs(E.TxnDateRangeFilter(E.FromTxnDate("2015-02-01"), E.ToTxnDate("2015-03-31"))) == ["10", "100"]
    assert refs(E.EntityFilter(E.FullName("Carefree"))) == ["9"]
    assert refs(E.EntityFilter(E.FullNameWithChildren("Carefree"))) == ["9", "10"]
    assert refs(E.RefNumberRangeFilter(E.FromRefNumber("9"), E.ToRefNumber("10"))) == ["9", "10"]
    assert refs(E.RefNumberFilter(E.MatchCriterion("StartsWith"), E.RefNumber("10"))) == ["10", "100"]
    assert refs(E.TxnDateRangeFilter(E.DateMacro("All"))) == ["9", "10", "100"]


def test_invoice_lines_only_with_include_line_items(one, catalog):
    _invoice(one, "Church", _line("Labor"))

    bare = one(E.InvoiceQueryRq()).find("InvoiceRet")
    full = one(E.InvoiceQueryRq(E.IncludeLineItems("true"))).find("InvoiceRet")

    assert bare.find("InvoiceLineRet") is None
    assert full.find("InvoiceLineRet/ItemRef/FullName").text == "Labor"


def test_no_sales_tax_when_the_company_does_not_use_it(company, one, catalog):
    CompanyFile.objects.filter(pk=company.pk).update(sales_tax_enabled=False)

    ret = _invoice(one, "Carefree", _line("Shingles", "1"))

    assert ret.find("SalesTaxTotal").text == "0.00"
    assert ret.find("ItemSalesTaxRef") is None


def test_three_hundred_invoice_adds_in_one_request_cost_a_bounded_number_of_queries_each(company, session, catalog):
    """
    The emulator's cost per invoice added does not grow with the document (its speed is measured by
    ``bench_sync --scenario desktop``, not here): the queries of 300 adds stay under a fixed number each.
    """
    requests = [
        E.InvoiceAddRq(E.InvoiceAdd(E.CustomerRef(E.FullName("Carefree")), _line("Shingles", "1"), _line("Labor", "2")))
        for _ in range(300)
    ]
    body = document(*requests, on_error="continueOnError")

    with CaptureQueriesContext(connection) as queries:
        answers = responses(qbxml_process(company, body, session_id=session))

    assert [status(answer)[0] for answer in answers] == [0] * 300
    assert len({answer.find("InvoiceRet/TxnID").text for answer in answers}) == 300
    assert sum(Decimal(answer.find("InvoiceRet/BalanceRemaining").text) for answer in answers) == 300 * Decimal(
        "205.75"
    )
    assert len(queries) <= QUERIES_PER_INVOICE_ADD * 300


def test_a_sales_tax_group_charges_the_sum_of_its_items_rates(one, catalog):
    one(
        E.ItemSalesTaxAddRq(
            E.ItemSalesTaxAdd(
                E.Name("County Tax"), E.TaxRate("1.5"), E.TaxVendorRef(E.FullName("State Board of Equalization"))
            )
        )
    )
    group = one(
        E.ItemSalesTaxGroupAddRq(
            E.ItemSalesTaxGroupAdd(
                E.Name("Metro"),
                E.ItemDesc("State and county"),
                E.ItemSalesTaxRef(E.FullName("State Tax")),
                E.ItemSalesTaxRef(E.FullName("County Tax")),
            )
        )
    )
    bad_member = one(
        E.ItemSalesTaxGroupAddRq(E.ItemSalesTaxGroupAdd(E.Name("Odd"), E.ItemSalesTaxRef(E.FullName("Labor"))))
    )

    ret = group.find("ItemSalesTaxGroupRet")
    assert status(group) == (0, "Info") and ret.findtext("ItemDesc") == "State and county"
    assert [ref.findtext("FullName") for ref in ret.findall("ItemSalesTaxRef")] == ["State Tax", "County Tax"]
    assert status(bad_member)[0] == 3140  # A service item is no sales tax item.
    assert {item.tag for item in one(E.ItemQueryRq())} >= {"ItemSalesTaxGroupRet", "ItemSalesTaxRet"}
    assert [item.findtext("Name") for item in one(E.ItemSalesTaxGroupQueryRq())] == ["Metro"]

    invoice = _invoice(one, "Carefree", _line("Shingles", "3"))
    charged = one(
        E.InvoiceAddRq(
            E.InvoiceAdd(
                E.CustomerRef(E.FullName("Carefree")), E.ItemSalesTaxRef(E.FullName("Metro")), _line("Shingles", "3")
            )
        )
    ).find("InvoiceRet")

    assert invoice.findtext("SalesTaxPercentage") == "7.25"
    assert _amounts(charged, "SalesTaxPercentage", "SalesTaxTotal") == ("8.75", "8.75")  # 99.99 x 8.75%, half up


def test_a_customer_charged_a_sales_tax_group_has_it_on_new_invoices(one, catalog, add_customer):
    one(E.ItemSalesTaxAddRq(E.ItemSalesTaxAdd(E.Name("City Tax"), E.TaxRate("0.5"))))
    one(
        E.ItemSalesTaxGroupAddRq(
            E.ItemSalesTaxGroupAdd(
                E.Name("Downtown"),
                E.ItemSalesTaxRef(E.FullName("State Tax")),
                E.ItemSalesTaxRef(E.FullName("City Tax")),
            )
        )
    )
    add_customer("Deli", E.SalesTaxCodeRef(E.FullName("TAX")), E.ItemSalesTaxRef(E.FullName("Downtown")))

    ret = _invoice(one, "Deli", _line("Shingles", "2"))

    assert ret.findtext("ItemSalesTaxRef/FullName") == "Downtown"
    assert _amounts(ret, "Subtotal", "SalesTaxPercentage", "SalesTaxTotal") == ("66.66", "7.75", "5.17")
