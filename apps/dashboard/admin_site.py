"""
FieldOffice's admin site: a dashboard as its home, and the navigation grouped as an office thinks.

The groups are Customers, Invoicing, Catalog, Purchasing, Inventory, Accounting, QuickBooks and Administration; the
machinery (API tokens, background tasks, MFA records, sign-in email addresses, the local sandboxes) is under System
(the sandboxes in two groups of their own), shown to superusers only. A model nobody placed here lands in the group
of its app, or under System: every model stays reachable by whoever may see it (a non-superuser's System models, such
as an Owner's API tokens, join Administration).

Installed as the default site by ``FieldOfficeAdminConfig`` (``INSTALLED_APPS``), so that ``admin.site`` and every
``@admin.register`` use it.
"""

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.db.models import Model
from django.http import HttpRequest

CUSTOMERS = "customers"
INVOICING = "invoicing"
CATALOG = "catalog"
PURCHASING = "purchasing"
INVENTORY = "inventory"
ACCOUNTING = "accounting"
QUICKBOOKS = "quickbooks"
ADMINISTRATION = "administration"
SYSTEM = "system"
SYSTEM_QBO_SANDBOX = "system-qbo-sandbox"
SYSTEM_QBD_SANDBOX = "system-qbd-sandbox"
# Shown to superusers only.
SYSTEM_GROUPS = (SYSTEM, SYSTEM_QBO_SANDBOX, SYSTEM_QBD_SANDBOX)

# Group key, title, and the models in the order an office reaches for them.
NAV_GROUPS: list[tuple[str, str, list[str]]] = [
    (CUSTOMERS, "Customers", ["customers.customer", "customers.servicelocation"]),
    (INVOICING, "Invoicing", ["invoicing.invoice"]),
    (CATALOG, "Catalog", ["catalog.item"]),
    (PURCHASING, "Purchasing", ["purchasing.vendor", "purchasing.receivingorder"]),
    (INVENTORY, "Inventory", ["inventory.pickingorder", "inventory.inventoryadjustment", "catalog.stockmovement"]),
    (
        ACCOUNTING,
        "Accounting",
        ["accounting.account", "accounting.defaultaccounts", "accounting.taxrate", "accounting.paymentterm"],
    ),
    (QUICKBOOKS, "QuickBooks", ["quickbooks.integration", "quickbooks.syncrun", "quickbooks.recordlink"]),
    (
        ADMINISTRATION,
        "Administration",
        ["imports.excelimport", "imports.importrecord", "users.user", "auth.group", "core.division"],
    ),
    (SYSTEM, "System", ["authtoken.tokenproxy", "django_q.ormq", "django_q.schedule", "django_q.failure"]),
    (SYSTEM_QBO_SANDBOX, "System: QuickBooks Online sandbox", ["qbo_sandbox.sandboxcompany", "qbo_sandbox.sandboxapp"]),
    (SYSTEM_QBD_SANDBOX, "System: QuickBooks Desktop sandbox", ["qbd_sandbox.companyfile"]),
]
# Where the models of an app go when they are not listed above; any other app's models go to System.
APP_GROUPS = {
    "customers": CUSTOMERS,
    "invoicing": INVOICING,
    "catalog": CATALOG,
    "purchasing": PURCHASING,
    "inventory": INVENTORY,
    "accounting": ACCOUNTING,
    "quickbooks": QUICKBOOKS,
    "imports": ADMINISTRATION,
    "users": ADMINISTRATION,
    "auth": ADMINISTRATION,
    "core": ADMINISTRATION,
    "qbo_sandbox": SYSTEM_QBO_SANDBOX,
    "qbd_sandbox": SYSTEM_QBD_SANDBOX,
}
# Names that say what a model is for better than its verbose name does, next to the others of its group.
NAV_NAMES = {
    "authtoken.tokenproxy": "API tokens",
    "account.emailaddress": "Sign-in email addresses",
    "mfa.authenticator": "Two-factor authenticators",
}


