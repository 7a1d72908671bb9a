"""
Consent without a browser, for the local sandbox only: its authorization page is driven over HTTP as a person would
drive it (sign in, pick a company, Connect), and the redirect to FieldOffice's callback is captured, not followed.

Used by ``manage.py qbo_connect``. It reads the sandbox's HTML only; nothing of the sandbox app is imported.
"""

import html
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

import requests

from apps.quickbooks.errors import AuthorizationFlowError

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
COMPANY_SELECT = re.compile(r'<select name="realm_id"[^>]*>(.*?)</select>', re.S)
COMPANY_OPTION = re.compile(r'<option value="([^"]+)"[^>]*>([^<]*)</option>')
TIMEOUT_SECONDS = 30
# The sandbox's documented development sign-in, which every new sandbox company is given.
DEFAULT_EMAIL = "sandbox@example.com"
DEFAULT_PASSWORD = "sandbox"


@dataclass(frozen=True)
class ConsentResult:
    code: str
    state: str
    realm_id: str
    error: str = ""

    def __repr__(self) -> str:
        return f"ConsentResult(realm_id={self.realm_id!r}, error={self.error!r})"


def _csrf(page: requests.Response) -> str:
    match = CSRF_INPUT.search(page.text)
    if not match:
        raise AuthorizationFlowError(f"The sandbox's authorization page did not load (HTTP {page.status_code}).")
    return match.group(1)


def _companies(page: requests.Response) -> list[tuple[str, str]]:
    select = COMPANY_SELECT.search(page.text)
    options = COMPANY_OPTION.findall(select.group(1)) if select else []
    return [(value, html.unescape(label)) for value, label in options]


def consent_give(
    authorization_url: str, *, realm_id: str = "", email: str = DEFAULT_EMAIL, password: str = DEFAULT_PASSWORD
) -> ConsentResult:
    """Sign in on the sandbox's page, pick ``realm_id`` (or the first company) and press Connect."""
    with requests.Session() as browser:
        page = browser.get(authorization_url, timeout=TIMEOUT_SECONDS, allow_redirects=False)
        if page.status_code != 200:
            raise AuthorizationFlowError(f"The sandbox refused the authorization request (HTTP {page.status_code}).")
        signed_in = browser.post(
            authorization_url,
            data={"csrfmiddlewaretoken": _csrf(page), "email": email, "password": password, "action": "sign_in"},
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
        companies = _companies(signed_in)
        if not companies:
            if 'name="password"' in signed_in.text:
                raise AuthorizationFlowError(f"The sandbox did not accept the sign-in of {email}.")
            raise AuthorizationFlowError(f"{email} may connect no sandbox company: create one with qbo_sandbox.")
        realms = [value for value, _ in companies]
        if realm_id and realm_id not in realms:
            raise AuthorizationFlowError(f"{email} may not connect realm {realm_id}; theirs: {', '.join(realms)}.")
        answer = browser.post(
            authorization_url,
            data={"csrfmiddlewaretoken": _csrf(signed_in), "realm_id": realm_id or realms[0], "action": "connect"},
            timeout=TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    if answer.status_code not in (301, 302, 303) or "Location" not in answer.headers:
        raise AuthorizationFlowError(f"The sandbox did not send the browser back (HTTP {answer.status_code}).")
    return callback_params(answer.headers["Location"])


def callback_params(address: str) -> ConsentResult:
    """What Intuit put on the callback address: the code, the state and the realm id, or an error."""
    query = {key: values[0] for key, values in parse_qs(urlsplit(address).query).items()}
    return ConsentResult(
        code=query.get("code", ""),
        state=query.get("state", ""),
        realm_id=query.get("realmId", ""),
        error=query.get("error", ""),
    )
