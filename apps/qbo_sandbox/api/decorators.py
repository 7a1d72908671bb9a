"""``qbo_api``: what every Accounting API endpoint goes through before its own code runs."""

from collections.abc import Callable
from functools import partial, wraps

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from apps.qbo_sandbox.api.auth import ApiAuthError, ApiCaller, api_auth_error_response, authenticate_api_request
from apps.qbo_sandbox.faults.guard import guarded_call, request_kind

ApiView = Callable[..., HttpResponse]


def qbo_api(view: ApiView | None = None, *, kind: str = "") -> ApiView | Callable[[ApiView], ApiView]:
    """
    Make ``view(request, caller, **kwargs)`` an Accounting API endpoint under ``v3/company/<realm_id>/``.

    The Bearer token is checked before anything else, as at Intuit; then the company's limits and injected faults
    apply (``apps.qbo_sandbox.faults``), and the view receives the ``ApiCaller``. Use it bare, ``@qbo_api``, or
    as ``@qbo_api(kind="batch")`` for an endpoint under the batch limit; a bare one is recognised as batch by its
    URL name or path ending in ``batch``.
    CSRF does not apply: the API is called by programs with a token, never by a browser session.
    """
    if view is None:
        return partial(qbo_api, kind=kind)

    @wraps(view)
    def wrapper(request: HttpRequest, realm_id: str, **kwargs) -> HttpResponse:
        try:
            caller: ApiCaller = authenticate_api_request(request, realm_id)
        except ApiAuthError as exc:
            return api_auth_error_response(exc)
        kind_of_call = kind or request_kind(request)
        return guarded_call(request, caller, lambda: view(request, caller, **kwargs), kind=kind_of_call)

    return csrf_exempt(wrapper)
