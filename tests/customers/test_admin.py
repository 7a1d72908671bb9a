from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.core.selectors import division_get_default
from apps.customers.models import Customer, CustomerAttachment, CustomerNote, ServiceLocation
from tests.exports.helpers import export
from tests.factories import (
    CustomerAttachmentFactory,
    CustomerFactory,
    CustomerNoteFactory,
    ServiceLocationFactory,
    TaxRateFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:customers_customer_changelist")


def _bulk_customers(count: int, offset: int = 0) -> None:
    division = division_get_default()
    rate = TaxRateFactory()
    Customer.objects.bulk_create(
        Customer(division=division, display_name=f"Bulk {offset + n}", tax_rate=rate, billing_city="Mesa")
        for n in range(count)
    )


def _queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return len(context)


def test_changelist_query_count_does_not_grow_with_rows(admin_client):
    _bulk_customers(10)
    small = _queries(admin_client)
    _bulk_customers(190, offset=10)
    assert _queries(admin_client) == small


def test_changelist_searches_by_name_number_and_email(admin_client):
    CustomerFactory(display_name="Basement Bar", number="C-77", email="bar@example.com")
    CustomerFactory(display_name="A&L Chinese Restaurant")
    for term in ("basement", "C-77", "bar@example"):
        response = admin_client.get(CHANGELIST, {"q": term})
        assert "Basement Bar" in response.content.decode()
        assert "A&amp;L Chinese" not in response.content.decode()


def _inline_management(prefix: str, total: int = 0) -> dict:
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": "0"}


def test_customer_is_created_with_locations_and_notes_inline(admin_client, superuser):
    data = {
        "division": division_get_default().pk,
        "company_name": "Basement Bar",
        "display_name": "",
        "active": "on",
        "taxable": "on",
        **_inline_management("service_locations", 2),
        "service_locations-0-name": "Main",
        "service_locations-0-street": "511 N Washington Ave",
        "service_locations-0-active": "on",
        "service_locations-1-name": "BB_1",
        "service_locations-1-street": "511 N Washington Ave",
        "service_locations-1-active": "on",
        **_inline_management("contacts"),
        **_inline_management("notes", 1),
        "notes-0-noted_on": "2015-11-01",
        "notes-0-text": "Gate code 1234",
        **_inline_management("attachments"),
    }
    response = admin_client.post(reverse("admin:customers_customer_add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    customer = Customer.objects.get(display_name="Basement Bar")
    assert set(ServiceLocation.objects.filter(customer=customer).values_list("name", flat=True)) == {"Main", "BB_1"}
    note = CustomerNote.objects.get(customer=customer)
    assert note.created_by == superuser
    assert note.author == str(superuser)


def test_change_form_shows_integrations_field(admin_client):
    customer = CustomerFactory()
    response = admin_client.get(reverse("admin:customers_customer_change", args=[customer.pk]))
    assert "Not linked to any integration" in response.content.decode()


def test_invoice_location_picker_offers_only_the_chosen_customers_locations(admin_client):
    mine = ServiceLocationFactory(name="BB_1")
    ServiceLocationFactory(name="Elsewhere")
    params = {"app_label": "invoicing", "model_name": "invoice", "field_name": "service_location", "term": ""}

    everyone = admin_client.get("/admin/autocomplete/", params).json()["results"]
    only_mine = admin_client.get("/admin/autocomplete/", {**params, "customer": mine.customer_id}).json()["results"]

    assert len(everyone) == 2
    assert [result["id"] for result in only_mine] == [str(mine.pk)]


NOTES = reverse("admin:customers_customernote_changelist")


def _listed_notes(response) -> list[str]:
    assert response.status_code == 200
    return [note.text for note in response.context["cl"].result_list]


def test_notes_list_searches_and_filters_by_customer_and_date(admin_client):
    bar = CustomerFactory(display_name="Basement Bar", number="C-77")
    deli = CustomerFactory(display_name="Corner Deli")
    today = timezone.localdate()
    CustomerNoteFactory(customer=bar, noted_on=today - timedelta(days=3), text="Door code 4411")
    CustomerNoteFactory(customer=bar, noted_on=today - timedelta(days=300), text="Dog on site")
    CustomerNoteFactory(customer=deli, noted_on=today - timedelta(days=3), author="Jo", text="Back entrance")

    assert _listed_notes(admin_client.get(NOTES)) == ["Back entrance", "Door code 4411", "Dog on site"]
    assert _listed_notes(admin_client.get(NOTES, {"q": "C-77"})) == ["Door code 4411", "Dog on site"]
    assert _listed_notes(admin_client.get(NOTES, {"q": "jo"})) == ["Back entrance"]
    assert _listed_notes(admin_client.get(NOTES, {"customer": str(deli.pk)})) == ["Back entrance"]
    since = (today - timedelta(days=30)).isoformat()
    assert _listed_notes(admin_client.get(NOTES, {"customer": str(bar.pk), "noted_on__gte": since})) == [
        "Door code 4411"
    ]
    assert _listed_notes(admin_client.get(NOTES, {"customer": "not-a-number"})) == []


def test_notes_list_names_the_customers_with_notes_while_few(admin_client):
    bar = CustomerFactory(display_name="Basement Bar")
    CustomerFactory(display_name="No Notes Inc")
    CustomerNoteFactory(customer=bar)

    response = admin_client.get(NOTES)

    (customer_filter,) = [spec for spec in response.context["cl"].filter_specs if spec.title == "customer"]
    assert customer_filter.lookup_choices == [(str(bar.pk), "Basement Bar")]


def test_notes_list_costs_the_same_queries_for_more_notes(admin_client):
    CustomerNoteFactory.create_batch(3)
    with CaptureQueriesContext(connection) as few:
        admin_client.get(NOTES)
    CustomerNoteFactory.create_batch(40)
    with CaptureQueriesContext(connection) as many:
        admin_client.get(NOTES)
    assert len(many) == len(few)


def test_a_note_added_from_the_notes_list_is_signed_by_its_writer(admin_client, superuser):
    bar = CustomerFactory(display_name="Basement Bar")
    data = {"customer": bar.pk, "noted_on": "2022-08-15", "author": "", "text": "Gate code 0000"}

    response = admin_client.post(reverse("admin:customers_customernote_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    note = CustomerNote.objects.get(customer=bar)
    assert (note.created_by, note.author) == (superuser, str(superuser))


ATTACHMENTS = reverse("admin:customers_customerattachment_changelist")


def _listed_attachments(response) -> list[str]:
    assert response.status_code == 200
    return sorted(attachment.file_name for attachment in response.context["cl"].result_list)


def test_attachments_list_searches_and_filters_by_customer(admin_client):
    bar = CustomerFactory(display_name="Basement Bar", number="C-77")
    deli = CustomerFactory(display_name="Corner Deli")
    CustomerFactory(display_name="No Files Inc")
    CustomerAttachmentFactory(customer=bar, title="Site plan", file__filename="plan.pdf")
    CustomerAttachmentFactory(customer=bar, title="", file__filename="codes.txt")
    CustomerAttachmentFactory(customer=deli, title="Lease", file__filename="contract.pdf")

    response = admin_client.get(ATTACHMENTS)
    assert _listed_attachments(response) == ["codes.txt", "contract.pdf", "plan.pdf"]
    (customer_filter,) = [spec for spec in response.context["cl"].filter_specs if spec.title == "customer"]
    assert customer_filter.lookup_choices == [(str(bar.pk), "Basement Bar"), (str(deli.pk), "Corner Deli")]
    assert _listed_attachments(admin_client.get(ATTACHMENTS, {"q": "C-77"})) == ["codes.txt", "plan.pdf"]
    assert _listed_attachments(admin_client.get(ATTACHMENTS, {"q": "lease"})) == ["contract.pdf"]
    assert _listed_attachments(admin_client.get(ATTACHMENTS, {"q": "codes"})) == ["codes.txt"]
    assert _listed_attachments(admin_client.get(ATTACHMENTS, {"customer": str(deli.pk)})) == ["contract.pdf"]
    # Each row downloads through the guarded view, never from where the file is stored.
    page = response.content.decode()
    attachment = CustomerAttachment.objects.get(file_name="plan.pdf")
    assert reverse("admin:customers_customerattachment_file", args=[attachment.pk]) in page
    assert attachment.file.name not in page


def test_attachments_list_exports_and_offers_the_import_to_who_may_import(client, office_user, read_only_user):
    CustomerAttachmentFactory(customer=CustomerFactory(display_name="Basement Bar"), file__filename="plan.pdf")
    import_link = f"{reverse('admin:imports_excelimport_changelist')}?kind=customer_attachments"

    client.force_login(office_user)
    assert import_link in client.get(ATTACHMENTS).content.decode()
    exported = export(client, "customers.customerattachment", "csv")
    assert exported.headers == ["Customer", "File name", "Title", "Date"]
    assert exported.rows == [["Basement Bar", "plan.pdf", "Site plan", ""]]

    client.force_login(read_only_user)
    response = client.get(ATTACHMENTS)
    assert response.status_code == 200
    assert "kind=customer_attachments" not in response.content.decode()


def test_an_attachment_added_from_the_list_is_checked_by_its_content(admin_client):
    bar = CustomerFactory(display_name="Basement Bar")
    add = reverse("admin:customers_customerattachment_add")
    page = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"

    refused = admin_client.post(add, {"customer": bar.pk, "file": SimpleUploadedFile("plan.pdf", page)})
    assert refused.status_code == 200
    assert "“plan.pdf” is a web page (HTML); it cannot be attached." in refused.content.decode()
    assert not CustomerAttachment.objects.exists()

    pdf = SimpleUploadedFile("Site plan.pdf", b"%PDF-1.4\n%%EOF")
    response = admin_client.post(add, {"customer": bar.pk, "title": "Plan", "file": pdf})
    assert response.status_code == 302, response.context["adminform"].form.errors
    attachment = CustomerAttachment.objects.get()
    assert (attachment.customer, attachment.title, attachment.file_name) == (bar, "Plan", "Site plan.pdf")
    assert "Site plan" not in attachment.file.name
