"""``manage.py qbo_sandbox``: every subcommand with ``--json``, as a script would call it."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from apps.qbo_sandbox import store
from apps.qbo_sandbox.models import SandboxApp, SandboxCompany, SandboxEntity, SandboxUser

pytestmark = pytest.mark.django_db


def run(*args: str) -> dict:
    out = StringIO()
    call_command("qbo_sandbox", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def test_create_company_prints_its_realm_and_seeds_demo_records():
    result = run("create-company", "--name", "Cool HVAC")

    company = SandboxCompany.objects.get()
    assert result["realm_id"] == company.realm_id
    assert company.realm_id.startswith("9341453") and len(company.realm_id) == 16
    assert result["users"] == ["sandbox@example.com"]
    assert result["entities"]["CompanyInfo"] == result["entities"]["Preferences"] == 1
    for entity_type in ("Account", "Customer", "Item", "TaxAgency", "TaxCode", "TaxRate", "Term"):
        assert result["entities"][entity_type] >= 1, entity_type

    job = SandboxEntity.objects.get(company=company, entity_type="Customer", data__Job=True).data
    parent = store.entity_get(company, "Customer", job["ParentRef"]["value"]).data
    assert job["BillWithParent"] is True and job["Level"] == 1
    assert job["FullyQualifiedName"] == f"{parent['DisplayName']}:{job['DisplayName']}"
    item_types = set(SandboxEntity.objects.filter(entity_type="Item").values_list("data__Type", flat=True))
    assert item_types == {"Service", "NonInventory", "Inventory"}
    inventory = SandboxEntity.objects.get(entity_type="Item", data__Type="Inventory").data
    for account_ref in ("IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef"):
        assert store.entity_get(company, "Account", inventory[account_ref]["value"]) is not None


def test_create_company_options_set_preferences():
    result = run("create-company", "--seed", "empty", "--custom-txn-numbers", "--no-sales-tax")

    company = SandboxCompany.objects.get(realm_id=result["realm_id"])
    assert set(result["entities"]) == {"CompanyInfo", "Preferences"}
    assert company.preferences["SalesFormsPrefs"]["CustomTxnNumbers"] is True
    assert company.preferences["TaxPrefs"]["UsingSalesTax"] is False


def test_create_company_generates_records_in_bulk():
    result = run("create-company", "--seed", "empty", "--customers", "300", "--items", "20", "--invoices", "200")

    assert result["entities"]["Customer"] == 300
    assert result["entities"]["Item"] == 20
    assert result["entities"]["Invoice"] == 200
    invoice = SandboxEntity.objects.filter(entity_type="Invoice").first().data
    assert invoice["DocNumber"] == "1001"
    assert invoice["TotalAmt"] == sum(line["Amount"] for line in invoice["Line"][:-1])
    ids = SandboxEntity.objects.exclude(entity_type__in=["CompanyInfo", "Preferences"]).values_list("entity_id")
    assert len(set(ids)) == 520


def test_create_company_refuses_invoices_without_customers():
    with pytest.raises(CommandError, match="Invoices need customers and items"):
        run("create-company", "--seed", "empty", "--invoices", "5")
    assert not SandboxCompany.objects.exists()


def test_create_app_prints_keys_once_and_stores_the_secret_as_a_digest():
    result = run("create-app", "--name", "FieldOffice", "--redirect-uri", "http://localhost:8000/callback/")

    app = SandboxApp.objects.get()
    assert result["client_id"] == app.client_id
    assert result["webhook_verifier_token"] == app.webhook_verifier_token
    assert result["client_secret"] not in json.dumps(list(SandboxApp.objects.values()), default=str)


def test_create_app_refuses_a_relative_redirect_uri():
    with pytest.raises(CommandError, match="absolute"):
        run("create-app", "--name", "Bad", "--redirect-uri", "/callback")


def test_playground_tokens_call_the_api():
    realm_id = run("create-company", "--seed", "empty")["realm_id"]
    client_id = run("create-app", "--name", "App", "--redirect-uri", "http://localhost/cb")["client_id"]

    tokens = run("playground", "--realm", realm_id, "--client-id", client_id)

    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 3600
    response = Client().get(
        f"/qbo-sandbox/v3/company/{realm_id}/companyinfo/{realm_id}",
        headers={"Authorization": f"Bearer {tokens['access_token']}"},
    )
    assert response.status_code == 200
    assert response.json()["CompanyInfo"]["Id"] == "1"


def test_create_user_and_list():
    realm_id = run("create-company", "--seed", "empty", "--name", "Acme")["realm_id"]
    run("create-user", "--email", "Bob@Example.com", "--password", "pw", "--realm", realm_id)
    run("create-app", "--name", "App", "--redirect-uri", "http://localhost/cb")

    listing = run("list")

    assert [c["realm_id"] for c in listing["companies"]] == [realm_id]
    assert [a["name"] for a in listing["apps"]] == ["App"]
    assert "client_secret" not in json.dumps(listing)
    assert {"email": "bob@example.com", "companies": [realm_id]} in listing["users"]
    assert SandboxUser.objects.get(email="bob@example.com").check_password("pw")


def test_faults_store_knobs_and_defaults_put_them_back():
    realm_id = run("create-company", "--seed", "empty")["realm_id"]

    result = run(
        "faults", "--realm", realm_id, "--token-lifetime", "1", "--error-rate", "503=0.25", "--latency-ms", "50"
    )

    assert result["settings"]["access_token_lifetime"] == 1
    assert result["settings"]["error_rates"] == {"503": 0.25}
    assert result["settings"]["refresh_token_lifetime"] == 8726400
    assert SandboxCompany.objects.get().setting("latency_ms") == 50
    assert run("faults", "--realm", realm_id, "--defaults")["overrides"] == {}


def test_faults_of_an_unknown_realm_fail():
    with pytest.raises(CommandError, match="No sandbox company"):
        run("faults", "--realm", "123", "--token-lifetime", "5")


def test_reset_deletes_everything_or_keeps_apps():
    run("create-company", "--customers", "10")
    run("create-app", "--name", "App", "--redirect-uri", "http://localhost/cb")

    run("reset", "--keep-apps")
    assert not SandboxCompany.objects.exists() and not SandboxEntity.objects.exists()
    assert SandboxApp.objects.exists()

    result = run("reset")
    assert result["deleted"]["qbo_sandbox.SandboxApp"] == 1
    assert not SandboxApp.objects.exists() and not SandboxUser.objects.exists()


def test_reset_without_yes_refuses_when_not_interactive(monkeypatch):
    monkeypatch.setattr("sys.stdin", StringIO(""))

    with pytest.raises(CommandError, match="--yes"):
        call_command("qbo_sandbox", "reset", stdout=StringIO())
    call_command("qbo_sandbox", "reset", "--yes", stdout=StringIO())


def test_plain_output_is_the_realm_id():
    out = StringIO()
    call_command("qbo_sandbox", "create-company", "--seed", "empty", stdout=out)

    assert out.getvalue().strip() == SandboxCompany.objects.get().realm_id
