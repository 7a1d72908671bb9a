from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from apps.qbo_sandbox.api.auth import ApiAuthError, ApiCaller, api_auth_error_response, authenticate_api_request

ApiView = Callable[..., HttpResponse]


def qbo_api(view: ApiView) -> Callable[..., HttpResponse]:
    """
    Make ``view(request, caller, **kwargs)`` an Accounting API endpoint under ``v3/company/<realm_id>/``.

    The Bearer token is checked before anything else, as at Intuit; the view receives the ``ApiCaller``.
    CSRF does not apply: the API is called by programs with a token, never by a browser session.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, realm_id: str, **kwargs) -> HttpResponse:
        try:
            caller: ApiCaller = authenticate_api_request(request, realm_id)
        except ApiAuthError as exc:
            return api_auth_error_response(exc)
        return view(request, caller, **kwargs)

    return csrf_exempt(wrapper)
