"""Secrets at rest: encrypted, readable after a key rotation, refused with a wrong key."""

import pytest
from cryptography.fernet import Fernet

from apps.core.models import Division
from apps.quickbooks.encryption import DecryptionError, secret_decrypt, secret_encrypt
from apps.quickbooks.models import QuickBooksConnection


def test_round_trip_and_no_plaintext():
    sealed = secret_encrypt("AB11refresh-token-value")

    assert "AB11refresh" not in sealed and secret_decrypt(sealed) == "AB11refresh-token-value"
    assert secret_encrypt("") == "" and secret_decrypt("") == ""


def test_a_rotated_key_still_reads_what_the_old_one_sealed(settings):
    old_key = settings.FIELD_ENCRYPTION_KEY
    sealed = secret_encrypt("token")
    settings.FIELD_ENCRYPTION_KEY = f"{Fernet.generate_key().decode()},{old_key}"

    assert secret_decrypt(sealed) == "token"
    assert secret_decrypt(secret_encrypt("new")) == "new"


def test_a_wrong_key_is_a_plain_error(settings):
    sealed = secret_encrypt("token")
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()

    with pytest.raises(DecryptionError, match="FIELD_ENCRYPTION_KEY"):
        secret_decrypt(sealed)


def test_the_default_key_is_derived_from_the_secret_key(settings):
    from config.settings.base import _key_from_secret

    assert _key_from_secret(settings.SECRET_KEY) == settings.FIELD_ENCRYPTION_KEY
    assert _key_from_secret("a") != _key_from_secret("b")
    Fernet(settings.FIELD_ENCRYPTION_KEY.encode())


def test_tokens_stay_out_of_str_and_repr():
    connection = QuickBooksConnection(division=Division(name="Main"), realm_id="1", company_name="Jorji")
    connection.access_token = "access-secret"
    connection.refresh_token = "refresh-secret"

    shown = f"{connection!s} {connection!r}"
    assert shown == "Main: Jorji (Disconnected) <QuickBooksConnection: Main: Jorji (Disconnected)>"
    assert "secret" not in shown and connection.access_token == "access-secret"


@pytest.mark.django_db
def test_tokens_sealed_with_a_lost_key_ask_for_a_reconnect(settings):
    from datetime import timedelta

    from django.utils import timezone

    from apps.core.selectors import division_get_default
    from apps.quickbooks.errors import NeedsReconnectError
    from apps.quickbooks.online.tokens import access_token_get

    connection = QuickBooksConnection(division=division_get_default(), realm_id="1", status="connected")
    connection.access_token, connection.refresh_token = "access", "refresh"
    connection.access_token_expires_at = timezone.now() + timedelta(hours=1)
    connection.save()
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()

    with pytest.raises(NeedsReconnectError, match="FIELD_ENCRYPTION_KEY changed"):
        access_token_get(connection)

    connection.refresh_from_db()
    assert connection.status == "needs_reconnect" and "An Owner must reconnect" in connection.last_error
