"""
Production settings: the local sandboxes are never on by accident, HTTPS settings are secure by default, sign-in
throttling is counted in the shared cache, and the API's schema and docs need a sign-in.

The attack: with ``DEBUG=0`` and ``QBO_ENVIRONMENT`` unset, ``/qbo-sandbox/`` was mounted with its published sign-in,
client secret and webhook verifier token; anyone could be issued a code, exchange it for tokens, and schedule syncs
with webhooks signed by the published token, while ``check --deploy`` only warned.

Settings are read once per process, so most tests here start a fresh interpreter with an environment of their own:
only PATH and what the test gives, and ``FIELDOFFICE_ENV_FILE`` empty so that a developer's ``.env`` (``make run``
writes one with ``DEBUG=True``) cannot change the outcome.
"""

import base64
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from apps.qbd_sandbox.guard import DISABLED_MESSAGE
from apps.qbd_sandbox.services import company_file_create
from apps.quickbooks.conf import LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET, LOCAL_WEBHOOK_VERIFIER_TOKEN
from apps.quickbooks.online.webhooks.signature import signature_compute
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]
HTTPS_SETTINGS = [
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
]
# What a fresh process reports: the settings asked for, whether the sandbox answers at /qbo-sandbox/, and whether
# the Desktop emulator has admin pages.
PROBE = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.contrib import admin
from django.urls import Resolver404, resolve
from apps.qbd_sandbox.models import CompanyFile
try:
    resolve("/qbo-sandbox/.well-known/openid_configuration/")
    mounted = True
except Resolver404:
    mounted = False
report = {name: getattr(settings, name) for name in sys.argv[1:]}
report.update(sandbox_mounted=mounted, emulator_admin=admin.site.is_registered(CompanyFile))
print(json.dumps(report))
"""


def production(**changes: str | None) -> dict[str, str]:
    """The README's production environment, with ``changes`` (``None`` removes a variable)."""
    environment = {
        "DEBUG": "False",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "fieldoffice.example.com",
        "CSRF_TRUSTED_ORIGINS": "https://fieldoffice.example.com",
        "DATABASE_URL": "sqlite:///:memory:",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "QBO_ENVIRONMENT": "production",
        "QBO_CLIENT_ID": "ABcdEFgh1234",
        "QBO_CLIENT_SECRET": secrets.token_urlsafe(30),
        "QBO_WEBHOOK_VERIFIER_TOKEN": secrets.token_urlsafe(30),
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    }
    environment.update(changes)
    return {name: value for name, value in environment.items() if value is not None}


def demonstration(**changes: str | None) -> dict[str, str]:
    """A demonstration behind a firewall: the local sandbox allowed explicitly, with keys of its own."""
    return production(**{"QBO_ENVIRONMENT": "local", "QBO_ALLOW_LOCAL_SANDBOX": "1", **changes})


