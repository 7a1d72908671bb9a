"""What QuickBooks Online's objects share: ids, SyncTokens, references, times and the deleted mark."""

from datetime import datetime
from typing import Any

from django.utils.dateparse import parse_datetime


def ref(entity_id: str | None) -> dict[str, str] | None:
    return {"value": str(entity_id)} if entity_id else None


def ref_id(value: Any) -> str:
    """The id of a QuickBooks reference (``{"value": "42", "name": ...}``), or ``""``."""
    return str(value.get("value") or "") if isinstance(value, dict) else ""


def remote_id(obj: dict[str, Any]) -> str:
    return str(obj.get("Id") or "")


def remote_sync_token(obj: dict[str, Any]) -> str:
    return str(obj.get("SyncToken") or "")


def identity(obj: dict[str, Any]) -> dict[str, str]:
    """What names an object's version in QuickBooks Online, as the engine's record takes it: its id and SyncToken."""
    return {"remote_id": remote_id(obj), "version": remote_sync_token(obj)}


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
