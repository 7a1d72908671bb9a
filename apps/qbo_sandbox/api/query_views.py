"""
The query endpoint: ``GET query?query=SELECT ...``, or ``POST query`` with the query as an ``application/text`` body
(python-quickbooks posts every query).

The answer is ``{"QueryResponse": {"Customer": [...], "startPosition": 1, "maxResults": 2}, "time": ...}``;
``{"QueryResponse": {"totalCount": 5}}`` for ``COUNT(*)``; an empty ``QueryResponse`` when nothing matched. A query
Intuit refuses is a 400 ``ValidationFault`` (4000 for syntax, 4001 for a well-formed query it will not run).
"""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from apps.qbo_sandbox.api.auth import ApiCaller
from apps.qbo_sandbox.api.decorators import qbo_api
from apps.qbo_sandbox.api.responses import fault_response
from apps.qbo_sandbox.http import json_response
from apps.qbo_sandbox.query import QueryParserError
from apps.qbo_sandbox.query_store import query_run
from apps.qbo_sandbox.timefmt import qbo_response_time


@qbo_api
@require_http_methods(["GET", "POST"])
def query(request: HttpRequest, caller: ApiCaller) -> HttpResponse:
    company = caller.company
    try:
        result = query_run(company, query_text(request))
    except QueryParserError as exc:
        return fault_response(company, exc.as_fault()["Error"])
    return json_response({"QueryResponse": result.as_query_response(), "time": qbo_response_time(company.time_zone)})


def query_text(request: HttpRequest) -> str:
    """The query of a request: the POST body, else the ``query`` parameter."""
    if request.method == "POST" and request.body:
        try:
            return request.body.decode()
        except UnicodeDecodeError:
            # http.client sends a str body as Latin-1, which is how python-quickbooks posts accented names.
            return request.body.decode("latin-1")
    return request.GET.get("query", "")
