"""
The endpoint Intuit POSTs change notices to (``/quickbooks/webhooks/``).

Intuit wants a 200 within 3 seconds and retries anything else, so the request only checks, reads and schedules:
no QuickBooks call happens here. The log names realms and counts, never the verifier token or the body.
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from apps.quickbooks.online.webhooks.payloads import WebhookPayloadError, notices_parse
from apps.quickbooks.online.webhooks.services import webhook_notices_accept
from apps.quickbooks.online.webhooks.signature import signature_is_valid

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "intuit-signature"


def _plain(text: str, status: int) -> HttpResponse:
    return HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def webhook_receive(request: HttpRequest) -> HttpResponse:
    """Verify the signature (401), read the notices (400), schedule the divisions' runs (200)."""
    body = request.body
    token = settings.QBO_WEBHOOK_VERIFIER_TOKEN
    if not token:
        logger.warning("QuickBooks webhook refused: QBO_WEBHOOK_VERIFIER_TOKEN is not set")
    if not signature_is_valid(token, body, request.headers.get(SIGNATURE_HEADER)):
        logger.warning("QuickBooks webhook refused: missing or wrong %s (%s bytes)", SIGNATURE_HEADER, len(body))
        return _plain("Invalid signature.", 401)
    try:
        notices = notices_parse(body)
    except WebhookPayloadError as exc:
        logger.warning("QuickBooks webhook refused: %s (%s bytes)", exc, len(body))
        return _plain(f"Unreadable payload: {exc}", 400)
    accepted = webhook_notices_accept(notices)
    logger.info(
        "QuickBooks webhook: %s notices for realms %s; runs scheduled for divisions %s, folded into due runs for %s",
        len(notices),
        ", ".join(sorted({notice.realm_id for notice in notices})) or "none",
        sorted(accepted.scheduled) or "none",
        sorted(accepted.coalesced) or "none",
    )
    return _plain("OK", 200)
