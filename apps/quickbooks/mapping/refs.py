"""How records referred to by others (tax rates, terms, parents) translate between the two sides' ids."""

from dataclasses import dataclass, field


@dataclass
class IdMap:
    """Local primary keys ↔ QuickBooks ids of one kind of record, from its links."""

    to_remote: dict[int, str] = field(default_factory=dict)
    to_local: dict[str, int] = field(default_factory=dict)

    def add(self, local_id: int, remote_id: str) -> None:
        self.to_remote[local_id] = remote_id
        self.to_local[remote_id] = local_id

    def remote(self, local_id: int | None) -> str:
        return self.to_remote.get(local_id, "") if local_id is not None else ""

    def local(self, remote_id: str) -> int | None:
        return self.to_local.get(remote_id) if remote_id else None


@dataclass
class CustomerRefs:
    """What a customer's mapping needs to know of the other lists."""

    tax_rates: IdMap = field(default_factory=IdMap)
    terms: IdMap = field(default_factory=IdMap)