def run(arguments: list[str], environment: dict[str, str]) -> subprocess.CompletedProcess:
    """``python <arguments>`` in the checkout, with nothing of this process's environment but PATH."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "FIELDOFFICE_ENV_FILE": "",
        **environment,
    }
    return subprocess.run(
        [sys.executable, *arguments], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def probe(environment: dict[str, str], *names: str) -> dict:
    result = run(["-c", PROBE, *names], environment)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def check_deploy(environment: dict[str, str]) -> tuple[int, set[str]]:
    """The exit status of ``manage.py check --deploy`` and the ids of what it reported."""
    result = run(["manage.py", "check", "--deploy"], environment)
    return result.returncode, set(re.findall(r"^\?: \(([\w.]+)\)", result.stderr, re.M))


def refusal(environment: dict[str, str]) -> str:
    """Why the web server (gunicorn imports config.wsgi) refused to start; fails if it started."""
    result = run(["-c", "import config.wsgi"], environment)
    assert result.returncode != 0, "FieldOffice started"
    assert "django.core.exceptions.ImproperlyConfigured" in result.stderr
    return result.stderr.strip().splitlines()[-1]


# The local sandboxes with DEBUG off.


def test_with_debug_off_and_no_qbo_environment_fieldoffice_refuses_to_start():
    reason = refusal(production(QBO_ENVIRONMENT=None))

    assert "Set QBO_ENVIRONMENT to production" in reason
    result = run(["manage.py", "check"], production(QBO_ENVIRONMENT=None))
    assert result.returncode != 0 and "Set QBO_ENVIRONMENT to production" in result.stderr


def test_an_unknown_qbo_environment_is_refused():
    assert "not 'staging'" in refusal(production(QBO_ENVIRONMENT="staging"))


def test_the_local_sandbox_with_debug_off_needs_the_explicit_allowance():
    reason = refusal(demonstration(QBO_ALLOW_LOCAL_SANDBOX=None))

    assert "QBO_ALLOW_LOCAL_SANDBOX=1" in reason


@pytest.mark.parametrize(
    ("secret", "token", "named"),
    [
        (None, None, ["QBO_CLIENT_SECRET", "QBO_WEBHOOK_VERIFIER_TOKEN"]),
        (LOCAL_CLIENT_SECRET, LOCAL_WEBHOOK_VERIFIER_TOKEN, ["QBO_CLIENT_SECRET", "QBO_WEBHOOK_VERIFIER_TOKEN"]),
        (LOCAL_CLIENT_SECRET, "a-random-token-of-its-own", ["QBO_CLIENT_SECRET"]),
        ("a-random-secret-of-its-own", LOCAL_WEBHOOK_VERIFIER_TOKEN, ["QBO_WEBHOOK_VERIFIER_TOKEN"]),
    ],
)
def test_an_allowed_local_sandbox_refuses_the_published_keys(secret, token, named):
    reason = refusal(demonstration(QBO_CLIENT_SECRET=secret, QBO_WEBHOOK_VERIFIER_TOKEN=token))

    assert [name for name in ("QBO_CLIENT_SECRET", "QBO_WEBHOOK_VERIFIER_TOKEN") if name in reason] == named


def test_an_allowed_demonstration_starts_but_check_deploy_fails():
    environment = demonstration()

    assert probe(environment)["sandbox_mounted"] is True
    assert run(["manage.py", "check"], environment).returncode == 0
    status, reported = check_deploy(environment)
    assert status != 0
    assert "fieldoffice.E001" in reported


def test_the_desktop_emulator_is_off_with_debug_off_unless_allowed():
    assert probe(production())["emulator_admin"] is False

    allowed = production(QBD_ALLOW_LOCAL_SANDBOX="1")
    assert probe(allowed)["emulator_admin"] is True
    status, reported = check_deploy(allowed)
    assert status != 0 and "fieldoffice.E006" in reported


def test_with_debug_on_both_sandboxes_stay_the_default_for_make_run():
    report = probe({"DEBUG": "True"}, "QBO_ENVIRONMENT", "QBO_CLIENT_ID", "QBO_CLIENT_SECRET")

    assert report == {
        "QBO_ENVIRONMENT": "local",
        "QBO_CLIENT_ID": LOCAL_CLIENT_ID,
        "QBO_CLIENT_SECRET": LOCAL_CLIENT_SECRET,
        "sandbox_mounted": True,
        "emulator_admin": True,
    }


def test_the_readme_production_environment_passes_check_deploy():
    environment = production()

    status, reported = check_deploy(environment)

    assert status == 0
    # The one warning left is explained in the README: HSTS preloading is left to the owner of the domain.
    assert reported == {"security.W021"}
    assert probe(environment)["sandbox_mounted"] is False


def test_the_env_file_is_read_unless_fieldoffice_env_file_is_empty(tmp_path):
    env_file = tmp_path / "fieldoffice.env"
    env_file.write_text("QBO_ENVIRONMENT=sandbox\n")

    assert probe(production(QBO_ENVIRONMENT=None, FIELDOFFICE_ENV_FILE=str(env_file)), "QBO_ENVIRONMENT") == {
        "QBO_ENVIRONMENT": "sandbox",
        "sandbox_mounted": False,
        "emulator_admin": False,
    }
    assert "Set QBO_ENVIRONMENT" in refusal(production(QBO_ENVIRONMENT=None, FIELDOFFICE_ENV_FILE=""))


# The same rules as system checks, for a settings module that changes the values after the base settings.


def _security_errors(*, deploy: bool = False) -> set[str]:
    return {message.id for message in run_checks(tags=["security"], include_deployment_checks=deploy)}


def test_the_checks_report_a_local_sandbox_reenabled_after_the_settings(settings):
    settings.DEBUG = False
    settings.QBO_ENVIRONMENT = "local"
    settings.QBO_ALLOW_LOCAL_SANDBOX = False
    assert "fieldoffice.E003" in _security_errors()

    settings.QBO_ALLOW_LOCAL_SANDBOX = True
    settings.QBO_CLIENT_SECRET = LOCAL_CLIENT_SECRET
    settings.QBO_WEBHOOK_VERIFIER_TOKEN = LOCAL_WEBHOOK_VERIFIER_TOKEN
    assert {"fieldoffice.E004", "fieldoffice.E005"} <= _security_errors()

    settings.QBO_CLIENT_SECRET = settings.QBO_WEBHOOK_VERIFIER_TOKEN = "random-enough-for-this-test"
    assert not {"fieldoffice.E003", "fieldoffice.E004", "fieldoffice.E005"} & _security_errors()
    assert "fieldoffice.E001" in _security_errors(deploy=True)

    settings.QBO_ENVIRONMENT = "production"
    settings.QBD_SANDBOX_ENABLED = False
    assert not {"fieldoffice.E001", "fieldoffice.E006"} & _security_errors(deploy=True)


# The attack chain against the test settings (a demonstration: the sandbox allowed, keys of its own).


@pytest.mark.django_db
def test_the_published_client_secret_cannot_exchange_a_code(client):
    credentials = f"{LOCAL_CLIENT_ID}:{LOCAL_CLIENT_SECRET}".encode()

    response = client.post(
        reverse("qbo_sandbox:token"),
        {"grant_type": "authorization_code", "code": "any", "redirect_uri": "http://localhost/callback"},
        headers={"Authorization": "Basic " + base64.b64encode(credentials).decode()},
    )

    assert response.status_code == 401
    assert response.json() == {"error": "invalid_client"}


@pytest.mark.django_db
def test_a_webhook_signed_with_the_published_verifier_token_is_refused(client):
    body = b'[{"specversion": "1.0", "type": "qbo.customer.updated.v1", "intuitaccountid": "1"}]'

    response = client.post(
        "/quickbooks/webhooks/",
        data=body,
        content_type="application/json",
        headers={"intuit-signature": signature_compute(LOCAL_WEBHOOK_VERIFIER_TOKEN, body)},
    )

    assert response.status_code == 401


def test_the_desktop_emulator_commands_and_services_refuse_when_it_is_off(settings):
    settings.QBD_SANDBOX_ENABLED = False

    with pytest.raises(CommandError, match="QBD_ALLOW_LOCAL_SANDBOX=1"):
        call_command("qbd_sandbox_company", "--name", "Carefree Heating")
    with pytest.raises(CommandError, match="QBD_ALLOW_LOCAL_SANDBOX=1"):
        call_command("qbwc_simulate", "--division", "main", "--password", "secret")
    with pytest.raises(ImproperlyConfigured, match=re.escape(DISABLED_MESSAGE)):
        company_file_create(name="Carefree Heating")


# HTTPS.


def test_with_debug_off_the_https_settings_are_secure_by_default():
    report = probe(production(SECURE_PROXY_SSL_HEADER=None), *HTTPS_SETTINGS)

    assert {name: report[name] for name in HTTPS_SETTINGS} == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31_536_000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": False,
        # Trusting a forwarded header is only safe behind a proxy that sets it: never by default.
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_each_https_setting_comes_from_the_environment():
    changed = {
        "SESSION_COOKIE_SECURE": "False",
        "CSRF_COOKIE_SECURE": "False",
        "SECURE_SSL_REDIRECT": "False",
        "SECURE_HSTS_SECONDS": "3600",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": "False",
        "SECURE_HSTS_PRELOAD": "True",
        "SECURE_PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO,https",
    }

    report = probe(production(**changed), *HTTPS_SETTINGS)

    assert {name: report[name] for name in HTTPS_SETTINGS} == {
        "SESSION_COOKIE_SECURE": False,
        "CSRF_COOKIE_SECURE": False,
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 3600,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": False,
        "SECURE_HSTS_PRELOAD": True,
        "SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"],
    }


def test_secure_cookies_is_still_read_as_the_default_of_both_cookie_settings():
    report = probe(production(SECURE_COOKIES="False"), "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE")

    assert (report["SESSION_COOKIE_SECURE"], report["CSRF_COOKIE_SECURE"]) == (False, False)


def test_a_malformed_proxy_ssl_header_is_refused():
    assert "HTTP_X_FORWARDED_PROTO,https" in refusal(production(SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto"))


# Sign-in throttling.


@pytest.fixture
def empty_cache():
    cache.clear()
    yield cache
    cache.clear()


def _sign_in(client: Client, password: str):
    return client.post(reverse("account_login"), {"login": "owner@example.com", "password": password})


@pytest.mark.django_db
def test_failed_sign_ins_are_counted_in_the_shared_cache_for_every_client(empty_cache):
    UserFactory(email="owner@example.com")
    for _ in range(5):
        assert not _sign_in(Client(), "a-guess").wsgi_request.user.is_authenticated

    # Another browser (or another web process: the count is in the cache, not in the session) is refused too, even
    # with the right password.
    locked_out = _sign_in(Client(), "correct-horse-battery")
    assert not locked_out.wsgi_request.user.is_authenticated
    assert "Too many failed login attempts" in locked_out.content.decode()

    # The count lives in django.core.cache.cache, the cache REDIS_URL makes shared: emptied, the sign-in goes through.
    empty_cache.clear()
    assert _sign_in(Client(), "correct-horse-battery").wsgi_request.user.is_authenticated


@pytest.mark.django_db
def test_the_admin_login_form_cannot_be_used_to_get_around_the_throttling(client):
    UserFactory(email="owner@example.com")

    response = client.post("/admin/login/", {"username": "owner@example.com", "password": "correct-horse-battery"})

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert not response.wsgi_request.user.is_authenticated


def test_with_redis_url_the_cache_is_redis_and_shared():
    report = probe(production(), "CACHES")

    assert report["CACHES"]["default"]["BACKEND"] == "django_redis.cache.RedisCache"
    assert report["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/0"


# The API's schema and docs.


@pytest.mark.django_db
def test_the_api_schema_and_docs_need_a_sign_in(client):
    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/")

    assert schema.status_code == 401
    assert docs.status_code == 302
    assert docs["Location"] == f"{reverse('account_login')}?next=/api/docs/"


@pytest.mark.django_db
def test_signed_in_staff_see_the_api_schema_and_docs(client, read_only_user):
    client.force_login(read_only_user)

    assert client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").status_code == 200
    assert b"swagger-ui" in client.get("/api/docs/").content
