"""
Customers as a file: one row per service location with the customer's values on each, the customer list's export
and the customers import alike (``CustomerResource``); service locations' own export.
"""

import copy
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import Prefetch, QuerySet
from import_export.fields import Field

from apps.accounting.models import PaymentTerm, TaxRate
from apps.core.columns import DIVISION, Column, ColumnType, exported_fields, norm
from apps.core.grouped_importing import Group, GroupedRecordResource
from apps.core.importing import Problem
from apps.core.lookups import NameLookup
from apps.core.resources import ExportResource
from apps.customers import services
from apps.customers.lookups import NotFound
from apps.customers.models import Customer, ServiceLocation
from apps.customers.resources.common import EXAMPLE_CUSTOMER, EXAMPLE_LOCATION, EXAMPLE_NUMBER

LOCATION_PREFIX = "location_"


def _text(key: str, header: str, max_length: int, help: str = "", example: Any = None, **options: Any) -> Column:
    return Column(key, header, max_length=max_length, help=help, example=example, **options)


# The parts of an address, in the order of the columns: field, header, most characters, example.
ADDRESS_PARTS = (
    ("street", "street", 200, "100 Example Street"),
    ("street2", "street 2", 200, None),
    ("city", "city", 100, "Minneapolis"),
    ("state", "state", 100, "MN"),
    ("postal_code", "postal code", 20, "55401"),
    ("country", "country", 100, "USA"),
)
ADDRESS_FIELDS = tuple(field for field, _, _, _ in ADDRESS_PARTS)


def _address_columns(key_prefix: str, header: str) -> tuple[Column, ...]:
    """An address's columns: ``billing_street`` headed "Billing street", and so on."""
    return tuple(
        _text(f"{key_prefix}{field}", f"{header} {label}", max_length, example=example)
        for field, label, max_length, example in ADDRESS_PARTS
    )


LOCATION_NAME = _text(
    "location_name", "Service location", 100, "A place where you work for the customer; one a row.", EXAMPLE_LOCATION
)
LOCATION_SHEET_COLUMNS = _address_columns(LOCATION_PREFIX, "Location")
CUSTOMER_COLUMNS = (
    _text(
        "number",
        "Customer number",
        30,
        "Your own reference; unique. Identifies the customer when given.",
        EXAMPLE_NUMBER,
    ),
    Column(
        "display_name",
        "Display name",
        once=True,
        max_length=100,
        help="The name on invoices and lists; unique.",
        example=EXAMPLE_CUSTOMER,
    ),
    _text("company_name", "Company name", 100, example="Example Company LLC"),
    _text("first_name", "First name", 100, example="Example"),
    _text("last_name", "Last name", 100, example="Person"),
    _text("phone", "Phone", 30, example="612-555-0199"),
    _text("email", "Email", 254, example="billing@example.com"),
    *_address_columns("billing_", "Billing"),
    Column("taxable", "Taxable", ColumnType.BOOLEAN, help="Yes or No. Empty: Yes for a new customer.", example="Yes"),
    _text("tax_rate", "Tax rate", 100, "The name of a tax rate.", attribute="tax_rate__name"),
    _text(
        "payment_term",
        "Payment term",
        100,
        "The name of a payment term, such as Net 30.",
        attribute="payment_term__name",
        aliases=("Terms",),
    ),
    Column("active", "Active", ColumnType.BOOLEAN, help="Yes or No. Empty: Yes for a new customer.", example="Yes"),
    LOCATION_NAME,
    *LOCATION_SHEET_COLUMNS,
    DIVISION,
)


def location_field(column: Column) -> Field:
    """An export column read from the row's service location (``CustomerRow``)."""
    return Field(attribute=column.key, column_name=column.header)


class CustomerRow:
    """
    One row of the customer export: the customer's values, and one of its service locations (``location_name``,
    ``location_street``...; none for a customer without locations), as the customers import reads them.
    """

    def __init__(self, customer: Customer, location: ServiceLocation | None) -> None:
        self.customer = customer
        self.location = location

    def __getattr__(self, name: str) -> Any:
        if name.startswith(LOCATION_PREFIX):
            field = name.removeprefix(LOCATION_PREFIX)
            return getattr(self.location, field) if self.location is not None else None
        return getattr(self.customer, name)


# The columns a customer's rows give once (or repeated alike), as against one service location each.
CUSTOMER_KEYS = tuple(
    column.key
    for column in CUSTOMER_COLUMNS
    if column is not DIVISION and not column.key.startswith(LOCATION_PREFIX)
)
# A location column's key → the service location's field, and back.
LOCATION_KEYS = {f"{LOCATION_PREFIX}{field}": field for field in ADDRESS_FIELDS}
LOCATION_COLUMN_KEYS = {field: key for key, field in LOCATION_KEYS.items()}


