"""The invoice admin: the list and its tiles and filters, the form with lines and payments, the status actions."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.core.selectors import division_get_default
from apps.customers.models import Customer, ServiceLocation
from apps.invoicing.admin.invoices import format_money
from apps.invoicing.models import Invoice, InvoiceLine, InvoiceStatus, Payment
from tests.factories import (
    CustomerFactory,
    DivisionFactory,
    InvoiceFactory,
    InvoiceLineFactory,
    ItemFactory,
    PaymentTermFactory,
    ServiceLocationFactory,
    TaxRateFactory,
)

S = InvoiceStatus
D = Decimal
pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:invoicing_invoice_changelist")
ADD = reverse("admin:invoicing_invoice_add")


def _change_url(invoice: Invoice) -> str:
    return reverse("admin:invoicing_invoice_change", args=[invoice.pk])


def _invoice(number: str, status: str, total: str, *, balance: str | None = None, due_in_days: int = 30, **kwargs):
    """An invoice with stored totals as given; due ``due_in_days`` from today (negative: past due)."""
    today = timezone.localdate()
    return InvoiceFactory(
        number=number,
        status=status,
        subtotal=D(total),
        total=D(total),
        balance=D(total if balance is None else balance),
        invoice_date=kwargs.pop("invoice_date", today - timedelta(days=5)),
        due_date=today + timedelta(days=due_in_days),
        **kwargs,
    )


def _listed(response) -> set[str]:
    return {invoice.number for invoice in response.context["cl"].result_list}


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def _statuses(*invoices: Invoice) -> list[str]:
    return [Invoice.objects.get(pk=invoice.pk).status for invoice in invoices]


@pytest.fixture
def invoices(db) -> dict[str, Invoice]:
    """The invoices of the user guide's list, plus a draft and a void one."""
    return {
        "paid": _invoice("1001", S.PAID, "324.00", balance="0"),
        "paid_large": _invoice("1002", S.PAID, "1709.39", balance="0"),
        "overdue": _invoice("1003", S.UNPAID, "235.66", due_in_days=-3),
        "ready": _invoice("1004", S.READY_FOR_SYNC, "1102.07"),
        "approved": _invoice("1005", S.APPROVED, "90.15"),
        "draft": _invoice("1006", S.DRAFT, "500.00", due_in_days=-10),
        "void": _invoice("1007", S.VOID, "80.00", balance="0"),
    }


# The list.


def test_format_money():
    assert format_money(D("1234.5")) == "$1,234.50"
    assert format_money(D("0")) == "$0.00"
    assert format_money(None) == "$0.00"
    assert format_money(D("-12")) == "-$12.00"


def test_changelist_renders_columns_and_the_derived_overdue_status(admin_client, invoices):
    location = ServiceLocationFactory(name="BB_1", street="511 N Washington Ave", city="Minneapolis", state="MN")
    _invoice("1044", S.UNPAID, "1102.07", customer=location.customer, service_location=location)

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    html = response.content.decode()
    for header in ("Date", "Number", "Customer", "Total", "Balance", "Status"):
        assert f">{header}</a>" in html or f">{header}</span>" in html, header
    # The location under the customer (its address on hover), the due date under the status.
    assert 'title="BB_1, 511 N Washington Ave, Minneapolis, MN, 85207">BB_1</span>' in html
    late = timezone.localdate() - timedelta(days=3)
    assert f'<span class="fo-muted invoice-due">due {late:%m/%d/%Y}</span>' in html
    assert "$1,102.07" in html
    assert 'invoice-status--overdue">Overdue</span>' in html
    assert 'invoice-status--ready_for_sync">Ready for Sync</span>' in html


def test_tiles_total_paid_overdue_and_open_invoices(admin_client, invoices):
    response = admin_client.get(CHANGELIST)

    summary = response.context["invoice_summary"]
    assert (summary.paid, summary.overdue, summary.open) == (D("2033.39"), D("235.66"), D("1427.88"))
    html = response.content.decode()
    for label, amount in (("Paid", "$2,033.39"), ("Overdue", "$235.66"), ("Open invoices", "$1,427.88")):
        assert f'invoice-summary__label">{label}</span>' in html
        assert f'invoice-summary__amount">{amount}</span>' in html


