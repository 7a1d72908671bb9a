"""The entity types the sandbox serves, keyed by Intuit's entity name, with what each one allows."""

from dataclasses import dataclass

from apps.qbo_sandbox.entities.accounts import AccountRules
from apps.qbo_sandbox.entities.base import EntityRules
from apps.qbo_sandbox.entities.customers import CustomerRules
from apps.qbo_sandbox.entities.inventory import InventoryAdjustmentRules
from apps.qbo_sandbox.entities.invoices import InvoiceRules
from apps.qbo_sandbox.entities.items import ItemRules
from apps.qbo_sandbox.entities.payments import PaymentRules
from apps.qbo_sandbox.entities.people import EmployeeRules, VendorRules
from apps.qbo_sandbox.entities.purchasing import PurchaseOrderRules
from apps.qbo_sandbox.entities.sales import EstimateRules
from apps.qbo_sandbox.entities.tax import ReadOnlyRules, TaxAgencyRules
from apps.qbo_sandbox.entities.terms import TermRules


@dataclass(frozen=True)
class EntitySpec:
    """
    One entity type of the Accounting API.

    ``name_list`` objects are made inactive, never deleted; ``transaction`` ones are deleted (and voided when
    ``voidable``); ``cdc`` says whether change data capture reports the type; ``read_only`` types (TaxCode,
    TaxRate) are written only through ``/taxservice/taxcode``.
    """

    name: str
    url_name: str
    name_list: bool
    transaction: bool
    cdc: bool
    read_only: bool
    rules: EntityRules
    voidable: bool = False


def _name_list(name: str, rules: EntityRules, *, cdc: bool = True, read_only: bool = False) -> EntitySpec:
    return EntitySpec(name, name.lower(), name_list=True, transaction=False, cdc=cdc, read_only=read_only, rules=rules)


def _transaction(name: str, rules: EntityRules, *, voidable: bool = False) -> EntitySpec:
    return EntitySpec(
        name, name.lower(), name_list=False, transaction=True, cdc=True, read_only=False, rules=rules, voidable=voidable
    )


ENTITY_TYPES: dict[str, EntitySpec] = {
    spec.name: spec
    for spec in (
        _name_list("Account", AccountRules()),
        _name_list("Customer", CustomerRules()),
        _name_list("Employee", EmployeeRules()),
        _name_list("Item", ItemRules()),
        _name_list("Term", TermRules()),
        _name_list("Vendor", VendorRules()),
        _name_list("TaxAgency", TaxAgencyRules(), cdc=False),
        _name_list("TaxCode", ReadOnlyRules("TaxCode"), cdc=False, read_only=True),
        _name_list("TaxRate", ReadOnlyRules("TaxRate"), cdc=False, read_only=True),
        _transaction("Invoice", InvoiceRules(), voidable=True),
        _transaction("Payment", PaymentRules(), voidable=True),
        _transaction("Estimate", EstimateRules()),
        _transaction("PurchaseOrder", PurchaseOrderRules()),
        _transaction("InventoryAdjustment", InventoryAdjustmentRules()),
    )
}
