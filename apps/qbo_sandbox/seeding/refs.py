"""Small builders of the shapes QuickBooks objects share."""

from typing import Any

from apps.qbo_sandbox.models import SandboxEntity

USD = {"value": "USD", "name": "United States Dollar"}


def ref(entity: SandboxEntity) -> dict[str, str]:
    """A reference to a stored object: ``{"value": Id, "name": ...}``."""
    data = entity.data
    name = data.get("FullyQualifiedName") or data.get("DisplayName") or data.get("Name")
    return {"value": entity.entity_id, "name": name} if name else {"value": entity.entity_id}


def address(line1: str, city: str, state: str, postal_code: str) -> dict[str, Any]:
    return {"Line1": line1, "City": city, "CountrySubDivisionCode": state, "PostalCode": postal_code, "Country": "US"}


def customer_data(
    display_name: str,
    *,
    given_name: str = "",
    family_name: str = "",
    company_name: str = "",
    email: str = "",
    phone: str = "",
    bill_addr: dict[str, Any] | None = None,
    taxable: bool = True,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "Taxable": taxable,
        "Job": False,
        "BillWithParent": False,
        "Balance": 0,
        "BalanceWithJobs": 0,
        "CurrencyRef": dict(USD),
        "PreferredDeliveryMethod": "Print",
        "IsProject": False,
        "FullyQualifiedName": display_name,
        "DisplayName": display_name,
        "PrintOnCheckName": company_name or display_name,
        "Active": True,
    }
    if given_name:
        data["GivenName"] = given_name
    if family_name:
        data["FamilyName"] = family_name
    if company_name:
        data["CompanyName"] = company_name
    if email:
        data["PrimaryEmailAddr"] = {"Address": email}
    if phone:
        data["PrimaryPhone"] = {"FreeFormNumber": phone}
    if bill_addr:
        data["BillAddr"] = dict(bill_addr)
    return data
