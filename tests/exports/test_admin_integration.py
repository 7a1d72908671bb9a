"""The Export button on the lists: where it appears, what it keeps of the list, and what it leaves alone."""

import re
from html import unescape

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from apps.core.resources import ExportAdminMixin
from tests.exports.helpers import export_url, post_export
from tests.factories import CustomerFactory, InvoiceFactory

pytestmark = pytest.mark.django_db

EXPORTING_ADMINS = sorted(
    (
        model._meta.label_lower
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, ExportAdminMixin)
    )
)


def _export_link(html: str) -> str:
    (href,) = re.findall(r'<a href="([^"]+)" class="export_link">', html)
    return unescape(href)


@pytest.mark.parametrize("label", EXPORTING_ADMINS)
def test_export_page_offers_xlsx_and_csv(admin_client, label):
    response = admin_client.get(export_url(label))

    assert response.status_code == 200
    choices = [title for value, title in response.context["form"].fields["format"].choices if value != ""]
    assert choices == ["xlsx", "csv"]


# The lists whose records the Import from Excel page takes, and the kind their Import button chooses there.
IMPORTED_FROM_LISTS = {
    "accounting.paymentterm": "payment_terms",
    "accounting.taxrate": "tax_rates",
    "catalog.item": "items",
    "customers.customer": "customers",
    "customers.customernote": "customer_notes",
    "customers.customerattachment": "customer_attachments",
    "invoicing.invoice": "invoices",
}


def _import_links(html: str) -> list[str]:
    return [unescape(href) for href in re.findall(r'<a href="([^"]+)" class="import_link">', html)]


@pytest.mark.parametrize("label", EXPORTING_ADMINS)
def test_import_opens_the_import_page_with_the_lists_kind_and_only_there(admin_client, label):
    app_label, model_name = label.split(".")
    # Imports run on their own page (checks, preview, record), never the library's import view on a list.
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:{app_label}_{model_name}_import")
    response = admin_client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))

    kind = IMPORTED_FROM_LISTS.get(label)
    page = reverse("admin:imports_excelimport_changelist")
    assert _import_links(response.content.decode()) == ([f"{page}?kind={kind}"] if kind else [])


def test_the_import_page_opens_with_the_kind_the_list_chose(admin_client):
    page = reverse("admin:imports_excelimport_changelist")

    response = admin_client.get(page, {"kind": "customer_notes"})

    assert response.context["form"]["kind"].value() == "customer_notes"


def test_no_import_button_for_who_may_not_import(client, read_only_user):
    client.force_login(read_only_user)

    response = client.get(reverse("admin:customers_customernote_changelist"))

    assert response.status_code == 200
    assert _import_links(response.content.decode()) == []
    assert 'class="export_link"' in response.content.decode()


def test_export_button_keeps_the_lists_search_and_filters(admin_client):
    CustomerFactory(display_name="Basement Bar")
    response = admin_client.get(reverse("admin:customers_customer_changelist"), {"q": "bar", "active__exact": "1"})

    link = _export_link(response.content.decode())
    assert link.startswith(reverse("admin:customers_customer_export") + "?")
    assert "q=bar" in link and "active__exact=1" in link


def test_invoice_list_keeps_its_tiles_and_actions_and_shows_the_export_button(admin_client):
    InvoiceFactory()
    params = {"invoice_date__gte": "2015-01-01", "invoice_date__lte": "2015-12-31", "payment": "unpaid"}

    response = admin_client.get(reverse("admin:invoicing_invoice_changelist"), params)

    html = response.content.decode()
    assert 'class="invoice-summary"' in html
    assert [tile["key"] for tile in response.context["invoice_tiles"]] == ["paid", "overdue", "open"]
    link = _export_link(html)
    assert "invoice_date__gte=2015-01-01" in link and "payment=unpaid" in link
    assert set(response.context["cl"].model_admin.get_actions(response.wsgi_request)) == {
        "delete_selected",
        "approve",
        "mark_for_sync",
    }


def test_export_file_is_named_after_the_list_and_the_day(admin_client):
    InvoiceFactory()
    today = timezone.localdate().isoformat()

    xlsx = post_export(admin_client, "invoicing.invoice", "xlsx")
    csv = post_export(admin_client, "invoicing.invoice", "csv")

    assert xlsx["Content-Disposition"] == f'attachment; filename="invoices-{today}.xlsx"'
    assert csv["Content-Disposition"] == f'attachment; filename="invoices-{today}.csv"'


def test_export_page_labels_each_column_with_its_header(admin_client):
    response = admin_client.get(export_url("customers.customer"))

    fields = response.context["form"].fields
    assert fields["customerresource_tax_rate__name"].label == "Tax rate"
    assert fields["customerresource_display_name"].label == "Display name"
    assert all(fields[name].initial for name in fields if name.startswith("customerresource_"))


def test_export_of_chosen_columns_only(admin_client):
    CustomerFactory(display_name="Basement Bar", phone="612-555-0100")
    data = {"format": "1", "resource": "0", "customerresource_display_name": "on", "customerresource_phone": "on"}

    response = admin_client.post(export_url("customers.customer"), data)

    assert response.content.decode("utf-8-sig").splitlines() == ["Display name,Phone", "Basement Bar,612-555-0100"]
