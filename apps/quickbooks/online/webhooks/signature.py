"""
The ``intuit-signature`` check: base64(HMAC-SHA256(key=the app's verifier token, message=the raw body)).

The comparison is constant-time, so an attacker learns nothing from how long a wrong guess takes.
"""

import base64
import binascii
import hashlib
import hmac


def signature_compute(verifier_token: str, body: bytes) -> str:
    """The signature Intuit sends for ``body``; tests and the check share it."""
    return base64.b64encode(hmac.new(verifier_token.encode(), body, hashlib.sha256).digest()).decode()


def signature_is_valid(verifier_token: str, body: bytes, header: str | None) -> bool:
    """
    Whether ``header`` signs ``body`` with ``verifier_token``.

    A missing or empty token, or a missing, non-base64 or wrong-length header, is never valid.
    """
    if not verifier_token or not header:
        return False
    try:
        given = base64.b64decode(header.strip(), validate=True)
    except (binascii.Error, ValueError):
        return False
    expected = hmac.new(verifier_token.encode(), body, hashlib.sha256).digest()
    return hmac.compare_digest(given, expected)
