"""
What can go wrong talking to QuickBooks, as typed exceptions with a message a bookkeeper can read.

``QuickBooksError`` is the root. API answers become ``ApiError`` subclasses carrying Intuit's code, message, detail,
element and ``intuit_tid`` (the id Intuit support asks for); connection problems become ``ConnectionProblem``
subclasses. ``transient`` says whether trying again later may succeed.
"""

from dataclasses import dataclass


class QuickBooksError(Exception):
    transient = False

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# The connection: tokens, consent, keys.


class ConnectionProblem(QuickBooksError):
    """The division's connection cannot be used as it is."""


class NotConnectedError(ConnectionProblem):
    pass


class NeedsReconnectError(ConnectionProblem):
    """QuickBooks no longer accepts the stored refresh token (``invalid_grant``): an Owner must connect again."""


class ConnectionUnavailableError(ConnectionProblem):
    """Intuit's token service could not be reached or failed (5xx, timeout): try again later."""

    transient = True


class AuthorizationFlowError(ConnectionProblem):
    """The Connect flow failed: wrong state, cancelled consent, refused code, or a different company."""


# The Accounting API.


@dataclass(frozen=True)
class FaultDetail:
    """One ``Error`` of an Intuit ``Fault``."""

    code: str
    message: str
    detail: str = ""
    element: str = ""


class ApiError(QuickBooksError):
    """An answer of the Accounting API that is not a success."""

    def __init__(
        self,
        message: str,
        *,
        status: int = 0,
        errors: tuple[FaultDetail, ...] = (),
        fault_type: str = "",
        intuit_tid: str = "",
        plain: str = "",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.errors = errors
        self.fault_type = fault_type
        self.intuit_tid = intuit_tid
        # The sentence a run's log gives it (``{name}``: the record's name), when the backend that raised it has
        # one of its own: the engine's messages know only the codes all backends share.
        self.plain = plain

    @property
    def code(self) -> str:
        return self.errors[0].code if self.errors else ""

    @property
    def detail(self) -> str:
        return self.errors[0].detail if self.errors else ""

    @property
    def element(self) -> str:
        return self.errors[0].element if self.errors else ""


class FaultError(ApiError):
    """QuickBooks refused the request (validation or business rule); sending it again changes nothing."""


class ObjectNotFoundError(FaultError):
    """610: deleted, or a reference to an inactive record."""


class StaleObjectError(FaultError):
    """5010: the record changed in QuickBooks since it was read (old SyncToken)."""


class DuplicateDocumentNumberError(FaultError):
    """6140: another transaction has this number."""


class DuplicateNameError(FaultError):
    """6240: the name is used by another customer, vendor or employee (inactive ones included)."""


class AuthenticationError(ApiError):
    """401 even with a fresh token, or 403: the app or the connecting user lost access."""


class ThrottledError(ApiError):
    """429 after every attempt."""

    transient = True


class UnavailableError(ApiError):
    """5xx, timeouts or dropped connections after every attempt."""

    transient = True


FAULT_CLASSES: dict[str, type[FaultError]] = {
    "610": ObjectNotFoundError,
    "5010": StaleObjectError,
    "6140": DuplicateDocumentNumberError,
    "6240": DuplicateNameError,
}
