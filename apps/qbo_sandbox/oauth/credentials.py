"""
Keys, codes and tokens shaped like Intuit's, and the digests they are stored under.

Access tokens imitate the length and shape of Intuit's encrypted JWTs (about a thousand characters, five dot-separated
parts) so that a client storing them in too short a column fails here as it would against QuickBooks.
"""

import base64
import hashlib
import hmac
import secrets
import string
import uuid
from datetime import datetime

ALPHANUMERIC = string.ascii_letters + string.digits
# base64url of {"enc":"A128CBC-HS256","alg":"dir"}, the header of Intuit's access tokens.
ACCESS_TOKEN_HEADER = "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0"
ACCESS_TOKEN_PARTS = 5
ACCESS_TOKEN_LENGTHS = range(600, 4097)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def digests_match(value: str, expected_digest: str) -> bool:
    return hmac.compare_digest(digest(value), expected_digest)


def _random(length: int) -> str:
    return "".join(secrets.choice(ALPHANUMERIC) for _ in range(length))


def _b64url(size: int) -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(size)).rstrip(b"=").decode()


def client_id_generate() -> str:
    return "AB" + _random(48)


def client_secret_generate() -> str:
    return _random(40)


def verifier_token_generate() -> str:
    return str(uuid.uuid4())


def grant_code_generate(expires_at: datetime) -> str:
    """An authorization code or refresh token: ``AB11`` + expiry in epoch seconds + random, 50 characters."""
    prefix = f"AB11{int(expires_at.timestamp())}"
    return prefix + _random(50 - len(prefix))


def access_token_generate() -> str:
    return f"{ACCESS_TOKEN_HEADER}..{_b64url(16)}.{_b64url(640)}.{_b64url(16)}"


def access_token_well_formed(token: str) -> bool:
    return len(token) in ACCESS_TOKEN_LENGTHS and token.count(".") == ACCESS_TOKEN_PARTS - 1