def test_tiles_follow_the_filters(admin_client, invoices):
    response = admin_client.get(CHANGELIST, {"payment": "paid"})

    summary = response.context["invoice_summary"]
    assert (summary.paid, summary.overdue, summary.open) == (D("2033.39"), D("0"), D("0"))


def test_tiles_of_an_empty_list_are_zero(admin_client):
    response = admin_client.get(CHANGELIST)

    assert response.context["invoice_tiles"][0]["amount"] == "$0.00"


def test_payment_filter_offers_all_unpaid_overdue_paid(admin_client, invoices):
    response = admin_client.get(CHANGELIST)

    changelist = response.context["cl"]
    (spec,) = [spec for spec in changelist.filter_specs if spec.title == "payment"]
    assert [choice["display"] for choice in spec.choices(changelist)] == ["All", "Unpaid", "Overdue", "Paid"]


@pytest.mark.parametrize(
    ("params", "numbers"),
    [
        ({}, {"1001", "1002", "1003", "1004", "1005", "1006", "1007"}),
        ({"payment": "unpaid"}, {"1003", "1004", "1005"}),
        ({"payment": "overdue"}, {"1003"}),
        ({"payment": "paid"}, {"1001", "1002"}),
        ({"status__exact": "draft"}, {"1006"}),
        ({"status__exact": "ready_for_sync"}, {"1004"}),
        ({"q": "1005"}, {"1005"}),
    ],
)
def test_filters_and_search(admin_client, invoices, params, numbers):
    response = admin_client.get(CHANGELIST, params)

    assert response.status_code == 200
    assert _listed(response) == numbers


def test_filter_by_division(admin_client, invoices):
    other = CustomerFactory(division=DivisionFactory(name="North", slug="north"))
    InvoiceFactory(number="9001", division=other.division, customer=other)

    response = admin_client.get(CHANGELIST, {"division__id__exact": other.division_id})

    assert _listed(response) == {"9001"}


@pytest.fixture
def dated_invoices(db) -> None:
    for number, day in (("2001", date(2015, 2, 28)), ("2002", date(2015, 3, 1)), ("2003", date(2015, 3, 31)),
                        ("2004", date(2015, 4, 1))):
        InvoiceFactory(number=number, invoice_date=day, due_date=day + timedelta(days=30))


@pytest.mark.parametrize(
    ("params", "numbers"),
    [
        ({"invoice_date__gte": "2015-03-01", "invoice_date__lte": "2015-03-31"}, {"2002", "2003"}),
        ({"invoice_date__gte": "2015-03-31"}, {"2003", "2004"}),
        ({"invoice_date__lte": "2015-03-01"}, {"2001", "2002"}),
        # Typed dates in the locale's format work too.
        ({"invoice_date__gte": "03/01/2015", "invoice_date__lte": "03/31/2015"}, {"2002", "2003"}),
    ],
)
def test_date_from_to_filter(admin_client, dated_invoices, params, numbers):
    response = admin_client.get(CHANGELIST, params)

    assert response.status_code == 200
    assert _listed(response) == numbers


def test_date_filter_renders_two_date_inputs_and_keeps_other_filters(admin_client, dated_invoices):
    response = admin_client.get(CHANGELIST, {"invoice_date__gte": "2015-03-01", "payment": "unpaid"})

    html = response.content.decode()
    assert '<input type="date" id="id_invoice_date__gte" name="invoice_date__gte" value="2015-03-01">' in html
    assert 'name="invoice_date__lte" value=""' in html
    assert '<input type="hidden" name="payment" value="unpaid">' in html


