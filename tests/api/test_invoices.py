from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from apps.invoicing.models import Invoice, InvoiceLine, InvoiceStatus
from apps.invoicing.services import invoice_recalculate, invoice_sent_apply
from tests.api.conftest import client_for
from tests.factories import (
    CustomerFactory,
    DivisionFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    ItemFactory,
    PaymentFactory,
    PaymentTermFactory,
    ServiceLocationFactory,
    TaxRateFactory,
    UserFactory,
)

S = InvoiceStatus
D = Decimal
URL = "/api/v1/invoices/"
pytestmark = pytest.mark.django_db


def _detail(invoice: Invoice, action: str = "") -> str:
    return f"{URL}{invoice.pk}/{action + '/' if action else ''}"


def _invoice(*, status: str = S.DRAFT, amount: str = "100.00", **kwargs) -> Invoice:
    """An invoice of one line and no tax; a paid one has a payment of its total."""
    invoice = InvoiceFactory(status=S.UNPAID if status == S.PAID else status, **kwargs)
    InvoiceLineFactory(invoice=invoice, unit_price=D(amount))
    if status == S.PAID:
        PaymentFactory(invoice=invoice, amount=D(amount))
    invoice = invoice_recalculate(invoice=invoice)
    assert invoice.status == status
    return invoice


@pytest.fixture
def customer():
    return CustomerFactory(tax_rate=TaxRateFactory(percent=D("7.875")), payment_term=PaymentTermFactory(due_days=15))


def test_create_computes_totals_with_cent_rounding(office_api, customer):
    payload = {
        "customer": customer.pk,
        "invoice_date": "2015-03-01",
        "lines": [{"description": "Filter change", "quantity": "3", "unit_price": "33.333"}],
    }

    response = office_api.post(URL, payload, format="json")

    assert response.status_code == 201, response.data
    data = response.data
    # 3 x 33.333 = 99.999 -> 100.00; 7.875 % of 100.00 = 7.875 -> 7.88 (half up).
    assert data["lines"][0]["amount"] == "100.00"
    assert (data["subtotal"], data["tax"], data["total"], data["balance"]) == ("100.00", "7.88", "107.88", "107.88")
    assert data["amount_paid"] == "0.00"
    assert data["status"] == "draft"
    assert data["display_status"] == "Draft"
    assert data["number"] == "1001"
    assert data["division"] == "main"
    assert data["due_date"] == "2015-03-16"  # the customer's 15-day term
    assert data["tax_rate"] == customer.tax_rate_id
    assert data["payment_term"] == customer.payment_term_id
    invoice = Invoice.objects.get()
    assert invoice.total == D("107.88")


def test_tax_is_computed_once_on_the_sum_of_taxable_lines(office_api, customer):
    # Ten lines of 0.10: per line the tax would round to 0.01 each (0.10); on the sum it is 0.07875 -> 0.08.
    lines = [{"description": f"Washer {n}", "unit_price": "0.10"} for n in range(10)]
    lines.append({"description": "Labour (not taxable)", "unit_price": "50", "taxable": False})

    response = office_api.post(URL, {"customer": customer.pk, "lines": lines}, format="json")

    assert response.status_code == 201, response.data
    assert (response.data["subtotal"], response.data["tax"], response.data["total"]) == ("51.00", "0.08", "51.08")
    assert [line["position"] for line in response.data["lines"]] == list(range(11))


def test_half_cent_line_amount_rounds_up(office_api, customer):
    lines = [{"description": "Screw", "quantity": "1", "unit_price": "0.005"}]

    response = office_api.post(URL, {"customer": customer.pk, "lines": lines}, format="json")

    assert response.data["lines"][0]["amount"] == "0.01"


def test_tax_exempt_customer_pays_no_tax(office_api):
    customer = CustomerFactory(taxable=False)
    tax_rate = TaxRateFactory(percent=D("10"))
    lines = [{"description": "Repair", "unit_price": "100"}]

    response = office_api.post(URL, {"customer": customer.pk, "tax_rate": tax_rate.pk, "lines": lines}, format="json")

    assert (response.data["tax"], response.data["total"]) == ("0.00", "100.00")


