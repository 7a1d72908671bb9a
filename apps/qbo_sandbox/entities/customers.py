"""
Customers and their sub-customers (jobs).

- ``Job: true`` needs a ``ParentRef`` (6150); a ``ParentRef`` makes the customer a job. The parent must be an
  active customer, never the customer itself or one of its jobs (900), and jobs nest at most 4 levels below the
  top-level customer (6180).
- ``Level`` and ``FullyQualifiedName`` (``Parent:Job``) are computed; renaming or moving a customer rewrites them on
  every job below it.
- Customers are never deleted. Making one inactive with an open balance, its own or a job's, is refused (6220, as
  Intuit answers); otherwise its active jobs are made inactive with it, as the QuickBooks screens do.
"""

from typing import ClassVar

from apps.qbo_sandbox.entities import balances, faults, hierarchy, refs
from apps.qbo_sandbox.entities.base import Data, WriteContext
from apps.qbo_sandbox.entities.people import PERSON_FIELDS, PersonRules
from apps.qbo_sandbox.entities.schema import BOOL, DATE, DECIMAL, INT, REF, enum, read_only, text
from apps.qbo_sandbox.entities.shapes import ADDRESS, PHONE, WEB_ADDRESS, entity_schema
from apps.qbo_sandbox.entities.storage import entity_rewrite
from apps.qbo_sandbox.models import SandboxEntity


class CustomerRules(PersonRules):
    entity_type = "Customer"
    sticky: ClassVar[tuple[str, ...]] = ("CurrencyRef",)
    schema = entity_schema(
        {
            **PERSON_FIELDS,
            "CompanyName": text(100),
            "AlternatePhone": PHONE,
            "Fax": PHONE,
            "WebAddr": WEB_ADDRESS,
            "BillAddr": ADDRESS,
            "ShipAddr": ADDRESS,
            "Notes": text(2000),
            "Job": BOOL,
            "BillWithParent": BOOL,
            "ParentRef": REF,
            "IsProject": read_only(BOOL),
            "Taxable": BOOL,
            "TaxExemptionReasonId": text(),
            "DefaultTaxCodeRef": REF,
            "SalesTermRef": REF,
            "PaymentMethodRef": REF,
            "CustomerTypeRef": REF,
            "ARAccountRef": REF,
            "CurrencyRef": REF,
            "PreferredDeliveryMethod": enum("Print", "Email", "None"),
            "ResaleNum": text(16),
            "PrimaryTaxIdentifier": text(20),
            "SecondaryTaxIdentifier": text(20),
            "BusinessNumber": text(10),
            "GSTIN": text(15),
            "GSTRegistrationType": text(),
            "OpenBalanceDate": DATE,
            "Source": text(),
            # Intuit's own example sends it on create: it names the customer when DisplayName is missing.
            "FullyQualifiedName": text(),
            "Level": read_only(INT),
            "Balance": read_only(DECIMAL),
            "BalanceWithJobs": read_only(DECIMAL),
        }
    )

    def display_name(self, data: Data) -> str:
        fully_qualified = str(data.pop("FullyQualifiedName", "") or "")
        if not data.get("DisplayName") and not any(data.get(part) for part in ("Title", "GivenName", "FamilyName")):
            data.setdefault("DisplayName", fully_qualified.rsplit(":", 1)[-1])
        return super().display_name(data)

    def prepare(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> Data:
        data = super().prepare(ctx, data, existing)
        self._hierarchy(ctx, data, existing)
        for name, entity_type in (
            ("SalesTermRef", "Term"),
            ("DefaultTaxCodeRef", "TaxCode"),
            ("ARAccountRef", "Account"),
        ):
            if data.get(name):
                data[name] = refs.ref_to(refs.resolve(ctx.company, entity_type, data[name]))
        data.setdefault("Taxable", True)
        data.setdefault("BillWithParent", False)
        data.setdefault("PreferredDeliveryMethod", "Print")
        data["Balance"] = existing.data.get("Balance", 0) if existing else 0
        data["BalanceWithJobs"] = existing.data.get("BalanceWithJobs", 0) if existing else 0
        self.currency(ctx, data)
        deactivating = existing is not None and existing.active and data["Active"] is False
        if deactivating and balances.subtree_balance(ctx.company, existing.entity_id) != 0:
            raise faults.has_balance()
        return data

    def _hierarchy(self, ctx: WriteContext, data: Data, existing: SandboxEntity | None) -> None:
        if data.get("Job") is True and not data.get("ParentRef"):
            raise faults.parent_ref_required()
        parent = hierarchy.place(ctx.company, "Customer", data, existing, name=data["DisplayName"])
        data["Job"] = parent is not None
        if parent is None:
            data.pop("Level", None)
        else:
            data["Level"] = hierarchy.level_of(data)

    def after_write(self, ctx: WriteContext, entity: SandboxEntity, previous: Data | None) -> None:
        if previous is None:
            return
        data = entity.data
        if previous.get("FullyQualifiedName") != data.get("FullyQualifiedName"):
            hierarchy.relabel_descendants(entity, name_field="DisplayName", with_level=True)
        if previous.get("Active", True) and data.get("Active") is False:
            for child in hierarchy.descendants(ctx.company, "Customer", entity.entity_id):
                if child.active:
                    entity_rewrite(child, {"Active": False})
        if previous.get("ParentRef") != data.get("ParentRef"):
            parents = [refs.ref_value(ref) for ref in (previous.get("ParentRef"), data.get("ParentRef"))]
            balances.customer_balances_refresh(ctx.company, [entity.entity_id, *parents])
