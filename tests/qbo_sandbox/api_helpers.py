"""A plain HTTP client of the sandbox's Accounting API, for tests that call it as a program would."""

from dataclasses import dataclass, field
from typing import Any

import requests

from apps.qbo_sandbox.models import SandboxCompany
from apps.qbo_sandbox.oauth.services import app_create, grant_create

ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting"


@dataclass
class SandboxApi:
    """``requests`` against ``/qbo-sandbox/v3/company/<realm>/`` with a Bearer token and ``minorversion=75``."""

    base_url: str
    company: SandboxCompany
    access_token: str
    session: requests.Session = field(default_factory=requests.Session)

    def __post_init__(self) -> None:
        self.session.headers.update({"Authorization": f"Bearer {self.access_token}", "Accept": "application/json"})

    def url(self, endpoint: str) -> str:
        return f"{self.base_url}/qbo-sandbox/v3/company/{self.company.realm_id}/{endpoint}"

    def get(self, endpoint: str, **params: Any) -> requests.Response:
        return self.session.get(self.url(endpoint), params={"minorversion": 75, **params})

    def post_json(self, endpoint: str, body: Any, **params: Any) -> requests.Response:
        return self.session.post(self.url(endpoint), json=body, params={"minorversion": 75, **params})

    def query(self, text: str) -> requests.Response:
        return self.get("query", query=text)

    def query_by_post(self, text: str) -> requests.Response:
        return self.session.post(
            self.url("query"),
            data=text.encode(),
            params={"minorversion": 75},
            headers={"Content-Type": "application/text"},
        )

    def close(self) -> None:
        self.session.close()


def sandbox_api(base_url: str, company: SandboxCompany) -> SandboxApi:
    """A client connected to ``company`` through a fresh app, without going through the consent page."""
    app, _ = app_create(name="Tests", redirect_uris=["http://localhost/callback"])
    tokens = grant_create(app=app, company=company, scope=ACCOUNTING_SCOPE)
    return SandboxApi(base_url=base_url, company=company, access_token=tokens.access_token)
