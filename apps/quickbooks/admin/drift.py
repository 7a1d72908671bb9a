"""
Drift check on the integration page: runs the check in the request (a handful of QuickBooks calls) and shows the
counts side by side and the invoices the two sides disagree about, with links to them.

Whoever may sync may run it (``quickbooks.add_syncrun``): it spends the company's QuickBooks API budget.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import render

from apps.quickbooks.drift import drift_check
from apps.quickbooks.errors import QuickBooksError

DRIFT_PERMISSION = "quickbooks.add_syncrun"
# The page lists this many invoice differences; the command lists them all.
LISTED_INVOICES = 500


def drift_view(model_admin, request: HttpRequest, object_id: str) -> HttpResponse:
    """``model_admin`` is the ``IntegrationAdmin``: its helpers find the division and build the page context."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    division = model_admin._division(request, object_id)
    if not request.user.has_perm(DRIFT_PERMISSION):
        raise PermissionDenied
    try:
        report = drift_check(division)
    except QuickBooksError as exc:
        messages.error(request, f"The drift check could not run: {exc.message}")
        return HttpResponseRedirect(model_admin._page_url(division))
    context = model_admin._context(
        request,
        division,
        title=f"Drift check: {division}",
        report=report,
        listed_invoices=report.invoices[:LISTED_INVOICES],
        unlisted_invoices=max(len(report.invoices) - LISTED_INVOICES, 0),
    )
    return render(request, "admin/quickbooks/integration/drift.html", context)