def test_a_bad_date_is_ignored_with_a_message(admin_client, dated_invoices):
    response = admin_client.get(CHANGELIST, {"invoice_date__gte": "2015-02-30", "invoice_date__lte": "2015-03-01"})

    assert response.status_code == 200
    assert _listed(response) == {"2001", "2002"}
    assert _messages(response) == ["“2015-02-30” is not a date; the list is not filtered by that start date."]


def _bulk_invoices(count: int, offset: int = 0) -> None:
    """``count`` invoices, each for its own customer and service location, in three queries."""
    division = division_get_default()
    customers = Customer.objects.bulk_create(
        Customer(division=division, display_name=f"Bulk customer {offset + n}") for n in range(count)
    )
    locations = ServiceLocation.objects.bulk_create(
        ServiceLocation(customer=customer, name="Shop", street="248 N Leandro Cir", city="Mesa")
        for customer in customers
    )
    statuses = list(S)
    Invoice.objects.bulk_create(
        Invoice(
            division=division, number=str(20000 + offset + n), customer=location.customer, service_location=location,
            due_date=date(2015, 1, 1) + timedelta(days=n), status=statuses[n % len(statuses)],
            total=D("100.00"), balance=D("100.00"),
        )
        for n, location in enumerate(locations)
    )


def _changelist_queries(client, params: dict | None = None) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(CHANGELIST, params or {})
    assert response.status_code == 200
    return len(context)


@pytest.mark.parametrize(
    "params", [{}, {"payment": "unpaid", "invoice_date__gte": "2020-01-01", "q": "Bulk"}], ids=["all", "filtered"]
)
def test_changelist_query_count_does_not_grow_with_rows(admin_client, params):
    _bulk_invoices(10)
    small = _changelist_queries(admin_client, params)
    _bulk_invoices(190, offset=10)

    assert _changelist_queries(admin_client, params) == small


# The form.


