"""
Customers with their service locations, for a company that starts without QuickBooks (or without a customer list):
one row a customer, or one row per service location with the customer's columns on each (or on the first only), as
the customer list's export writes them. The list's resource imports them (``apps.customers.resources``: the
grouping, the matching and the rules are there); this kind says what the preview shows of each customer.
"""

from functools import cached_property, partial
from typing import Any

from apps.core.columns import Column
from apps.customers.models import Customer
from apps.customers.resources import CUSTOMER_COLUMNS, CUSTOMER_KEYS, LOCATION_KEYS, CustomerResource, LocationsPlan
from apps.imports.kinds.base import Action, Change, SheetRow, changed_values, new_values
from apps.imports.kinds.resource import ResourceKind


class CustomerKind(ResourceKind):
    key = "customers"
    label = "Customers and service locations"
    noun, noun_plural = "customer", "customers"
    sheet_name = "Customers"
    description = (
        "Your customer list, with their service locations: one row a customer, or one row per location with the "
        "customer repeated. Import tax rates and payment terms first."
    )
    changelist = "admin:customers_customer_changelist"
    valid_rows_note = "a customer with an error on any of its rows is left out whole"
    resource_class = CustomerResource
    columns = CUSTOMER_COLUMNS

    def _action(self, resource: CustomerResource, position: int, rows: list[SheetRow], outcome: Any) -> Action:
        instance = outcome.instance
        locations = resource.locations[position]
        count = len(locations.rows)
        label = instance.display_name + (f" · {count} service location{'s' if count != 1 else ''}" if count else "")
        numbers = [row.number for row in rows]
        if outcome.import_type == outcome.IMPORT_TYPE_SKIP:
            return Action("skip", numbers, label)
        current = resource.original_of(instance)
        changes = resource.customer_changes(position, instance)
        describe = partial(self._changes, current, changes, locations)
        return Action("create" if current is None else "update", numbers, label, describe)

    @cached_property
    def _customer_columns(self) -> dict[str, Column]:
        """Customer field → its column, in the template's order."""
        return {column.key: column for column in self.columns if column.key in CUSTOMER_KEYS}

    @cached_property
    def _location_columns(self) -> dict[str, Column]:
        """Service location field → its column."""
        return {field: self.column(key) for key, field in LOCATION_KEYS.items()}

    def _changes(self, current: Customer | None, changes: dict, locations: LocationsPlan) -> list[Change]:
        """A new customer's values, or an existing one's changes (old → new); then its service locations'."""
        if current is None:
            described = new_values(changes, self._customer_columns)
        else:
            described = changed_values(current, changes, self._customer_columns)
        field = self.header("location_name") + (" added" if current is not None else "")
        for location, differs in locations.changed:
            if differs is None:
                parts = (getattr(location, name) for name in LOCATION_KEYS.values())
                address = ", ".join(str(part) for part in parts if part)
                described.append(Change(field, f"{location.name} · {address}" if address else location.name))
                continue
            described += [
                Change(f"{change.field} ({location.name})", change.new, change.old)
                for change in changed_values(location, differs, self._location_columns)
            ]
        return described