def test_line_takes_price_description_and_taxability_from_its_item(office_api, customer):
    item = ItemFactory(sales_price=D("95.00"), description="One-hour service call", taxable=False)

    response = office_api.post(
        URL, {"customer": customer.pk, "lines": [{"item": item.pk, "quantity": "2"}]}, format="json"
    )

    line = response.data["lines"][0]
    assert (line["description"], line["unit_price"], line["taxable"], line["amount"]) == (
        "One-hour service call", "95.0000", False, "190.00",
    )
    assert response.data["tax"] == "0.00"


def test_money_is_serialized_as_decimal_strings(office_api):
    invoice = _invoice(amount="12.50")

    data = office_api.get(_detail(invoice)).data

    assert isinstance(data["total"], str)
    assert isinstance(data["lines"][0]["unit_price"], str)


def test_line_needs_an_item_or_a_description(office_api, customer):
    response = office_api.post(URL, {"customer": customer.pk, "lines": [{"unit_price": "5"}]}, format="json")

    assert response.status_code == 400
    assert response.data["lines"] == ["Line 1: A line needs an item or a description."]
    assert not Invoice.objects.exists()


def test_cross_division_references_are_refused(office_api, customer):
    west = DivisionFactory(name="West", slug="west")
    item = ItemFactory(division=west, name="West item")
    tax_rate = TaxRateFactory(division=west, name="West tax")

    response = office_api.post(
        URL, {"customer": customer.pk, "tax_rate": tax_rate.pk, "lines": [{"item": item.pk}]}, format="json"
    )

    assert response.status_code == 400
    assert "belongs to the West division, not to Main" in str(response.data["tax_rate"])


def test_item_of_another_division_on_a_line_is_refused(office_api, customer):
    item = ItemFactory(division=DivisionFactory(name="West", slug="west"), name="West item")

    response = office_api.post(URL, {"customer": customer.pk, "lines": [{"item": item.pk}]}, format="json")

    assert response.status_code == 400
    assert response.data["lines"] == ["Line 1: Item “West item” belongs to the West division, not to Main."]


def test_invoice_defaults_to_its_customers_division(office_api):
    west = DivisionFactory(name="West", slug="west")
    customer = CustomerFactory(division=west)

    response = office_api.post(URL, {"customer": customer.pk}, format="json")

    assert response.status_code == 201, response.data
    assert response.data["division"] == "west"


def test_service_location_of_another_customer_is_refused(office_api, customer):
    location = ServiceLocationFactory(name="Elsewhere")

    response = office_api.post(URL, {"customer": customer.pk, "service_location": location.pk}, format="json")

    assert response.status_code == 400
    assert response.data["service_location"] == ["Service location “Elsewhere” belongs to another customer."]


def test_status_and_totals_are_read_only(office_api, customer):
    response = office_api.post(
        URL, {"customer": customer.pk, "status": "paid", "total": "999.00", "balance": "0"}, format="json"
    )

    assert response.status_code == 201
    assert (response.data["status"], response.data["total"]) == ("draft", "0.00")


def test_update_of_a_draft_rewrites_its_lines(office_api):
    invoice = _invoice(amount="100.00")
    kept = invoice.lines.get()
    InvoiceLineFactory(invoice=invoice, description="Removed")

    response = office_api.patch(
        _detail(invoice),
        {"lines": [{"description": "Added first", "unit_price": "10"}, {"id": kept.pk, "quantity": "2"}]},
        format="json",
    )

    assert response.status_code == 200, response.data
    assert [line["description"] for line in response.data["lines"]] == ["Added first", "Service call"]
    assert response.data["lines"][1]["id"] == kept.pk
    assert response.data["subtotal"] == "210.00"
    assert InvoiceLine.objects.filter(invoice=invoice).count() == 2


def test_changing_the_date_moves_the_due_date(office_api, customer):
    created = office_api.post(URL, {"customer": customer.pk, "invoice_date": "2015-03-01"}, format="json").data

    response = office_api.patch(f"{URL}{created['id']}/", {"invoice_date": "2015-04-01"}, format="json")

    assert response.data["due_date"] == "2015-04-16"