def _management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, str]:
    return {
        f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def _invoice_fields(invoice: Invoice) -> dict[str, str]:
    return {
        "number": invoice.number,
        "division": str(invoice.division_id),
        "customer": str(invoice.customer_id),
        "service_location": str(invoice.service_location_id or ""),
        "invoice_date": invoice.invoice_date.isoformat(),
        "payment_term": str(invoice.payment_term_id or ""),
        "due_date": invoice.due_date.isoformat(),
        "tax_rate": str(invoice.tax_rate_id or ""),
        "memo": invoice.memo,
    }


def _line_fields(index: int, line: InvoiceLine | None = None, **values) -> dict[str, str]:
    fields = {
        "id": str(line.pk) if line else "",
        "invoice": str(line.invoice_id) if line else "",
        "item": str(line.item_id or "") if line else "",
        "description": line.description if line else "",
        "quantity": str(line.quantity) if line else "1",
        "unit_price": str(line.unit_price) if line else "0",
    }
    taxable = values.pop("taxable", line.taxable if line else True)
    fields.update({name: str(value) for name, value in values.items()})
    if taxable:
        fields["taxable"] = "on"
    return {f"lines-{index}-{name}": value for name, value in fields.items()}


def _assert_saved(response) -> None:
    if response.status_code != 302:
        context = response.context
        errors = [context["adminform"].form.errors] + [formset.errors for formset in context["inline_admin_formsets"]]
        pytest.fail(f"Not saved: {errors}")


def test_add_and_change_forms_render(admin_client):
    rate = TaxRateFactory(percent=D("7.875"))
    line = InvoiceLineFactory(invoice__tax_rate=rate)

    add = admin_client.get(ADD)
    change = admin_client.get(_change_url(line.invoice))

    assert add.status_code == 200
    assert change.status_code == 200
    html = change.content.decode()
    assert "invoicing/invoice_totals.js" in html
    assert 'data-invoice-total="total"' in html
    assert "data-line-amount" in html
    config = change.context["invoice_totals_config"]
    assert config["taxRates"] == {str(rate.pk): "7.8750"}
    assert config["customerId"] == str(line.invoice.customer_id)
    assert config["customerTaxable"] is True
    assert 'id="invoice-totals-config"' in html


def test_a_new_invoice_gets_number_terms_tax_rate_and_totals_on_save(admin_client):
    rate = TaxRateFactory(percent=D("7.875"))
    term = PaymentTermFactory(due_days=15)
    customer = CustomerFactory(tax_rate=rate, payment_term=term)
    item = ItemFactory()
    data = {
        **_invoice_fields(Invoice(customer=customer, invoice_date=date(2015, 11, 2), due_date=date(2015, 11, 2))),
        "number": "",
        "division": "",
        "due_date": "",
        **_management("lines", total=3),
        **_line_fields(0, item=item.pk, description="Service call", quantity="2", unit_price="100.00"),
        **_line_fields(1, description="Travel", quantity="1.5", unit_price="33.33", taxable=False),
        # The blank row a person leaves at the bottom is not a line.
        **_line_fields(2),
        **_management("payments"),
    }

    response = admin_client.post(ADD, data)

    _assert_saved(response)
    invoice = Invoice.objects.get(customer=customer)
    assert invoice.division == customer.division
    assert invoice.number == "1001"
    assert (invoice.payment_term, invoice.tax_rate, invoice.due_date) == (term, rate, date(2015, 11, 17))
    # 2 x 100.00 taxable + 1.5 x 33.33 = 49.995 → 50.00; 7.875 % of 200.00 = 15.75.
    assert (invoice.subtotal, invoice.tax, invoice.total, invoice.balance) == (
        D("250.00"), D("15.75"), D("265.75"), D("265.75"),
    )
    assert invoice.status == S.DRAFT
    assert [(line.position, line.amount) for line in invoice.lines.all()] == [(1, D("200.00")), (2, D("50.00"))]


def test_saving_changed_lines_recalculates_the_stored_totals(admin_client):
    invoice = InvoiceFactory(tax_rate=TaxRateFactory(percent=D("10")))
    kept = InvoiceLineFactory(invoice=invoice, position=1, unit_price=D("100.00"))
    removed = InvoiceLineFactory(invoice=invoice, position=2, unit_price=D("999.00"))
    data = {
        **_invoice_fields(invoice),
        **_management("lines", total=3, initial=2),
        **_line_fields(0, kept, quantity="3"),
        **_line_fields(1, removed, DELETE="on"),
        **_line_fields(2, description="Filter", quantity="1", unit_price="45.50", taxable=False),
        **_management("payments"),
    }

    response = admin_client.post(_change_url(invoice), data)

    _assert_saved(response)
    invoice.refresh_from_db()
    assert (invoice.subtotal, invoice.tax, invoice.total, invoice.balance) == (
        D("345.50"), D("30.00"), D("375.50"), D("375.50"),
    )
    assert not InvoiceLine.objects.filter(pk=removed.pk).exists()
    assert [(line.position, line.description) for line in invoice.lines.all()] == [(1, "Service call"), (2, "Filter")]


def test_a_payment_entered_on_the_form_settles_the_invoice(admin_client):
    invoice = InvoiceFactory(status=S.UNPAID)
    line = InvoiceLineFactory(invoice=invoice, unit_price=D("100.00"), taxable=False)
    data = {
        **_invoice_fields(invoice),
        **_management("lines", total=1, initial=1),
        **_line_fields(0, line),
        **_management("payments", total=1),
        "payments-0-paid_on": "2015-11-10",
        "payments-0-amount": "100.00",
        "payments-0-method": "check",
        "payments-0-reference": "4411",
    }

    response = admin_client.post(_change_url(invoice), data)

    _assert_saved(response)
    invoice.refresh_from_db()
    assert (invoice.balance, invoice.status) == (D("0.00"), S.PAID)


def test_a_draft_takes_no_payments_on_the_form(admin_client):
    invoice = InvoiceFactory(status=S.DRAFT)

    response = admin_client.get(_change_url(invoice))

    formsets = response.context["inline_admin_formsets"]
    (payments,) = [formset for formset in formsets if formset.opts.model is Payment]
    assert payments.has_add_permission is False


def test_status_is_read_only_on_the_form(admin_client):
    invoice = InvoiceFactory(status=S.DRAFT)
    line = InvoiceLineFactory(invoice=invoice)
    data = {
        **_invoice_fields(invoice),
        "status": S.PAID,
        **_management("lines", total=1, initial=1),
        **_line_fields(0, line),
        **_management("payments"),
    }

    _assert_saved(admin_client.post(_change_url(invoice), data))

    assert _statuses(invoice) == [S.DRAFT]


def test_a_void_invoice_is_view_only(admin_client):
    invoice = InvoiceFactory(status=S.VOID)

    response = admin_client.get(_change_url(invoice))

    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert admin_client.post(_change_url(invoice), _invoice_fields(invoice)).status_code == 403


# Status actions.


def _action(action: str, *invoices: Invoice, confirm: bool = False) -> dict:
    data = {"action": action, ACTION_CHECKBOX_NAME: [str(invoice.pk) for invoice in invoices]}
    # The list's action menu posts "index"; the confirmation page's "Yes" posts "post".
    data.update({"post": "yes"} if confirm else {"index": "0"})
    return data


@pytest.fixture
def workflow(db) -> dict[str, Invoice]:
    return {
        "draft": _invoice("1001", S.DRAFT, "100.00"),
        "approved": _invoice("1002", S.APPROVED, "100.00"),
        "paid": _invoice("1003", S.PAID, "100.00", balance="0"),
        "unpaid": _invoice("1004", S.UNPAID, "100.00"),
        "history": _invoice("1005", S.APPROVED, "100.00", is_history=True),
        "second_draft": _invoice("1006", S.DRAFT, "100.00"),
    }


def test_approve_asks_for_confirmation_listing_what_will_and_will_not_change(admin_client, workflow):
    selected = (workflow["draft"], workflow["second_draft"], workflow["paid"])

    response = admin_client.post(CHANGELIST, _action("approve", *selected))

    assert response.status_code == 200
    # In the list's order: newest first.
    assert [row["invoice"].number for row in response.context["will_change"]] == ["1006", "1001"]
    assert [(row["invoice"].number, row["reason"]) for row in response.context["will_not_change"]] == [
        ("1003", "Invoice 1003 is Paid; only drafts can be approved."),
    ]
    html = response.content.decode()
    assert "Are you sure?" in html
    assert '<input type="submit" class="default" value="Yes">' in html
    assert "No, take me back" in html
    assert html.count(f'name="{ACTION_CHECKBOX_NAME}"') == 3
    # Asking changed nothing.
    assert _statuses(*selected) == [S.DRAFT, S.DRAFT, S.PAID]
    assert Invoice.objects.get(pk=workflow["draft"].pk).approved_at is None


def test_yes_approves_the_drafts_and_reports_the_others(admin_client, workflow, superuser):
    selected = (workflow["draft"], workflow["second_draft"], workflow["paid"])

    response = admin_client.post(CHANGELIST, _action("approve", *selected, confirm=True))

    assert response.status_code == 302
    assert _statuses(*selected) == [S.APPROVED, S.APPROVED, S.PAID]
    assert Invoice.objects.get(pk=workflow["draft"].pk).approved_by == superuser
    assert _messages(response) == ["2 invoices were approved.", "Invoice 1003 is Paid; only drafts can be approved."]


def test_mark_for_sync_confirmation_and_yes(admin_client, workflow):
    selected = (workflow["approved"], workflow["paid"], workflow["unpaid"], workflow["history"])

    confirmation = admin_client.post(CHANGELIST, _action("mark_for_sync", *selected))
    response = admin_client.post(CHANGELIST, _action("mark_for_sync", *selected, confirm=True))

    assert [row["invoice"].number for row in confirmation.context["will_change"]] == ["1004", "1002"]
    assert [row["reason"] for row in confirmation.context["will_not_change"]] == [
        "Invoice 1005 is a historical invoice and is never sent to QuickBooks.",
        "Invoice 1003 is Paid; only approved or unpaid invoices can be marked for sync.",
    ]
    assert _statuses(*selected) == [S.READY_FOR_SYNC, S.PAID, S.READY_FOR_SYNC, S.APPROVED]
    assert _messages(response) == [
        "2 invoices are now Ready for Sync.",
        "Invoice 1005 is a historical invoice and is never sent to QuickBooks.",
        "Invoice 1003 is Paid; only approved or unpaid invoices can be marked for sync.",
    ]


def test_a_selection_where_nothing_qualifies_offers_no_yes(admin_client, workflow):
    response = admin_client.post(CHANGELIST, _action("mark_for_sync", workflow["draft"]))

    html = response.content.decode()
    assert "None of these invoices can change:" in html
    assert 'value="Yes"' not in html


def test_yes_keeps_the_list_filters(admin_client, workflow):
    url = f"{CHANGELIST}?payment=unpaid"

    response = admin_client.post(url, _action("mark_for_sync", workflow["approved"], confirm=True))

    assert response.status_code == 302
    assert response["Location"] == url


def test_form_buttons_lead_to_the_confirmation_for_one_invoice(admin_client, workflow):
    invoice = workflow["draft"]
    approve_url = reverse("admin:invoicing_invoice_approve", args=[invoice.pk])
    mark_url = reverse("admin:invoicing_invoice_mark_for_sync", args=[invoice.pk])

    assert approve_url in admin_client.get(_change_url(invoice)).content.decode()
    confirmation = admin_client.get(approve_url)
    assert [row["invoice"] for row in confirmation.context["will_change"]] == [invoice]
    approved = admin_client.post(approve_url, {"post": "yes"})
    assert approved["Location"] == _change_url(invoice)
    assert _statuses(invoice) == [S.APPROVED]

    change_page = admin_client.get(_change_url(invoice)).content.decode()
    assert mark_url in change_page
    assert approve_url not in change_page
    admin_client.post(mark_url, {"post": "yes"})
    assert _statuses(invoice) == [S.READY_FOR_SYNC]


def test_office_users_may_run_the_actions(client, office_user, workflow):
    client.force_login(office_user)

    response = client.post(CHANGELIST, _action("approve", workflow["draft"], confirm=True))

    assert response.status_code == 302
    assert _statuses(workflow["draft"]) == [S.APPROVED]


def test_read_only_users_cannot_run_the_actions(client, read_only_user, workflow):
    client.force_login(read_only_user)
    invoice = workflow["draft"]

    listing = client.get(CHANGELIST)
    client.post(CHANGELIST, _action("approve", invoice))
    client.post(CHANGELIST, _action("approve", invoice, confirm=True))
    button = client.get(reverse("admin:invoicing_invoice_approve", args=[invoice.pk]))
    button_yes = client.post(reverse("admin:invoicing_invoice_approve", args=[invoice.pk]), {"post": "yes"})

    assert listing.status_code == 200
    assert listing.context["action_form"] is None
    assert (button.status_code, button_yes.status_code) == (403, 403)
    change_page = client.get(_change_url(invoice))
    assert change_page.status_code == 200
    assert reverse("admin:invoicing_invoice_approve", args=[invoice.pk]) not in change_page.content.decode()
    assert _statuses(invoice) == [S.DRAFT]


def test_totals_config_is_valid_json_on_the_page(admin_client):
    invoice = InvoiceFactory(customer__taxable=False)

    html = admin_client.get(_change_url(invoice)).content.decode()

    start = html.index('id="invoice-totals-config" type="application/json">') + len(
        'id="invoice-totals-config" type="application/json">'
    )
    config = json.loads(html[start:html.index("</script>", start)])
    assert config["customerTaxable"] is False
    assert config["amountPaid"] == "0.00"
