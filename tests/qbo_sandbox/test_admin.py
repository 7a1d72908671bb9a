"""The "QuickBooks side" in the admin: browsable, read-only where QuickBooks is the source, secrets hidden."""

import pytest
from django.urls import reverse

from apps.qbo_sandbox.companies import company_create
from apps.qbo_sandbox.models import SandboxEntity
from apps.qbo_sandbox.oauth.services import app_create, grant_create
from apps.qbo_sandbox.seeding import SeedOptions

pytestmark = pytest.mark.django_db


@pytest.fixture
def sandbox(db):
    company = company_create(name="Admin Co", options=SeedOptions(seed="demo"))
    app, secret = app_create(name="FieldOffice", redirect_uris=["http://localhost/cb"])
    issued = grant_create(app=app, company=company, scope="com.intuit.quickbooks.accounting")
    return company, app, secret, issued


def test_the_section_is_named_quickbooks_sandbox(admin_client, sandbox):
    response = admin_client.get(reverse("admin:app_list", args=["qbo_sandbox"]))

    assert response.status_code == 200
    assert "QuickBooks sandbox" in response.content.decode()


def test_every_sandbox_page_renders_without_secrets(admin_client, sandbox):
    _, app, secret, issued = sandbox
    for model in ("sandboxcompany", "sandboxuser", "sandboxapp", "sandboxgrant", "sandboxentity", "sandboxrequestlog"):
        changelist = admin_client.get(reverse(f"admin:qbo_sandbox_{model}_changelist"))
        assert changelist.status_code == 200, model
        for value in (secret, issued.access_token, issued.refresh_token, app.client_secret_hash):
            assert value not in changelist.content.decode(), model

    app_page = admin_client.get(reverse("admin:qbo_sandbox_sandboxapp_change", args=[app.pk])).content.decode()
    assert secret not in app_page and app.client_secret_hash not in app_page
    assert app.webhook_verifier_token in app_page
    assert (
        app.webhook_verifier_token
        not in admin_client.get(reverse("admin:qbo_sandbox_sandboxapp_changelist")).content.decode()
    )


def test_entities_filter_search_and_show_pretty_json(admin_client, sandbox):
    company = sandbox[0]
    url = reverse("admin:qbo_sandbox_sandboxentity_changelist")

    customers = admin_client.get(url, {"company__id__exact": company.pk, "entity_type": "Customer", "active__exact": 1})
    found = admin_client.get(url, {"q": "cool cars"})

    assert "Amy&#x27;s Bird Sanctuary" in customers.content.decode()
    assert "Labor" not in customers.content.decode()
    assert "Cool Cars" in found.content.decode() and "Labor" not in found.content.decode()
    entity = SandboxEntity.objects.get(entity_type="CompanyInfo")
    page = admin_client.get(reverse("admin:qbo_sandbox_sandboxentity_change", args=[entity.pk])).content.decode()
    assert '"CompanyName": "Admin Co"' in page.replace("&quot;", '"')
    assert 'name="_save"' not in page
