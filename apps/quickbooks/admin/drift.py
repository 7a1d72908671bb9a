"""
Drift check on the integration page. QuickBooks Online: runs the check in the request (a handful of QuickBooks
calls) and shows the counts side by side and the invoices the two sides disagree about, with links to them.
QuickBooks Desktop, which FieldOffice reaches only through the Web Connector: the button asks the next update for the
check (``desktop.setup.desktop_drift_request``), and the page shows the report it kept, with the same template.

Whoever may sync may ask for it (``quickbooks.add_syncrun``): it spends the company's QuickBooks API budget, or a Web
Connector update. Whoever may see the page may read the report a Web Connector update kept.
"""

from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from apps.core.models import Division
from apps.quickbooks.admin.shared import only, service_call_told
from apps.quickbooks.desktop.selectors import (
    desktop_connection_for,
    desktop_drift_error,
    desktop_drift_report,
    desktop_is_chosen,
)
from apps.quickbooks.desktop.setup import desktop_drift_request
from apps.quickbooks.drift import DriftReport, drift_check
from apps.quickbooks.errors import QuickBooksError

DRIFT_PERMISSION = "quickbooks.add_syncrun"
# The page lists this many invoice differences; the command lists them all.
LISTED_INVOICES = 500
DESKTOP_ASKED = (
    "QuickBooks Desktop is reached only through the Web Connector, so the drift check runs at its next update, after "
    "the sync: it compares counts, open invoices and balances, and changes nothing. This page shows the result once "
    "that update ran. Press Update Selected in the Web Connector, or wait for its schedule."
)


def _report_page(model_admin, request: HttpRequest, division: Division, report: DriftReport) -> HttpResponse:
    context = model_admin._context(
        request,
        division,
        title=f"Drift check: {division}",
        report=report,
        listed_invoices=report.invoices[:LISTED_INVOICES],
        unlisted_invoices=max(len(report.invoices) - LISTED_INVOICES, 0),
        can_sync=request.user.has_perm(DRIFT_PERMISSION),
    )
    return render(request, "admin/quickbooks/integration/drift.html", context)


@only("POST")
def drift_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """``model_admin`` is the ``IntegrationAdmin``: its helpers find the division and build the page context."""
    division = model_admin._division(request, object_id, DRIFT_PERMISSION)
    if desktop_is_chosen(division=division):
        service_call_told(request, partial(desktop_drift_request, division=division), done=DESKTOP_ASKED)
        return HttpResponseRedirect(model_admin._page_url(division))
    try:
        report = drift_check(division)
    except QuickBooksError as exc:
        messages.error(request, f"The drift check could not run: {exc.message}")
        return HttpResponseRedirect(model_admin._page_url(division))
    return _report_page(model_admin, request, division, report)


@only("GET")
def desktop_drift_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """The report of the last drift check a Web Connector update ran."""
    division = model_admin._division(request, object_id)
    connection = desktop_connection_for(division=division)
    report = desktop_drift_report(connection=connection)
    if report is None:
        if error := desktop_drift_error(connection=connection):
            messages.error(request, f"The drift check could not run: {error}")
        else:
            messages.info(request, "No Web Connector update has run a drift check yet: press Drift check first.")
        return HttpResponseRedirect(model_admin._page_url(division))
    return _report_page(model_admin, request, division, report)
