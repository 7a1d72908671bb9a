"""
Roles are groups with a known set of permissions: Owner, Office and Read-only.

Owner may do everything in the company, including users, QuickBooks (connection, sync settings, Web Connector) and
the books' structure (the chart of accounts, the default accounts); Office does the day-to-day work and reads the
books' structure; Read-only looks. No role may grant superuser, staff or individual permissions, nor touch the
background tasks (django-q2): those stay with superusers. The groups are brought up to date after every migrate and
by ``setup_roles``.
"""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

OWNER = "Owner"
OFFICE = "Office"
READ_ONLY = "Read-only"
ROLES = (OWNER, OFFICE, READ_ONLY)

# The apps whose records the roles work on; an app added later joins by adding its label here.
DOMAIN_APP_LABELS = (
    "core", "accounting", "customers", "catalog", "invoicing", "purchasing", "inventory", "imports",
)
# Office may not restructure the company or its books, nor destroy invoices (they are voided instead): it reads the
# chart of accounts and the default accounts, which an Owner keeps.
OFFICE_EXCLUDED_CODENAMES = (
    "add_division",
    "change_division",
    "delete_division",
    "delete_invoice",
    "add_account",
    "change_account",
    "delete_account",
    "add_defaultaccounts",
    "change_defaultaccounts",
    "delete_defaultaccounts",
)
# Integrations (connections, sync settings, runs): Owner manages them, Office may start a sync (Sync Now) and
# Read-only only looks.
INTEGRATION_APP_LABELS = ("quickbooks",)
OFFICE_INTEGRATION_CODENAMES = ("add_syncrun",)


def _permissions_for(role: str):
    domain = Q(content_type__app_label__in=DOMAIN_APP_LABELS)
    integrations = Q(content_type__app_label__in=INTEGRATION_APP_LABELS)
    if role == OWNER:
        return Permission.objects.filter(
            domain
            | integrations
            | Q(content_type__app_label="users")
            | Q(content_type__app_label="authtoken")
            | Q(content_type__app_label="auth", codename__in=["view_group"])
        )
    if role == OFFICE:
        return Permission.objects.filter(
            (domain & ~Q(codename__in=OFFICE_EXCLUDED_CODENAMES))
            | (integrations & (Q(codename__startswith="view_") | Q(codename__in=OFFICE_INTEGRATION_CODENAMES)))
        )
    if role == READ_ONLY:
        return Permission.objects.filter(domain | integrations, codename__startswith="view_")
    raise ValueError(f"Unknown role {role!r}")


def roles_sync() -> dict[str, int]:
    """Create the role groups and set their permissions; returns the number of permissions per role."""
    counts = {}
    for role in ROLES:
        group, _ = Group.objects.get_or_create(name=role)
        permissions = list(_permissions_for(role))
        group.permissions.set(permissions)
        counts[role] = len(permissions)
    return counts


def roles_sync_after_migrate(sender, **kwargs) -> None:
    roles_sync()
