"""
Failed Web Connector sign-ins, counted per user name and per client address in the shared cache (Redis in production,
so that every web process counts together).

Once either count reaches ``FAILURES_ALLOWED`` within ``WINDOW_SECONDS`` of its first failure, sign-ins with that user
name, or from that address, are refused without checking the password until the window ends. A successful sign-in
clears the count of its own address only: it says nothing about guesses made from elsewhere, nor about the user name.
"""

import hashlib

from django.core.cache import cache

FAILURES_ALLOWED = 10
WINDOW_SECONDS = 15 * 60
_PREFIX = "quickbooks:qbwc:signin"


def _key(kind: str, value: str) -> str:
    # Hashed: any text can be sent as a user name, and cache keys have rules of their own.
    return f"{_PREFIX}:{kind}:{hashlib.sha256(value.encode('utf-8', errors='replace')).hexdigest()}"


def _user_key(username: str) -> str:
    # User names match whatever their case (see ``desktop_connection_by_username``).
    return _key("user", username.strip().lower())


def _address_key(address: str) -> str:
    return _key("address", address)


def _count_up(key: str) -> int:
    cache.add(key, 0, timeout=WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:
        # The window ended between the two calls.
        cache.set(key, 1, timeout=WINDOW_SECONDS)
        return 1


def signin_refused(*, username: str, address: str) -> bool:
    """Whether sign-ins with this user name or from this address are refused for now."""
    counts = cache.get_many([_user_key(username), _address_key(address)])
    return any(count >= FAILURES_ALLOWED for count in counts.values())


def signin_failure_record(*, username: str, address: str) -> int:
    """Count a failed sign-in; returns the larger of the two counts."""
    return max(_count_up(_user_key(username)), _count_up(_address_key(address)))


def signin_success_record(*, address: str) -> None:
    cache.delete(_address_key(address))
