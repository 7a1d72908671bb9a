"""Helpers shared by the mappings: names QuickBooks accepts, references, times and content hashes."""

import hashlib
import json
import re
import unicodedata
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils.dateparse import parse_datetime

# QuickBooks uses ":" to join a sub-customer to its parent (FullyQualifiedName) and refuses it in names.
_FORBIDDEN = re.compile(r"[:\t\r\n]+")
_SPACES = re.compile(r"\s+")


def name_for_quickbooks(value: str, max_length: int) -> str:
    """``value`` as QuickBooks accepts it (no colon, tab or line break; at most ``max_length`` characters)."""
    cleaned = _SPACES.sub(" ", _FORBIDDEN.sub(" - ", value)).strip()
    return cleaned[:max_length].rstrip()


def name_key(value: str) -> str:
    """How two names are compared when matching records: case, accents' composition and spacing ignored."""
    return _SPACES.sub(" ", unicodedata.normalize("NFKC", value)).strip().casefold()


def ref(entity_id: str | None) -> dict[str, str] | None:
    return {"value": str(entity_id)} if entity_id else None


def ref_id(value: Any) -> str:
    """The id of a QuickBooks reference (``{"value": "42", "name": ...}``), or ``""``."""
    return str(value.get("value") or "") if isinstance(value, dict) else ""


def remote_id(obj: dict[str, Any]) -> str:
    return str(obj.get("Id") or "")


def remote_sync_token(obj: dict[str, Any]) -> str:
    return str(obj.get("SyncToken") or "")


def remote_updated_at(obj: dict[str, Any]) -> datetime | None:
    """When the object last changed in QuickBooks (``MetaData.LastUpdatedTime``), timezone-aware."""
    value = (obj.get("MetaData") or {}).get("LastUpdatedTime")
    return parse_datetime(value) if isinstance(value, str) else None


def remote_created_at(obj: dict[str, Any]) -> datetime | None:
    value = (obj.get("MetaData") or {}).get("CreateTime")
    return parse_datetime(value) if isinstance(value, str) else None


def is_deleted(obj: dict[str, Any]) -> bool:
    """Change data capture reports a deleted object as ``{"status": "Deleted", "Id": ...}``."""
    return obj.get("status") == "Deleted"


def text(value: Any, max_length: int | None = None) -> str:
    result = "" if value is None else str(value).strip()
    return result[:max_length] if max_length else result


# Values JSON writes as they are: most of a comparable form, returned at once (this runs for every value hashed).
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    if type(value) in _SCALARS:
        return value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dict):
        # Not sorted here: content_hash's json.dumps sorts the keys.
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


def content_hash(comparable: dict[str, Any]) -> str:
    """A fingerprint of a comparable form: equal hashes mean both sides hold the same synced content."""
    encoded = json.dumps(_plain(comparable), sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()
