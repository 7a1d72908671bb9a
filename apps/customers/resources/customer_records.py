"""
What the imports of a customer's own records (notes, attachments) share: each row names its customer, by number or
display name, and the records a row may update are those of the customers the file names, read in chunks.
"""

from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet

from apps.core.columns import Column
from apps.core.importing import RecordResource
from apps.customers.lookups import CustomerLookup, NotFound
from apps.customers.models import Customer

# Existing records are read for this many customers a query.
CUSTOMERS_READ_PER_QUERY = 500


class CustomerRecordResource(RecordResource):
    """
    A resource whose records belong to the customer a row names (``customer_column``). Subclasses say which of
    those customers' records a row may update (``customer_records``).
    """

    customer_column: ClassVar[Column]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.customers: CustomerLookup | None = None
        self.named: dict[int, Customer] = {}

    def customer_records(self, customer_ids: list[int]) -> QuerySet:
        """The records of these customers a row may update."""
        raise NotImplementedError

    def before_import(self, dataset: Any, **kwargs: Any) -> None:
        self.customers = CustomerLookup(division_id=self.division.pk)
        named = dataset[self.customer_column.header]
        ids = sorted({customer_id for value in named if (customer_id := self._found(value))})
        self.existing: dict[Any, Model] = {}
        for start in range(0, len(ids), CUSTOMERS_READ_PER_QUERY):
            for record in self.customer_records(ids[start : start + CUSTOMERS_READ_PER_QUERY]):
                self.existing.setdefault(self.record_key(record), record)

    def _found(self, reference: Any) -> int | None:
        try:
            return self.customers.find(reference) if reference else None
        except NotFound:
            return None

    def customer_id(self, reference: Any) -> int:
        """The customer a row names; its error on the customer's column when there is none."""
        try:
            return self.customers.find(reference)
        except NotFound as error:
            raise ValidationError({self.customer_column.key: str(error)}) from None

    def customer_stand_in(self, customer_id: int) -> Customer:
        """
        The customer as a record of it needs it: its id and name. One stand-in a customer, not one a row (nor a
        query a row).
        """
        if customer_id not in self.named:
            self.named[customer_id] = Customer(
                pk=customer_id, display_name=self.customers.names[customer_id], division=self.division
            )
        return self.named[customer_id]