def model_key(model: type[Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def nav_group_of(model: type[Model]) -> str:
    """The group a model's entry belongs to (before the superuser rule moves System entries)."""
    key = model_key(model)
    for group, _title, keys in NAV_GROUPS:
        if key in keys:
            return group
    return APP_GROUPS.get(model._meta.app_label, SYSTEM)


def nav_groups(app_dicts: list[dict], *, superuser: bool, path: str = "") -> list[dict]:
    """
    Django's per-app dictionaries regrouped: same keys (``name``, ``app_label``, ``app_url``, ``models``…), one per
    group with at least one model, in the order of ``NAV_GROUPS``. ``app_url`` is empty (a group has no page);
    ``is_current`` says whether ``path`` is one of the group's pages.
    """
    positions = {group: {key: index for index, key in enumerate(keys)} for group, _title, keys in NAV_GROUPS}
    models_by_group: dict[str, list[dict]] = {group: [] for group, _title, _keys in NAV_GROUPS}
    for app in app_dicts:
        for model_dict in app["models"]:
            key = model_key(model_dict["model"])
            group = nav_group_of(model_dict["model"])
            if group in SYSTEM_GROUPS and not superuser:
                group = ADMINISTRATION
            models_by_group[group].append({**model_dict, "name": NAV_NAMES.get(key, model_dict["name"])})
    groups = []
    for group, title, _keys in NAV_GROUPS:
        entries = models_by_group[group]
        if not entries:
            continue
        # Listed models in their order, then the others (from other groups or apps) by name.
        order = positions[group]
        entries.sort(key=lambda entry: (order.get(model_key(entry["model"]), len(order)), entry["name"]))
        groups.append(
            {
                "name": title,
                "app_label": group,
                "app_url": "",
                "has_module_perms": True,
                "models": entries,
                "is_current": any(entry["admin_url"] and path.startswith(entry["admin_url"]) for entry in entries),
            }
        )
    return groups


class DivisionLabelledAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete answers, with each record's division when the company has several."""

    def get_queryset(self):
        from apps.core.admin_utils import has_division, several_divisions

        queryset = super().get_queryset()
        self.with_division = has_division(queryset.model) and several_divisions(self.request)
        return queryset.select_related("division") if self.with_division else queryset

    def serialize_result(self, obj, to_field_name):
        from apps.core.display import record_label

        result = super().serialize_result(obj, to_field_name)
        if getattr(self, "with_division", False):
            result["text"] = record_label(obj, with_division=True)
        return result


class FieldOfficeAdminSite(admin.AdminSite):
    site_header = "FieldOffice"
    site_title = "FieldOffice"
    index_title = "Dashboard"
    # The site is the admin: a "View site" link would lead back here.
    site_url = None

    def get_app_list(self, request: HttpRequest, app_label: str | None = None) -> list[dict]:
        app_list = super().get_app_list(request, app_label)
        if app_label is not None:
            # An app's own page (/admin/invoicing/) lists that app's models, as the breadcrumbs expect.
            return app_list
        return nav_groups(app_list, superuser=request.user.is_superuser, path=request.path)

    def index(self, request: HttpRequest, extra_context: dict | None = None):
        # Imported here: the site is built while the app registry loads, before any model can be imported.
        from apps.dashboard.selectors import dashboard_for

        extra_context = {**(extra_context or {}), "dashboard": dashboard_for(user=request.user)}
        return super().index(request, extra_context)

    def autocomplete_view(self, request: HttpRequest):
        return DivisionLabelledAutocompleteJsonView.as_view(admin_site=self)(request)


class FieldOfficeAdminConfig(AdminConfig):
    """``django.contrib.admin`` with ``FieldOfficeAdminSite`` as ``admin.site``."""

    default_site = "apps.dashboard.admin_site.FieldOfficeAdminSite"
