"""Endpoints of the Accounting API. CRUD, query, batch and CDC join here in a later step."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from apps.qbo_sandbox import store
from apps.qbo_sandbox.api.auth import ApiCaller
from apps.qbo_sandbox.api.decorators import qbo_api
from apps.qbo_sandbox.api.responses import entity_response, object_not_found


@qbo_api
@require_GET
def company_info(request: HttpRequest, caller: ApiCaller, entity_id: str) -> HttpResponse:
    """``GET companyinfo/<realm id>``; the object's own Id ("1") is accepted too."""
    entity = store.entity_get(caller.company, "CompanyInfo", "1")
    if entity is None or entity_id not in (caller.company.realm_id, entity.entity_id):
        return object_not_found(caller.company, "CompanyInfo", entity_id)
    return entity_response(entity)


@qbo_api
@require_GET
def preferences(request: HttpRequest, caller: ApiCaller) -> HttpResponse:
    entity = store.entity_get(caller.company, "Preferences", "1")
    if entity is None:
        return object_not_found(caller.company, "Preferences", "1")
    return entity_response(entity)
