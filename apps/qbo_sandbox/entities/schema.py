"""
What each entity accepts: its properties, their types, lengths and enumerations, and the pass that checks a payload.

Intuit's server reads the JSON into typed objects first, and what fails there fails before any business rule:

- an unknown property, or a value of the wrong shape (a string for an object, ``"abc"`` for an amount), is 2010;
- a string over its maximum length is 2050, an enumeration outside its values 2170;
- ``null`` and ``""`` mean "not given" (python-quickbooks sends ``""`` for every text it leaves unset);
- read-only properties (``Balance``, ``FullyQualifiedName``, ``MetaData``...) are accepted and ignored.

``clean`` returns the payload as plain Python values: Decimal for amounts, ISO strings for dates.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import Enum
from typing import Any

from apps.qbo_sandbox.entities import faults
from apps.qbo_sandbox.entities.numbers import to_decimal


class Kind(Enum):
    TEXT = "text"
    BOOL = "bool"
    DECIMAL = "decimal"
    INT = "int"
    DATE = "date"
    DATETIME = "datetime"
    ENUM = "enum"
    REF = "ref"
    OBJECT = "object"
    LIST = "list"
    ANY = "any"


@dataclass(frozen=True)
class Field:
    kind: Kind
    max_length: int | None = None
    choices: tuple[str, ...] = ()
    schema: Mapping[str, "Field"] | None = None
    item: "Field | None" = None
    read_only: bool = False
    # Objects whose every property is empty are dropped, except markers such as SubTotalLineDetail: {}.
    keep_empty: bool = False


Schema = Mapping[str, Field]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def text(max_length: int | None = None) -> Field:
    return Field(Kind.TEXT, max_length=max_length)


def enum(*choices: str) -> Field:
    return Field(Kind.ENUM, choices=choices)


def obj(schema: Schema, *, keep_empty: bool = False) -> Field:
    return Field(Kind.OBJECT, schema=schema, keep_empty=keep_empty)


def array(item: Field) -> Field:
    return Field(Kind.LIST, item=item)


def read_only(field: Field) -> Field:
    return replace(field, read_only=True)


BOOL = Field(Kind.BOOL)
DECIMAL = Field(Kind.DECIMAL)
INT = Field(Kind.INT)
DATE = Field(Kind.DATE)
DATETIME = Field(Kind.DATETIME)
ANY = Field(Kind.ANY)
REF = Field(Kind.REF)


def clean(schema: Schema, payload: Any) -> dict[str, Any]:
    """The payload checked against ``schema``: typed values, without read-only and empty properties."""
    if not isinstance(payload, dict):
        raise faults.unsupported_property()
    cleaned: dict[str, Any] = {}
    for name, value in payload.items():
        field = schema.get(name)
        if field is None:
            raise faults.unsupported_property()
        if field.read_only:
            continue
        value = clean_value(field, value, name=name)
        if value is not MISSING:
            cleaned[name] = value
    return cleaned


def clean_value(field: Field, value: Any, *, name: str) -> Any:
    if value is None or (isinstance(value, str) and value == "" and field.kind is not Kind.ANY):
        return MISSING
    cleaner = _CLEANERS[field.kind]
    return cleaner(field, value, name)


def _text(field: Field, value: Any, name: str) -> str:
    if isinstance(value, bool | dict | list):
        raise faults.unsupported_property()
    if not isinstance(value, str):
        # Jackson reads a number into a text property as its literal.
        value = str(value)
    if field.max_length is not None and len(value) > field.max_length:
        raise faults.string_length(name, max_length=field.max_length, supplied=len(value))
    return value


def _enum(field: Field, value: Any, name: str) -> str:
    value = _text(field, value, name)
    if value not in field.choices:
        raise faults.invalid_enumeration(name, value)
    return value


def _bool(field: Field, value: Any, name: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise faults.unsupported_property()


def _decimal(field: Field, value: Any, name: str) -> Any:
    number = to_decimal(value)
    if number is None:
        raise faults.unsupported_property()
    return number


def _int(field: Field, value: Any, name: str) -> int:
    number = to_decimal(value)
    if number is None or number != number.to_integral_value():
        raise faults.unsupported_property()
    return int(number)


def _date(field: Field, value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise faults.unsupported_property()
    try:
        # A date-time is accepted for a date, as Intuit's parser does; its date part is kept.
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        raise faults.unsupported_property() from None


def _datetime(field: Field, value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise faults.unsupported_property()
    try:
        datetime.fromisoformat(value.strip())
    except ValueError:
        raise faults.unsupported_property() from None
    return value.strip()


def _ref(field: Field, value: Any, name: str) -> Any:
    if not isinstance(value, dict):
        raise faults.unsupported_property()
    ref = clean(REF_SCHEMA, value)
    if not ref.get("value"):
        return MISSING
    return ref


def _object(field: Field, value: Any, name: str) -> Any:
    assert field.schema is not None
    cleaned = clean(field.schema, value)
    if not cleaned and not field.keep_empty:
        return MISSING
    return cleaned


def _list(field: Field, value: Any, name: str) -> list[Any]:
    assert field.item is not None
    if not isinstance(value, list):
        raise faults.unsupported_property()
    items = (clean_value(field.item, item, name=name) for item in value)
    return [item for item in items if item is not MISSING]


def _any(field: Field, value: Any, name: str) -> Any:
    return value


_CLEANERS = {
    Kind.TEXT: _text,
    Kind.ENUM: _enum,
    Kind.BOOL: _bool,
    Kind.DECIMAL: _decimal,
    Kind.INT: _int,
    Kind.DATE: _date,
    Kind.DATETIME: _datetime,
    Kind.REF: _ref,
    Kind.OBJECT: _object,
    Kind.LIST: _list,
    Kind.ANY: _any,
}

REF_SCHEMA: Schema = {"value": text(), "name": text(), "type": text()}