@pytest.mark.parametrize("status", [S.APPROVED, S.READY_FOR_SYNC, S.UNPAID])
def test_issued_invoice_lines_can_be_corrected(office_api, status):
    invoice = _invoice(status=status)

    lines = [{"description": "Extra", "quantity": "2", "unit_price": "1.25", "taxable": False}]

    response = office_api.patch(_detail(invoice), {"lines": lines}, format="json")

    assert response.status_code == 200, response.data
    assert (response.data["status"], response.data["total"]) == (status, "2.50")


def test_issued_invoice_accepts_its_memo_and_unchanged_lines(office_api):
    invoice = _invoice(status=S.UNPAID)
    current = office_api.get(_detail(invoice)).data

    response = office_api.patch(_detail(invoice), {"memo": "Thank you!", "lines": current["lines"]}, format="json")

    assert response.status_code == 200, response.data
    assert response.data["memo"] == "Thank you!"
    assert response.data["lines"][0]["id"] == current["lines"][0]["id"]


def test_issued_invoice_refuses_a_new_customer(office_api):
    invoice = _invoice(status=S.READY_FOR_SYNC)

    response = office_api.patch(_detail(invoice), {"customer": CustomerFactory().pk}, format="json")

    assert response.status_code == 409
    assert "its customer can no longer change" in response.data["detail"]


@pytest.mark.parametrize("status", [S.PAID, S.VOID])
def test_paid_and_void_invoices_refuse_edits(office_api, status):
    invoice = _invoice(status=status)

    response = office_api.patch(_detail(invoice), {"memo": "Changed"}, format="json")

    assert response.status_code == 409
    assert response.data["detail"] == f"Invoice {invoice.number} is {S(status).label} and cannot be changed."


def test_only_drafts_can_be_deleted(owner_api):
    draft, approved = _invoice(), _invoice(status=S.APPROVED)

    assert owner_api.delete(_detail(draft)).status_code == 204
    response = owner_api.delete(_detail(approved))
    assert response.status_code == 409
    assert "only drafts can be deleted" in response.data["detail"]


def test_office_cannot_delete_invoices(office_api):
    assert office_api.delete(_detail(_invoice())).status_code == 403


def test_approve(office_api, office_user):
    invoice = _invoice()

    response = office_api.post(_detail(invoice, "approve"))

    assert response.status_code == 200, response.data
    assert response.data["status"] == "approved"
    assert response.data["approved_by"] == office_user.pk
    assert response.data["approved_at"]


def test_approve_refuses_a_non_draft(office_api):
    invoice = _invoice(status=S.APPROVED)

    response = office_api.post(_detail(invoice, "approve"))

    assert response.status_code == 409
    assert response.data == {"detail": f"Invoice {invoice.number} is Approved; only drafts can be approved."}


def test_approve_needs_the_approve_permission():
    user = UserFactory()
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_invoice", "change_invoice"]))
    invoice = _invoice()

    response = client_for(user).post(_detail(invoice, "approve"))

    assert response.status_code == 403
    invoice.refresh_from_db()
    assert invoice.status == S.DRAFT


def test_mark_for_sync(office_api):
    invoice = _invoice(status=S.APPROVED)

    response = office_api.post(_detail(invoice, "mark-for-sync"))

    assert response.status_code == 200, response.data
    assert response.data["status"] == "ready_for_sync"
    assert response.data["marked_for_sync_at"]


def test_mark_for_sync_refuses_a_draft(office_api):
    invoice = _invoice()

    response = office_api.post(_detail(invoice, "mark-for-sync"))

    assert response.status_code == 409
    assert response.data["detail"] == (
        f"Invoice {invoice.number} is Draft; only approved or unpaid invoices can be marked for sync."
    )


def test_mark_for_sync_needs_its_permission():
    user = UserFactory()
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_invoice", "approve_invoice"]))

    response = client_for(user).post(_detail(_invoice(status=S.APPROVED), "mark-for-sync"))

    assert response.status_code == 403


