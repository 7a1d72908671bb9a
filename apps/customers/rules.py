"""
The rules a customer or a service location follows before it is saved (``apps.core.rules`` checks them, for one
record or many at once): their unique names and the checks of their constraints.
"""

from collections.abc import Hashable

from django.db.models.functions import Lower

from apps.core.rules import CheckRule, Rule, UniqueRule, db_lower, pairs_filter, rules_register
from apps.customers.models import Customer, ServiceLocation


def _customer_name_key(customer: Customer) -> Hashable | None:
    return (customer.division_id, db_lower(customer.display_name)) if customer.division_id else None


def _customer_number_key(customer: Customer) -> Hashable | None:
    return (customer.division_id, customer.number) if customer.division_id and customer.number != "" else None


def _location_name_key(location: ServiceLocation) -> Hashable | None:
    return (location.customer_id, db_lower(location.name)) if location.customer_id else None


CUSTOMER_RULES: tuple[Rule, ...] = (
    UniqueRule(
        "customer_display_name_unique_per_division",
        fields=("division", "display_name"),
        key=_customer_name_key,
        candidates=lambda keys: pairs_filter("division_id", "rules_lower_name", keys),
        only=("division_id", "display_name"),
        aliases=(("rules_lower_name", Lower("display_name")),),
    ),
    UniqueRule(
        "customer_number_unique_per_division",
        fields=("division", "number"),
        key=_customer_number_key,
        candidates=lambda keys: pairs_filter("division_id", "number", keys),
        only=("division_id", "number"),
    ),
    CheckRule(
        "customer_display_name_not_blank", fields=("display_name",), holds=lambda customer: customer.display_name != ""
    ),
)

LOCATION_RULES: tuple[Rule, ...] = (
    UniqueRule(
        "service_location_name_unique_per_customer",
        fields=("customer", "name"),
        key=_location_name_key,
        candidates=lambda keys: pairs_filter("customer_id", "rules_lower_name", keys),
        only=("customer_id", "name"),
        aliases=(("rules_lower_name", Lower("name")),),
    ),
)

rules_register(Customer, CUSTOMER_RULES)
rules_register(ServiceLocation, LOCATION_RULES)
