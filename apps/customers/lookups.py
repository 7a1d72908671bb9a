"""
Customers found by what a person types for them: their number, display name or (when only one has it) company name,
whatever the case and spacing, and their service locations by name or street. A reference that fits no customer, or
more than one, says so in plain words: nothing is ever guessed.
"""

from collections import defaultdict
from collections.abc import Iterable

from apps.core.columns import norm
from apps.core.lookups import NotFound
from apps.customers.models import Customer, ServiceLocation


class CustomerLookup:
    """The customers of a division, indexed by number, display name and company name; locations on demand."""

    def __init__(self, *, division_id: int):
        self.division_id = division_id
        self.by_number: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self.by_company: dict[str, list[int]] = defaultdict(list)
        self.names: dict[int, str] = {}
        self._locations: dict[int, list[tuple[int, str, str]]] = {}
        rows = Customer.objects.filter(division_id=division_id).values_list(
            "pk", "number", "display_name", "company_name"
        )
        for pk, number, display_name, company_name in rows.iterator(chunk_size=5000):
            self.add(pk=pk, number=number, display_name=display_name, company_name=company_name)

    def add(self, *, pk: int, number: str, display_name: str, company_name: str = "") -> None:
        """Make a customer findable (one created during an import, by the rows that follow)."""
        if number:
            self.by_number[norm(number)] = pk
        self.by_name[norm(display_name)] = pk
        if company_name:
            self.by_company[norm(company_name)].append(pk)
        self.names[pk] = display_name

    def find(self, reference: str, *, location: str | None = None) -> int:
        """The id of the customer whose number or name is ``reference``; ``location`` settles a shared name."""
        key = norm(reference)
        by_number, by_name = self.by_number.get(key), self.by_name.get(key)
        if by_number and by_name and by_number != by_name:
            raise NotFound(
                f"“{reference}” is the number of {self.names[by_number]} and the name of another customer; "
                "use the customer's name."
            )
        if found := by_number or by_name:
            return found
        candidates = self.by_company.get(key, [])
        if len(candidates) > 1 and location:
            candidates = [pk for pk in candidates if self._location_match(pk, location) is not None]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            shown = ", ".join(sorted(self.names[pk] for pk in candidates)[:3])
            raise NotFound(
                f"{len(candidates)} customers have the company name “{reference}” ({shown}); "
                "use the customer's display name or number."
            )
        raise NotFound(f"No customer has the name or number “{reference}”. Add the customer first, or fix the name.")

    def locations_load(self, customer_ids: Iterable[int]) -> None:
        """Read the locations of many customers at once, before ``location_find`` is asked about them."""
        wanted = [pk for pk in set(customer_ids) if pk not in self._locations]
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            for pk in chunk:
                self._locations[pk] = []
            rows = ServiceLocation.objects.filter(customer_id__in=chunk).values_list(
                "pk", "customer_id", "name", "street"
            )
            for pk, customer_id, name, street in rows:
                self._locations[customer_id].append((pk, norm(name), norm(street)))

    def _location_match(self, customer_id: int, reference: str) -> int | None:
        if customer_id not in self._locations:
            self.locations_load([customer_id])
        key = norm(reference)
        locations = self._locations[customer_id]
        by_name = [pk for pk, name, _street in locations if name == key]
        if by_name:
            return by_name[0]
        by_street = [pk for pk, _name, street in locations if street == key]
        return by_street[0] if len(by_street) == 1 else None

    def location_find(self, customer_id: int, reference: str) -> int:
        """The id of the customer's service location named ``reference`` (or, when unique, at that street)."""
        found = self._location_match(customer_id, reference)
        if found is None:
            raise NotFound(f"{self.names[customer_id]} has no service location “{reference}”.")
        return found
