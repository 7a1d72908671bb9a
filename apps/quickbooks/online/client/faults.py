"""
Intuit's error bodies, read into typed exceptions.

The shapes met in practice: ``{"Fault": {"Error": [{"Message", "Detail", "code", "element"}], "type"}}``; the
gateway's lowercase variant (``{"fault": {"error": [{"message", ...}]}}``, on 401 and some 5xx); the same as
``<IntuitResponse><Fault><Error code=...>`` XML, which comes now and then whatever ``Accept`` says; and HTML pages
from the load balancer (502, 503, 504), which carry no detail at all.
"""

import json
import xml.etree.ElementTree as ElementTree
from decimal import Decimal
from typing import Any

from apps.quickbooks.errors import (
    FAULT_CLASSES,
    ApiError,
    AuthenticationError,
    FaultDetail,
    FaultError,
    ThrottledError,
    UnavailableError,
)

INTUIT_TID_HEADER = "intuit_tid"


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _fault_from_json(body: Any) -> tuple[str, tuple[FaultDetail, ...]] | None:
    if not isinstance(body, dict):
        return None
    fault = body.get("Fault") or body.get("fault")
    if not isinstance(fault, dict):
        return None
    errors = fault.get("Error") or fault.get("error") or []
    details = tuple(
        FaultDetail(
            code=_text(error.get("code") or error.get("Code")),
            message=_text(error.get("Message") or error.get("message")),
            detail=_text(error.get("Detail") or error.get("detail")),
            element=_text(error.get("element") or error.get("Element")),
        )
        for error in errors
        if isinstance(error, dict)
    )
    return _text(fault.get("type") or body.get("type")), details


def _local_name(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _fault_from_xml(text: str) -> tuple[str, tuple[FaultDetail, ...]] | None:
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError:
        return None
    fault = next((node for node in root.iter() if _local_name(node.tag) == "Fault"), None)
    if fault is None:
        return None
    details = []
    for error in (node for node in fault if _local_name(node.tag) == "Error"):
        parts = {_local_name(child.tag): (child.text or "").strip() for child in error}
        details.append(
            FaultDetail(
                code=error.get("code", ""),
                message=parts.get("Message", ""),
                detail=parts.get("Detail", ""),
                element=error.get("element", ""),
            )
        )
    return fault.get("type", ""), tuple(details)


def fault_read(content_type: str, text: str) -> tuple[str, tuple[FaultDetail, ...]] | None:
    """``(fault type, errors)`` from a body, or ``None`` when it holds no fault."""
    stripped = text.lstrip()
    if stripped.startswith("<"):
        return _fault_from_xml(stripped) if "xml" in content_type or stripped.startswith("<?xml") else None
    try:
        body = json.loads(text, parse_float=Decimal)
    except ValueError:
        return None
    return _fault_from_json(body)


def _plain_message(status: int, errors: tuple[FaultDetail, ...]) -> str:
    if not errors:
        return f"QuickBooks answered with HTTP {status} and no explanation."
    first = errors[0]
    text = first.message
    if first.detail and first.detail != first.message:
        text = f"{text}: {first.detail}" if text else first.detail
    return f"QuickBooks refused the request ({first.code or status}): {text}"


def api_error(status: int, content_type: str, text: str, intuit_tid: str = "") -> ApiError:
    """The exception for an answer with ``status`` (any fault in a 200 included)."""
    fault_type, errors = fault_read(content_type, text) or ("", ())
    return _error_for(status, fault_type, errors, intuit_tid)


def batch_item_error(fault: Any, intuit_tid: str = "") -> ApiError:
    """The exception for the ``Fault`` of one item of a batch answer (the batch itself succeeded)."""
    fault_type, errors = _fault_from_json({"Fault": fault}) or ("", ())
    return _error_for(400, fault_type, errors, intuit_tid)


def _error_for(status: int, fault_type: str, errors: tuple[FaultDetail, ...], intuit_tid: str) -> ApiError:
    message = _plain_message(status, errors)
    kwargs = {"status": status, "errors": errors, "fault_type": fault_type, "intuit_tid": intuit_tid}
    if status == 429:
        return ThrottledError("QuickBooks asked FieldOffice to slow down (too many requests).", **kwargs)
    if status >= 500 or status == 0:
        return UnavailableError(f"QuickBooks is not answering properly (HTTP {status}); try again later.", **kwargs)
    if status in (401, 403):
        return AuthenticationError(
            "QuickBooks refused FieldOffice's access to this company. An Owner may need to reconnect.", **kwargs
        )
    error_class = FAULT_CLASSES.get(errors[0].code, FaultError) if errors else FaultError
    return error_class(message, **kwargs)