def test_payments_lower_the_balance_and_settle_the_invoice(office_api):
    invoice = _invoice(status=S.UNPAID, amount="100.00")  # no tax rate: total 100.00

    first = office_api.post(
        _detail(invoice, "payments"), {"amount": "40.00", "paid_on": "2015-11-05", "reference": "Check 1001"},
        format="json",
    )
    second = office_api.post(_detail(invoice, "payments"), {"amount": "60.00", "method": "cash"}, format="json")

    assert first.status_code == 201, first.data
    assert (first.data["balance"], first.data["amount_paid"], first.data["status"]) == ("60.00", "40.00", "unpaid")
    assert first.data["payments"][0]["reference"] == "Check 1001"
    assert second.status_code == 201
    assert (second.data["balance"], second.data["status"], second.data["display_status"]) == ("0.00", "paid", "Paid")
    assert [payment["amount"] for payment in second.data["payments"]] == ["40.00", "60.00"]


def test_payment_on_a_draft_is_refused(office_api):
    invoice = _invoice()

    response = office_api.post(_detail(invoice, "payments"), {"amount": "10.00"}, format="json")

    assert response.status_code == 409
    assert response.data["detail"] == f"Invoice {invoice.number} is Draft and cannot take payments."


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1.005"])
def test_payment_amount_is_validated(office_api, amount):
    invoice = _invoice(status=S.UNPAID)

    response = office_api.post(_detail(invoice, "payments"), {"amount": amount}, format="json")

    assert response.status_code == 400
    assert "amount" in response.data


def test_payment_needs_the_add_payment_permission():
    user = UserFactory()
    user.user_permissions.set(Permission.objects.filter(codename__in=["view_invoice", "change_invoice"]))

    response = client_for(user).post(_detail(_invoice(status=S.UNPAID), "payments"), {"amount": "1"}, format="json")

    assert response.status_code == 403


def test_payments_are_read_only_on_the_invoice(office_api):
    payment = PaymentFactory()

    response = office_api.patch(_detail(payment.invoice), {"payments": []}, format="json")

    assert response.status_code == 200
    assert len(response.data["payments"]) == 1


def test_display_status_shows_overdue(office_api):
    yesterday = timezone.localdate() - timedelta(days=1)
    invoice = _invoice(status=S.UNPAID, invoice_date=yesterday - timedelta(days=30), due_date=yesterday)

    data = office_api.get(_detail(invoice)).data

    assert (data["status"], data["display_status"]) == ("unpaid", "Overdue")


@pytest.mark.parametrize(("status", "shown"), [(S.APPROVED, "Approved"), (S.READY_FOR_SYNC, "Ready for Sync")])
def test_display_status_of_a_late_invoice_not_in_quickbooks_yet_keeps_its_status(office_api, status, shown):
    """As the admin's badge reads: the invoice is overdue, and not yet sent (an Unpaid one is simply "Overdue")."""
    yesterday = timezone.localdate() - timedelta(days=1)
    invoice = _invoice(status=status, invoice_date=yesterday - timedelta(days=30), due_date=yesterday)

    data = office_api.get(_detail(invoice)).data

    assert (data["status"], data["display_status"]) == (status, f"{shown} · Overdue")
    assert office_api.get(URL).data["results"][0]["display_status"] == f"{shown} · Overdue"


def test_totals_quickbooks_changed_are_shown_with_what_fieldoffice_computed(office_api):
    invoice = _invoice(status=S.READY_FOR_SYNC, amount="508.00")
    reason = "the tax rate Minneapolis (8.025 %) is not a tax code in QuickBooks, so QuickBooks applies its own."
    invoice_sent_apply(
        invoice=invoice,
        tax=D("13.70"),
        total=D("521.70"),
        balance=D("521.70"),
        source="QuickBooks sync",
        charged_by="QuickBooks",
        tax_reason=reason,
    )

    data = office_api.get(_detail(invoice)).data

    assert (data["tax"], data["total"]) == ("13.70", "521.70")
    assert (data["computed_tax"], data["computed_total"]) == ("0.00", "508.00")
    assert (data["totals_changed_by"], data["tax_difference_reason"]) == ("QuickBooks", reason)
    assert data["total_changed_externally"] is True