@dataclass
class LocationsPlan:
    """
    What a customer's rows make of its service locations: the complete list the customer will have (by name: a
    kept one by its id, with the fields the rows change; a new one's values), and, in the order of the rows, the
    locations they change (with the fields that differ) or add (``None``), for the preview.
    """

    rows: dict[str, dict[str, Any]]
    changed: list[tuple[ServiceLocation, dict[str, Any] | None]] = field(default_factory=list)

    @property
    def changes(self) -> bool:
        return bool(self.changed)


class CustomerResource(GroupedRecordResource):
    """
    The customers' export, one row per service location with the customer's values on each (one row for a customer
    without locations), and their import, which reads the same file (``apps.core.grouped_importing``): a customer's
    rows carry its values on one of them or repeated alike, and one service location each.

    A customer is known by its number when the rows give one, else by its display name. An existing customer takes
    the values the rows give (an empty cell leaves a value as it is) and the locations they add or change; locations
    not in the file are kept. Tax rate and payment term are found by name.
    """

    columns = CUSTOMER_COLUMNS
    key = "display_name"
    record_keys = CUSTOMER_KEYS
    required_record_keys = ("display_name",)
    # The customer's tax rate and term are found by name before it is checked.
    unchecked = ("division", "tax_rate", "payment_term")
    location_name = location_field(LOCATION_NAME)
    location_street = location_field(LOCATION_SHEET_COLUMNS[0])
    location_street2 = location_field(LOCATION_SHEET_COLUMNS[1])
    location_city = location_field(LOCATION_SHEET_COLUMNS[2])
    location_state = location_field(LOCATION_SHEET_COLUMNS[3])
    location_postal_code = location_field(LOCATION_SHEET_COLUMNS[4])
    location_country = location_field(LOCATION_SHEET_COLUMNS[5])
    export_select_related = ("tax_rate", "payment_term", "division")
    # A plain list (to_attr) is filled much faster than a related manager's cache for each of 100,000 customers.
    export_prefetch_related = (
        Prefetch(
            "service_locations",
            queryset=ServiceLocation.objects.only("customer", "name", *ADDRESS_FIELDS).order_by("name", "pk"),
            to_attr="export_service_locations",
        ),
    )

    class Meta:
        model = Customer
        fields = exported_fields(CUSTOMER_COLUMNS)

    def iter_queryset(self, queryset: QuerySet) -> Iterator[CustomerRow]:
        for customer in super().iter_queryset(queryset):
            for location in customer.export_service_locations or [None]:
                yield CustomerRow(customer, location)

    # The import.

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # By the import row of each customer: its values from the file (tax rate and term as records), and its
        # service locations with what the rows change in them.
        self.values: dict[int, dict[str, Any]] = {}
        self.locations: dict[int, LocationsPlan] = {}

    def group_key(self, values: dict[str, Any]) -> Hashable | None:
        if values.get("number"):
            return f"#{norm(values['number'])}"
        return norm(values["display_name"]) if values.get("display_name") else None

    def missing_message(self, group: Group, key: str) -> str:
        return "The customer needs a display name."

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        super().before_import(dataset, **kwargs)
        division_id = self.division.pk
        self.references = {
            "tax_rate": (
                NameLookup(queryset=TaxRate.objects.filter(division_id=division_id), noun="tax rate"),
                TaxRate.objects.filter(division_id=division_id).in_bulk(),
            ),
            "payment_term": (
                NameLookup(queryset=PaymentTerm.objects.filter(division_id=division_id), noun="payment term"),
                PaymentTerm.objects.filter(division_id=division_id).in_bulk(),
            ),
        }
        # Tax rate and terms come along: the preview shows the ones an update replaces.
        customers = Customer.objects.filter(division_id=division_id).select_related("tax_rate", "payment_term")
        self.by_number, self.by_name = {}, {}
        for customer in customers:
            if customer.number:
                self.by_number[norm(customer.number)] = customer
            self.by_name[norm(customer.display_name)] = customer
        self.stored_locations: dict[int, dict[str, ServiceLocation]] = {}
        for location in ServiceLocation.objects.filter(customer__division_id=division_id):
            self.stored_locations.setdefault(location.customer_id, {})[norm(location.name)] = location
        # The first rows of the customers matched so far: two records of the file may not be one customer.
        self.claimed: dict[int, int] = {}
        self.new_names: dict[str, int] = {}

    def get_instance(self, instance_loader: Any, row: dict[str, Any]) -> Customer | None:
        group = self.group_of(self.position)
        values = group.values
        named = self.by_name.get(norm(values.get("display_name")))
        current = named
        if values.get("number"):
            numbered = self.by_number.get(norm(values["number"]))
            if numbered is not None and named is not None and named.pk != numbered.pk:
                message = f"Customer number {values['number']} is {numbered}, but “{named}” is another customer."
                raise ValidationError({"display_name": message})
            if numbered is None and named is not None and named.number:
                message = f"“{named}” exists with customer number {named.number}; use that number or another name."
                raise ValidationError({"number": message})
            current = numbered if numbered is not None else named
        if current is not None:
            if current.pk in self.claimed:
                raise ValidationError(f"Rows {self.claimed[current.pk]} and {group.first} are the same customer.")
            self.claimed[current.pk] = group.first
            return current
        name = norm(values["display_name"])
        if name in self.new_names:
            raise ValidationError(
                {"display_name": f"Row {self.new_names[name]} adds a customer with this display name already."}
            )
        self.new_names[name] = group.first
        return None

    def import_instance(self, instance: Customer, row: dict[str, Any], **kwargs: Any) -> None:
        position = self.position
        group = self.group_of(position)
        if instance.pk is not None:
            self.originals[instance.pk] = copy.copy(instance)
        values = dict(group.values)
        problems: list[Problem] = []
        for key, (lookup, records) in self.references.items():
            if values.get(key) is not None:
                try:
                    values[key] = records[lookup.find(values[key])]
                except NotFound as error:
                    problems.append(Problem(group.origin[key], key, str(error)))
        locations = self._locations(group, instance, problems)
        if problems:
            self.problems[position] = problems
            raise ValidationError("The customer's rows have errors.")
        for key, value in values.items():
            setattr(instance, key, value)
        self.values[position] = values
        self.locations[position] = locations

    def _locations(self, group: Group, current: Customer, problems: list[Problem]) -> LocationsPlan:
        """
        The customer's complete list of service locations (kept ones by id) and what the rows change in it: the
        locations they add, and the fields they change of existing ones.
        """
        stored = self.stored_locations.get(current.pk, {}) if current.pk is not None else {}
        plan = LocationsPlan(rows={key: {"id": location.pk} for key, location in stored.items()})
        seen: dict[str, int] = {}
        for part in group.parts:
            name = part["location_name"]
            address = {field: part[key] for key, field in LOCATION_KEYS.items() if part[key] is not None}
            if name is None:
                if address:
                    problems.append(Problem(part.number, "location_name", "Give the service location a name."))
                continue
            key = norm(name)
            if key in seen:
                problems.append(Problem(part.number, "location_name", f"This location is on row {seen[key]} already."))
                continue
            seen[key] = part.number
            location = stored.get(key)
            if location is None:
                candidate = ServiceLocation(name=name, **address)
                plan.rows[key] = {"name": name, **address}
                plan.changed.append((candidate, None))
            else:
                differs = {field: value for field, value in address.items() if getattr(location, field) != value}
                candidate = copy.copy(location)
                for field, value in differs.items():
                    setattr(candidate, field, value)
                plan.rows[key].update(differs)
                if differs:
                    plan.changed.append((location, differs))
            try:
                candidate.full_clean(exclude=["customer"], validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    column = "location_name" if field == "name" else LOCATION_COLUMN_KEYS.get(field, "location_name")
                    problems += [Problem(part.number, column, message) for message in messages]
        return plan

    def customer_changes(self, position: int, instance: Customer) -> dict[str, Any]:
        """What the customer imported at ``position`` is given: all its values if new, else those that differ."""
        values = self.values[position]
        original = self.original_of(instance)
        if original is None:
            return dict(values)
        return {key: value for key, value in values.items() if getattr(original, key) != value}

    def skip_row(self, instance: Customer, original: Any, row: dict[str, Any], import_validation_errors: Any = None):
        if import_validation_errors or instance.pk is None:
            return False
        position = self.position
        return not self.locations[position].changes and not self.customer_changes(position, instance)

    def validate_instance(self, instance: Customer, import_validation_errors: Any = None, validate_unique: bool = True):
        errors = dict(import_validation_errors or {})
        if self.checking and not errors:
            try:
                instance.full_clean(exclude=self.unchecked, validate_unique=False, validate_constraints=False)
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        if errors:
            # What is wrong with the customer as a whole is said on its display name.
            if NON_FIELD_ERRORS in errors:
                errors.setdefault("display_name", []).extend(errors.pop(NON_FIELD_ERRORS))
            raise ValidationError(errors)

    def save_instance(self, instance: Customer, is_create: bool, row: dict[str, Any], **kwargs: Any) -> None:
        if self.checking:
            return
        position = self.position
        locations = list(self.locations[position].rows.values())
        if is_create:
            saved = services.customer_create(
                division=self.division, service_locations=locations or None, **self.values[position]
            )
            instance.pk = saved.pk
        else:
            services.customer_update(
                customer=instance,
                service_locations=locations if self.locations[position].changes else None,
                **self.customer_changes(position, instance),
            )



class ServiceLocationResource(ExportResource):
    column_headers = {"customer__display_name": "Customer"}
    export_select_related = ("customer",)

    class Meta:
        model = ServiceLocation
        fields = (
            "name",
            "customer__display_name",
            "street",
            "street2",
            "city",
            "state",
            "postal_code",
            "country",
            "active",
        )
