import pytest
from django.core.management import call_command


def test_schema_endpoint(admin_client):
    response = admin_client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/invoices/{id}/mark-for-sync/" in paths
    assert "/api/v1/customers/" in paths


@pytest.mark.django_db
def test_docs_page_renders(admin_client):
    response = admin_client.get("/api/docs/")

    assert response.status_code == 200
    assert b"swagger-ui" in response.content


def test_schema_generates_without_warnings(tmp_path):
    # --fail-on-warn turns every warning of drf-spectacular (an untyped field, a missing serializer) into a failure.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))

    assert (tmp_path / "schema.yml").stat().st_size > 0