def test_totals_no_one_changed_say_so(office_api):
    data = office_api.get(_detail(_invoice(status=S.UNPAID))).data

    assert (data["computed_tax"], data["computed_total"], data["totals_changed_by"]) == (None, None, "")
    assert (data["tax_difference_reason"], data["total_changed_externally"]) == ("", False)


def test_what_fieldoffice_computed_cannot_be_written(office_api):
    invoice = _invoice(status=S.UNPAID)
    changes = {
        "computed_tax": "1.00",
        "computed_total": "2.00",
        "totals_changed_by": "Me",
        "tax_difference_reason": "Because.",
        "total_changed_externally": True,
    }

    response = office_api.patch(_detail(invoice), changes, format="json")

    assert response.status_code == 200, response.data
    invoice.refresh_from_db()
    assert (invoice.computed_tax, invoice.computed_total, invoice.totals_changed_by) == (None, None, "")
    assert invoice.tax_difference_reason == "" and not invoice.total_changed_externally


def test_filters_by_status_and_customer(office_api):
    draft = _invoice()
    approved = _invoice(status=S.APPROVED)
    unpaid = _invoice(status=S.UNPAID, customer=draft.customer)

    def ids(params):
        response = office_api.get(URL, params)
        assert response.status_code == 200, response.data
        return {row["id"] for row in response.data["results"]}

    assert ids({"status": "approved"}) == {approved.pk}
    assert ids({"status": "approved,unpaid"}) == {approved.pk, unpaid.pk}
    assert ids({"customer": draft.customer_id}) == {draft.pk, unpaid.pk}
    assert ids({"customer": draft.customer_id, "status": "draft"}) == {draft.pk}


def test_bad_status_filter_is_a_400(office_api):
    response = office_api.get(URL, {"status": "lost"})

    assert response.status_code == 400
    assert "“lost” is not one of" in str(response.data["status"])


def test_search_by_number_and_customer_name(office_api):
    invoice = _invoice(customer=CustomerFactory(display_name="Zebra Plumbing"))
    _invoice()

    response = office_api.get(URL, {"search": "zebra"})

    assert [row["id"] for row in response.data["results"]] == [invoice.pk]


def test_ordering(office_api):
    older = _invoice(invoice_date=date(2015, 1, 1), due_date=date(2015, 1, 31))
    newer = _invoice(invoice_date=date(2015, 2, 1), due_date=date(2015, 3, 3))

    response = office_api.get(URL, {"ordering": "invoice_date"})

    assert [row["id"] for row in response.data["results"]] == [older.pk, newer.pk]


def test_negative_total_is_refused(office_api, customer):
    lines = [{"description": "Repair", "unit_price": "10"}, {"description": "Goodwill credit", "unit_price": "-20"}]

    response = office_api.post(URL, {"customer": customer.pk, "lines": lines}, format="json")

    assert response.status_code == 400
    assert response.data["lines"] == ["An invoice total cannot be negative; issue a credit instead."]
    assert not Invoice.objects.exists()


def test_discount_line_lowers_the_total(office_api, customer):
    lines = [{"description": "Repair", "unit_price": "100"}, {"description": "Discount", "unit_price": "-10"}]

    response = office_api.post(URL, {"customer": customer.pk, "lines": lines}, format="json")

    assert response.status_code == 201, response.data
    # 7.875 % of 90.00 = 7.0875 -> 7.09
    assert (response.data["subtotal"], response.data["tax"], response.data["total"]) == ("90.00", "7.09", "97.09")


def test_put_of_an_issued_invoice_as_read_is_accepted(office_api):
    invoice = _invoice(status=S.APPROVED)
    current = office_api.get(_detail(invoice)).data
    current["memo"] = "Paid by check, please."

    response = office_api.put(_detail(invoice), current, format="json")

    assert response.status_code == 200, response.data
    assert response.data["memo"] == "Paid by check, please."
    assert response.data["status"] == "approved"
