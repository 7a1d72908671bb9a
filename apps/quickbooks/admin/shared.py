"""
What the views of the integration page share: the HTTP method each one answers, and how a service's refusal is told.

The views are ``IntegrationAdmin`` methods or functions that take the ``IntegrationAdmin`` first (``model_admin``),
so Django's ``require_http_methods`` (which expects the request first) does not fit them.
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed


def only(method: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """A view that answers ``method`` alone: any other gets a 405 before the division is looked up."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def checked(owner: Any, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method != method:
                return HttpResponseNotAllowed([method])
            return view(owner, request, *args, **kwargs)

        return checked

    return decorator


def service_call_told(request: HttpRequest, call: Callable[[], object], *, done: str) -> None:
    """Run ``call`` and tell the user how it went: ``done``, or why the service refused (its ``ValidationError``)."""
    try:
        call()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)


def form_errors_add(form: forms.Form, exc: ValidationError) -> None:
    """A service's refusal shown on the form: by field where the form has the field, otherwise above it."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)
