"""Spec pieces shared by many requests: addresses, record headers, and how Mod and Ret specs derive from Add."""

from dataclasses import replace

from apps.qbd_sandbox.qbxml.fields import F, S, agg, ref

ADDRESS_FIELDS = (
    S("Addr1", 41),
    S("Addr2", 41),
    S("Addr3", 41),
    S("Addr4", 41),
    S("Addr5", 41),
    S("City", 31),
    S("State", 21),
    S("PostalCode", 13),
    S("Country", 31),
    S("Note", 41),
)
SHIP_TO_FIELDS = (S("Name", 41, required=True), *ADDRESS_FIELDS, F("DefaultShipTo", "bool"))
ADDITIONAL_CONTACT_REF = agg(
    "AdditionalContactRef", S("ContactName", 40), S("ContactValue", 255), repeat=True, ignore=True
)
CREDIT_CARD_INFO = agg(
    "CreditCardInfo",
    S("CreditCardNumber", 25),
    F("ExpirationMonth", "int"),
    F("ExpirationYear", "int"),
    S("NameOnCard", 41),
    S("CreditCardAddress", 41),
    S("CreditCardPostalCode", 41),
    ignore=True,
)
CONTACTS = agg(
    "Contacts",
    S("Salutation", 15),
    S("FirstName", 25, required=True),
    S("MiddleName", 5),
    S("LastName", 25),
    S("JobTitle", 41),
    ADDITIONAL_CONTACT_REF,
    repeat=True,
    ignore=True,
)
ADDITIONAL_NOTES = agg("AdditionalNotes", S("Note", 4095), repeat=True, ignore=True)

ITEM_KINDS = ("ItemService", "ItemNonInventory", "ItemInventory", "ItemSalesTax", "ItemSalesTaxGroup")
# What a customer or an invoice may be charged: one sales tax item, or a group of them.
SALES_TAX_KINDS = ("ItemSalesTax", "ItemSalesTaxGroup")
TERMS_KINDS = ("StandardTerms", "DateDrivenTerms")
ENTITY_KINDS = ("Customer", "Vendor", "Employee", "OtherName")

# Elements of an Add that a Mod cannot change, and aggregates renamed in Mods.
ADD_ONLY = {"OpenBalance", "OpenBalanceDate", "ExternalGUID", "QuantityOnHand", "TotalValue", "InventoryDate"}
MOD_RENAMES = {
    "Contacts": "ContactsMod",
    "AdditionalNotes": "AdditionalNotesMod",
    "SalesOrPurchase": "SalesOrPurchaseMod",
    "SalesAndPurchase": "SalesAndPurchaseMod",
}


def address(name: str, **options) -> F:
    return agg(name, *ADDRESS_FIELDS, **options)


def mod_spec(
    add: tuple[F, ...], *, id_name: str = "ListID", extra: dict[str, tuple[F, ...]] | None = None
) -> tuple[F, ...]:
    """
    The Mod spec of an Add: the id and EditSequence first, nothing required, add-only elements left out.

    ``extra`` inserts Mod-only elements after the named ones (``ApplyIncomeAccountRefToExistingTxns``...).
    """
    fields: list[F] = [F(id_name, "id", required=True), S("EditSequence", 16, required=True)]
    for field in add:
        if field.name in ADD_ONLY:
            continue
        fields.append(replace(field, name=MOD_RENAMES.get(field.name, field.name), required=False))
        fields.extend((extra or {}).get(field.name, ()))
    return tuple(fields)


def list_header(*, full_name: bool = True, hierarchical: bool = False) -> tuple[F, ...]:
    """ListID ... IsActive of a list element's Ret (ParentRef and Sublevel follow for hierarchical lists)."""
    return (
        F("ListID", "id"),
        F("TimeCreated", "datetime"),
        F("TimeModified", "datetime"),
        S("EditSequence"),
        S("Name"),
        *((S("FullName"),) if full_name else ()),
        F("IsActive", "bool"),
    )


def hierarchy(kind: str) -> tuple[F, ...]:
    return (ref("ParentRef", kind), F("Sublevel", "int"))


def data_ext_ret() -> F:
    return agg("DataExtRet", S("OwnerID"), S("DataExtName"), S("DataExtType"), S("DataExtValue"), repeat=True)


def ret_fields(add: tuple[F, ...], *, skip: set[str] = frozenset()) -> tuple[F, ...]:
    """The stored elements of an Add, in order, as a Ret shows them."""
    return tuple(
        replace(field, required=False)
        for field in add
        if not field.ignore and field.name not in ADD_ONLY and field.name not in skip
    )


def insert_after(spec: tuple[F, ...], after: str, *fields: F) -> tuple[F, ...]:
    result: list[F] = []
    for field in spec:
        result.append(field)
        if field.name == after:
            result.extend(fields)
    return tuple(result)
