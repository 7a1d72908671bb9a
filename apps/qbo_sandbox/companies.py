"""Creating, configuring and wiping sandbox companies and their sign-in users."""

import logging
import secrets
from typing import Any

from django.db import IntegrityError, transaction

from apps.qbo_sandbox.models import (
    DEFAULT_COMPANY_SETTINGS,
    SandboxApp,
    SandboxAuthorizationCode,
    SandboxCompany,
    SandboxEntity,
    SandboxGrant,
    SandboxRequestLog,
    SandboxToken,
    SandboxUser,
)
from apps.qbo_sandbox.seeding import SeedOptions, company_seed
from apps.qbo_sandbox.timefmt import now

logger = logging.getLogger(__name__)

# Intuit's sandbox realms look like 9341453749204247: a fixed prefix and random digits.
REALM_PREFIX = "9341453"
REALM_RANDOM_DIGITS = 9
DEFAULT_USER_EMAIL = "sandbox@example.com"
# A documented sign-in of a local test double, not a secret.
DEFAULT_USER_PASSWORD = "sandbox"


def realm_id_generate() -> str:
    """A realm id of Intuit's form that no company uses yet."""
    while True:
        realm_id = REALM_PREFIX + "".join(secrets.choice("0123456789") for _ in range(REALM_RANDOM_DIGITS))
        if not SandboxCompany.objects.filter(realm_id=realm_id).exists():
            return realm_id


def _default_company_name() -> str:
    return f"Sandbox Company_US_{SandboxCompany.objects.count() + 1}"


@transaction.atomic
def company_create(
    *,
    name: str = "",
    realm_id: str = "",
    options: SeedOptions | None = None,
    user: SandboxUser | None = None,
) -> SandboxCompany:
    """
    Create a company, give a sign-in user access to it and seed it.

    Without ``user`` the default sign-in (``sandbox@example.com`` / ``sandbox``) is created if missing and gets
    access, so that a fresh company can be connected at once.
    """
    options = options or SeedOptions()
    realm_id = realm_id or realm_id_generate()
    if not realm_id.isdigit():
        raise ValueError("A realm id is made of digits.")
    try:
        with transaction.atomic():
            company = SandboxCompany.objects.create(realm_id=realm_id, name=name or _default_company_name())
    except IntegrityError as exc:
        raise ValueError(f"A company with realm id {realm_id} exists.") from exc
    user = user or user_get_or_create_default()
    user.companies.add(company)
    company_seed(company, options)
    logger.info("Sandbox company %s created (%s seed)", company.realm_id, options.seed)
    return company


def company_update_settings(company: SandboxCompany, changes: dict[str, Any]) -> SandboxCompany:
    """Store per-company knobs; ``None`` puts a knob back to its default."""
    unknown = set(changes) - set(DEFAULT_COMPANY_SETTINGS)
    if unknown:
        raise ValueError(f"Unknown company settings: {', '.join(sorted(unknown))}")
    merged = dict(company.settings or {})
    for name, value in changes.items():
        if value is None:
            merged.pop(name, None)
        else:
            merged[name] = value
    company.settings = merged
    company.save(update_fields=["settings", "updated_at"])
    return company


def company_get(realm_id: str) -> SandboxCompany:
    try:
        return SandboxCompany.objects.get(realm_id=realm_id)
    except SandboxCompany.DoesNotExist:
        raise ValueError(f"No sandbox company has realm id {realm_id}.") from None


def user_create(
    *, email: str, password: str, companies: list[SandboxCompany] | None = None, given_name: str = ""
) -> SandboxUser:
    user = SandboxUser(email=email.strip().lower(), given_name=given_name)
    user.set_password(password)
    user.save()
    if companies:
        user.companies.add(*companies)
    return user


def user_get_or_create_default() -> SandboxUser:
    user = SandboxUser.objects.filter(email=DEFAULT_USER_EMAIL).first()
    return user or user_create(email=DEFAULT_USER_EMAIL, password=DEFAULT_USER_PASSWORD, given_name="Sandbox")


def user_authenticate(email: str, password: str) -> SandboxUser | None:
    """The user with these credentials, or ``None``; the time of the sign-in is recorded."""
    user = SandboxUser.objects.filter(email=email.strip().lower()).first()
    if user is None or not user.check_password(password):
        return None
    user.last_sign_in_at = now()
    user.save(update_fields=["last_sign_in_at"])
    return user


@transaction.atomic
def sandbox_reset(*, keep_apps: bool = False) -> dict[str, int]:
    """
    Delete the sandbox's state; returns the number of rows deleted per table.

    Leaf tables go first so that each is one plain DELETE, however many entities a bulk seed made.
    """
    models = [SandboxRequestLog, SandboxEntity, SandboxToken, SandboxAuthorizationCode, SandboxGrant]
    if not keep_apps:
        models.append(SandboxApp)
    models += [SandboxUser.companies.through, SandboxUser, SandboxCompany]
    deleted = {}
    for model in models:
        count, _ = model.objects.all().delete()
        deleted[model._meta.label] = count
    logger.info("Sandbox reset (%s)", "apps kept" if keep_apps else "everything")
    return deleted
