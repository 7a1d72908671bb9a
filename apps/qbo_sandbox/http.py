"""Responses with the headers Intuit puts on every answer."""

import json
import secrets
import time
from typing import Any

from django.http import HttpResponse

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"


def intuit_tid() -> str:
    """A transaction id of Intuit's form, ``1-<epoch seconds, hex>-<24 hex>``, which clients log on errors."""
    return f"1-{int(time.time()):08x}-{secrets.token_hex(12)}"


def json_response(payload: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(payload), status=status, content_type=JSON_CONTENT_TYPE)
    response["intuit_tid"] = intuit_tid()
    for name, value in (headers or {}).items():
        response[name] = value
    return response
