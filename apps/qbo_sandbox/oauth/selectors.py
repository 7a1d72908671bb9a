"""Look-ups of OAuth records by the raw values clients present."""

from apps.qbo_sandbox.models import SandboxCompany, SandboxToken, SandboxUser
from apps.qbo_sandbox.oauth.credentials import digest


def token_find(raw_token: str, *, kind: str | None = None) -> SandboxToken | None:
    """The stored token with this value (its grant, app and company joined), revoked or not."""
    tokens = SandboxToken.objects.select_related("grant__app", "grant__company").filter(token_hash=digest(raw_token))
    if kind is not None:
        tokens = tokens.filter(kind=kind)
    # Token hashes are unique: LIMIT 1 without the ORDER BY that first() would add.
    return next(iter(tokens[:1]), None)


def user_companies(user: SandboxUser) -> list[SandboxCompany]:
    return list(user.companies.order_by("name", "realm_id"))
