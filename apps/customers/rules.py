"""
The rules a customer or a service location follows before it is saved (``apps.core.rules`` checks them, for one
record or many at once): their unique names and numbers, and the checks of their constraints.
"""

from collections.abc import Hashable

from apps.core.rules import CheckRule, Rule, UniqueRule, pairs_filter, rules_register, unique_lowered
from apps.customers.models import Customer, ServiceLocation


def _customer_number_key(customer: Customer) -> Hashable | None:
    return (customer.division_id, customer.number) if customer.division_id and customer.number != "" else None


CUSTOMER_RULES: tuple[Rule, ...] = (
    unique_lowered("customer_display_name_unique_per_division", scope="division", name="display_name"),
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
    unique_lowered("service_location_name_unique_per_customer", scope="customer", name="name"),
)

rules_register(Customer, CUSTOMER_RULES)
rules_register(ServiceLocation, LOCATION_RULES)
