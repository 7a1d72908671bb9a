"""Desktop's statuses, times and flags in the engine's terms."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from django.utils.dateparse import parse_datetime

from apps.quickbooks.desktop.mapping.adapter import Outcome, Planned
from apps.quickbooks.errors import ApiError, FaultDetail

# Desktop's status codes the engine reacts to, translated to the codes it knows from QuickBooks Online, so that one
# step handles "name taken" and "changed meanwhile" whatever the backend.
NAME_IN_USE = 3100
STALE = 3200
# "The given object ID ... is invalid": the record a change names is no longer there (deleted in QuickBooks).
INVALID_ID = 3000
IN_USE = frozenset({3170, 3175, 3176, 3180})
ENGINE_CODES = {NAME_IN_USE: "6240", STALE: "5010", INVALID_ID: "610"}
# Records in use by another QuickBooks user: not the record's fault, tried again at the next session.
IN_USE_CODE = "desktop-in-use"
IN_USE_MESSAGE = (
    "{name} is open in QuickBooks Desktop (someone is editing it, or QuickBooks is busy with it); "
    "it will be sent again at the next sync."
)


def status_error(*, code: int, message: str, severity: str = "Error") -> ApiError:
    """A failed qbXML request as the error the engine handles; Desktop's own code and words are kept."""
    engine_code = ENGINE_CODES.get(code) or (IN_USE_CODE if code in IN_USE else str(code))
    detail = FaultDetail(code=engine_code, message=message, detail=f"QuickBooks Desktop status {code}: {message}")
    return ApiError(
        f"QuickBooks Desktop refused it ({code}): {message}",
        errors=(detail,),
        fault_type=severity,
        plain=IN_USE_MESSAGE if code in IN_USE else "",
    )


def response_error(response: Any, *, about: str = "this record", record_expected: bool = True) -> ApiError | None:
    """
    Why a request for ``about`` failed: no answer (``None``), a status other than 0, or no record where the request
    returns one; ``None`` when it went through.
    """
    if response is None:
        return ApiError(f"QuickBooks Desktop did not answer for {about}.")
    if response.status_code != 0 or (record_expected and not response.records):
        return status_error(code=response.status_code, message=response.message, severity=response.severity)
    return None


def record_answer(
    index: int, record: Callable[[dict[str, Any]], Any], *, about: str = "this record"
) -> Callable[[Any], dict[int, Outcome]]:
    """
    The ``answer`` of a request made for the write ``index`` alone: the ``...Ret`` Desktop returned, as ``record``
    reads it, or why the request failed.
    """

    def answer(response: Any) -> dict[int, Outcome]:
        error = response_error(response, about=about)
        return {index: (None, error) if error else (record(response.records[0]), None)}

    return answer


def adds_only(
    writes: list[tuple[int, Any]],
    *,
    kind: str,
    fields: Callable[[Any], dict[str, Any]],
    record: Callable[[dict[str, Any]], Any],
    refusal: str,
    about: str = "this record",
) -> tuple[list[Planned], dict[int, Outcome]]:
    """
    The plan of a list FieldOffice only adds to in Desktop: a ``kind`` request (an ``...Add``) of ``fields`` for each
    new record, read back by ``record``; a change of a record Desktop has is refused with ``refusal`` (which may
    name it: ``{name}``).
    """
    planned: list[Planned] = []
    refused: dict[int, Outcome] = {}
    for index, write in writes:
        if write.payload.remote_id:
            refused[index] = (None, ApiError(refusal.format(name=write.payload.name)))
        else:
            answer = record_answer(index, record, about=about)
            planned.append(Planned(kind, fields(write.payload), [(index, write)], answer))
    return planned, refused


def desktop_bool(value: Any, default: bool = True) -> bool:
    if value is None or value == "":
        return default
    return str(value).strip().lower() == "true"


def desktop_date(value: Any) -> date | None:
    """A qbXML date ("2015-11-02"); ``None`` when there is none, or something that is not one."""
    try:
        return date.fromisoformat(str(value).strip()[:10]) if value else None
    except ValueError:
        return None


def desktop_time(value: Any) -> datetime | None:
    """A Desktop timestamp (``2026-11-22T10:15:00-05:00``, its local time with offset) as an aware datetime."""
    if not isinstance(value, str) or not value:
        return None
    parsed = parse_datetime(value)
    if parsed is not None and parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def desktop_offset(value: Any) -> timedelta | None:
    """The UTC offset a Desktop timestamp carries: the company machine's time zone, which filters are read in."""
    parsed = desktop_time(value)
    return parsed.utcoffset() if parsed is not None and isinstance(value, str) and value[-6] in "+-" else None


def modified_filter_time(moment: datetime, offset: timedelta) -> str:
    """
    ``moment`` as Desktop reads ``FromModifiedDate``: in the company machine's local time, written without an offset,
    since QuickBooks ignores one it is given.
    """
    local = moment.astimezone(timezone(offset)).replace(tzinfo=None)
    return local.isoformat(timespec="seconds")


def list_ref(value: Any) -> dict[str, str] | None:
    """A Desktop ``...Ref`` (``ListID``, ``FullName``) as the engine's reference (``value``, ``name``)."""
    if not isinstance(value, dict) or not value.get("ListID"):
        return None
    return {"value": value["ListID"], "name": value.get("FullName") or ""}


def without_blanks(fields: dict[str, Any]) -> dict[str, Any]:
    """An Add request's fields without the empty ones (nested ones too): Desktop refuses an empty element."""
    kept: dict[str, Any] = {}
    for key, value in fields.items():
        value = without_blanks(value) if isinstance(value, dict) else value
        if value not in ("", {}, None):
            kept[key] = value
    return kept
