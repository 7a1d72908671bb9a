"""
Customers, vendors and employees share one pool of display names (inactive ones included) and the rules for it.

- ``DisplayName`` is built from Title, GivenName, MiddleName, FamilyName and Suffix when it is not sent; with none
  of them the write is 6080 "No Name Provided".
- It, the name parts and ``PrintOnCheckName`` may not hold a colon, tab or line break (2180); it must differ,
  case-insensitively, from every customer, vendor and employee name, inactive ones included (6240).
- ``PrimaryEmailAddr.Address`` needs an at sign and a dot (2210).
- ``PrintOnCheckName`` defaults to the company name, else the display name.
"""

from typing import ClassVar

from apps.qbo_sandbox import store
from apps.qbo_sandbox.entities import faults, refs
from apps.qbo_sandbox.entities.base import Data, EntityRules, WriteContext
from apps.qbo_sandbox.entities.schema import ANY, BOOL, DATE, DECIMAL, REF, Schema, enum, read_only, text
from apps.qbo_sandbox.entities.shapes import ADDRESS, EMAIL, PHONE, WEB_ADDRESS, entity_schema
from apps.qbo_sandbox.models import SandboxEntity

NAME_PARTS = ("Title", "GivenName", "MiddleName", "FamilyName", "Suffix")
NAME_PATTERN_BREAKERS = (":", "\t", "\n", "\r")
POOL_DETAIL = "Another customer, vendor or employee is already using this name. Please use a different name."

PERSON_FIELDS: Schema = {
    "Title": text(16),
    "GivenName": text(100),
    "MiddleName": text(100),
    "FamilyName": text(100),
    "Suffix": text(16),
    "DisplayName": text(500),
    "PrintOnCheckName": text(110),
    "Active": BOOL,
    "PrimaryPhone": PHONE,
    "Mobile": PHONE,
    "PrimaryEmailAddr": EMAIL,
    "OtherContactInfo": ANY,
    "V4IDPseudonym": read_only(text()),
}


def check_email(data: Data) -> None:
    """Intuit's rule: an e-mail address holds an at sign and a dot (2210 otherwise)."""
    address = (data.get("PrimaryEmailAddr") or {}).get("Address")
    if address and ("@" not in address or "." not in address):
        raise faults.QboFault(
            "2210",
            "Invalid Email Address Format",
            f"Email Address does not conform to the syntax rules of RFC 822. Supplied value:{address}",
            element="PrimaryEmailAddr",
        )


def checked_name(name: str, element: str) -> str:
    """A list name stripped of surrounding blanks; colons, tabs and line breaks are refused (2180)."""
    name = name.strip()
    if any(breaker in name for breaker in NAME_PATTERN_BREAKERS):
        raise faults.invalid_name(element)
    return name


class PersonRules(EntityRules):
    """DisplayName, the shared name pool and the defaults of every person-like list."""

    sticky: ClassVar[tuple[str, ...]] = ("CurrencyRef",)

    def display_name(self, data: Data) -> str:
        name = data.get("DisplayName") or " ".join(str(data[part]) for part in NAME_PARTS if data.get(part))
        if not str(name).strip():
            raise faults.no_name_provided()
        return checked_name(str(name), "DisplayName")

    def prepare(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> Data:
        name = self.display_name(data)
        for part in (*NAME_PARTS, "PrintOnCheckName"):
            if data.get(part):
                data[part] = checked_name(data[part], part)
        check_email(data)
        if store.name_conflict_find(ctx.company, store.NAME_POOL_PEOPLE, name, exclude=existing) is not None:
            raise faults.duplicate_name(POOL_DETAIL)
        data["DisplayName"] = name
        data.setdefault("PrintOnCheckName", data.get("CompanyName") or name)
        data.setdefault("Active", True)
        return data

    def currency(self, ctx: WriteContext, data: Data) -> None:
        data["CurrencyRef"] = ctx.home_currency


class VendorRules(PersonRules):
    entity_type = "Vendor"
    schema = entity_schema(
        {
            **PERSON_FIELDS,
            "CompanyName": text(100),
            "AlternatePhone": PHONE,
            "Fax": PHONE,
            "WebAddr": WEB_ADDRESS,
            "BillAddr": ADDRESS,
            "TaxIdentifier": text(20),
            "AcctNum": text(100),
            "Vendor1099": BOOL,
            "BillRate": DECIMAL,
            "CostRate": DECIMAL,
            "TaxReportingBasis": enum("Cash", "Accrual"),
            "TermRef": REF,
            "APAccountRef": REF,
            "CurrencyRef": REF,
            "GSTIN": text(15),
            "BusinessNumber": text(10),
            "HasTPAR": BOOL,
            "T4AEligible": BOOL,
            "T5018Eligible": BOOL,
            "VendorPaymentBankDetail": ANY,
            "Source": text(),
            "Balance": read_only(DECIMAL),
        }
    )

    def prepare(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> Data:
        data = super().prepare(ctx, data, existing)
        if data.get("TermRef"):
            data["TermRef"] = refs.ref_to(refs.resolve(ctx.company, "Term", data["TermRef"]))
        if data.get("APAccountRef"):
            data["APAccountRef"] = refs.ref_to(refs.resolve(ctx.company, "Account", data["APAccountRef"]))
        if data.get("TaxIdentifier"):
            # QuickBooks never returns a tax id in clear.
            data["TaxIdentifier"] = "XXXXXXXX" + data["TaxIdentifier"][-4:]
        data.setdefault("Vendor1099", False)
        data["Balance"] = existing.data.get("Balance", 0) if existing else 0
        self.currency(ctx, data)
        return data


class EmployeeRules(PersonRules):
    entity_type = "Employee"
    sticky: ClassVar[tuple[str, ...]] = ()
    schema = entity_schema(
        {
            **PERSON_FIELDS,
            "PrimaryAddr": ADDRESS,
            "EmployeeNumber": text(100),
            "SSN": text(100),
            "BillableTime": BOOL,
            "BillRate": DECIMAL,
            "CostRate": DECIMAL,
            "BirthDate": DATE,
            "Gender": enum("Male", "Female"),
            "HiredDate": DATE,
            "ReleasedDate": DATE,
            "Organization": BOOL,
        }
    )

    def prepare(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> Data:
        data = super().prepare(ctx, data, existing)
        if data.get("SSN") and set(data["SSN"]) - set("X-"):
            data["SSN"] = "XXX-XX-XXXX"
        data.setdefault("BillableTime", False)
        return data
