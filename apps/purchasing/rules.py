"""
The rules a vendor follows before it is saved (``apps.core.rules`` checks them, for one vendor or many at once): a
display name, unique in its division whatever the case.
"""

from apps.core.rules import CheckRule, Rule, rules_register, unique_lowered
from apps.purchasing.models import Vendor

VENDOR_RULES: tuple[Rule, ...] = (
    unique_lowered("vendor_display_name_unique_per_division", scope="division", name="display_name"),
    CheckRule(
        "vendor_display_name_not_blank", fields=("display_name",), holds=lambda vendor: vendor.display_name != ""
    ),
)

rules_register(Vendor, VENDOR_RULES)
