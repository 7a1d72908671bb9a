"""Every admin changelist, add form and change form renders for a superuser."""

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import (
    AccountFactory,
    ContactFactory,
    CustomerAttachmentFactory,
    CustomerNoteFactory,
    DefaultAccountsFactory,
    InvoiceLineFactory,
    PaymentFactory,
    ServiceLocationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MODEL_ADMINS = sorted(
    model._meta.label for model in admin.site._registry if model._meta.app_label not in {"django_q", "mfa"}
)


@pytest.fixture
def populated(db):
    location = ServiceLocationFactory()
    ContactFactory(customer=location.customer)
    CustomerNoteFactory(customer=location.customer)
    CustomerAttachmentFactory(customer=location.customer)
    line = InvoiceLineFactory(invoice__customer=location.customer, invoice__service_location=location)
    PaymentFactory(invoice=line.invoice)
    DefaultAccountsFactory()
    AccountFactory()
    UserFactory()


def _admin_urls(label):
    app_label, model_name = label.lower().split(".")
    return app_label, model_name


@pytest.mark.parametrize("label", MODEL_ADMINS)
def test_changelist_add_and_change_pages_render(admin_client, populated, label):
    from django.apps import apps

    model = apps.get_model(label)
    opts = model._meta
    changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200, label
    add = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    assert add.status_code in (200, 403), label  # 403: models that are only created by the system
    obj = model._default_manager.first()
    if obj is not None:
        change = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk]))
        assert change.status_code == 200, label


def test_search_works_on_every_searchable_admin(admin_client, populated):
    for model, model_admin in admin.site._registry.items():
        if not model_admin.search_fields:
            continue
        opts = model._meta
        response = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"), {"q": "a"})
        assert response.status_code == 200, opts.label


def test_the_favicon_is_served_at_the_address_browsers_ask_for_and_named_by_the_sign_in_page(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith("core/favicon.svg")

    sign_in = client.get("/accounts/login/").content.decode()
    assert 'rel="icon"' in sign_in and "core/favicon.svg" in sign_in
