"""
Encryption of secrets at rest (QuickBooks tokens) with Fernet (AES-128-CBC and HMAC-SHA256, authenticated).

``FIELD_ENCRYPTION_KEY`` holds one key or several, comma-separated: the first encrypts, every one decrypts, so a key
can be rotated without losing what the old one sealed.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings


class DecryptionError(Exception):
    """A stored secret could not be read: the encryption key changed, or the value was altered."""


@cache
def _fernet(keys: str) -> MultiFernet:
    # Keyed by the setting's value, so that a test overriding it gets its own.
    return MultiFernet([Fernet(key.strip().encode()) for key in keys.split(",") if key.strip()])


def secret_encrypt(plaintext: str) -> str:
    if not plaintext:
        return ""
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(plaintext.encode()).decode()


def secret_decrypt(ciphertext: str) -> str:
    if not ciphertext:
        return ""
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(ciphertext.encode()).decode()
    except InvalidToken:
        raise DecryptionError("A stored secret cannot be decrypted with FIELD_ENCRYPTION_KEY.") from None
