"""Helpers every mapping shares: names QuickBooks accepts, names compared, text cut to size and content hashes."""

import hashlib
import json
import re
import unicodedata
from decimal import Decimal
from typing import Any

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
