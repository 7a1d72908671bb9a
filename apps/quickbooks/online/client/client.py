"""
A thin client of the QuickBooks Online Accounting API v3 over ``requests``: JSON in and out as dicts, ``Decimal``
amounts, and the rules Intuit asks clients to follow.

- ``minorversion=75`` and ``Accept: application/json`` on every call; a ``requestid`` on every write, so that a
  retried write (after a timeout or a dropped connection) is answered from Intuit's record instead of done twice.
  Pass your own ``request_id`` to make a retry across runs idempotent too.
- 401: one forced token refresh through the token source, then the call again.
- 429, 5xx, timeouts and dropped connections: retried with exponential backoff and jitter, ``Retry-After`` honoured
  (a 429 without it waits ``QBO_THROTTLE_WAIT_SECONDS``), up to ``QBO_MAX_ATTEMPTS`` attempts.
- Faults become typed exceptions (``apps.quickbooks.errors``) with Intuit's code and ``intuit_tid``, which is logged;
  tokens never are.
- ``api_calls`` counts the HTTP requests made, retries included, for the sync run's record.
"""

import logging
import random
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import quote

import requests

from apps.quickbooks.conf import MINOR_VERSION, ApiConfig, api_config
from apps.quickbooks.errors import ApiError, UnavailableError
from apps.quickbooks.online.client.faults import INTUIT_TID_HEADER, api_error
from apps.quickbooks.online.client.limiter import RealmLimiter
from apps.quickbooks.online.client.payloads import json_dumps, json_loads

logger = logging.getLogger(__name__)

MAX_BATCH_ITEMS = 30
MAX_QUERY_RESULTS = 1000
# A Retry-After longer than this is read as this: a sync should not sleep for hours on one header.
MAX_RETRY_AFTER_SECONDS = 300.0
RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
NETWORK_ERRORS = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class TokenSource(Protocol):
    """Gives a valid access token; with ``rejected``, a newer one than that token (QuickBooks refused it)."""

    def __call__(self, *, rejected: str = "") -> str: ...


def _retry_after(response: requests.Response) -> float | None:
    """``Retry-After`` in seconds (a number or an HTTP date), capped; ``None`` when absent or unreadable."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        if value.isdigit():
            seconds = float(value)
        else:
            seconds = (parsedate_to_datetime(value) - datetime.now(UTC)).total_seconds()
    except (TypeError, ValueError):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER_SECONDS)


def _quote(value: str) -> str:
    """A string literal of Intuit's query language."""
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


class QuickBooksClient:
    def __init__(
        self,
        *,
        realm_id: str,
        tokens: TokenSource,
        config: ApiConfig | None = None,
        session: requests.Session | None = None,
        limiter: RealmLimiter | None = None,
    ) -> None:
        self.config = config or api_config()
        self.realm_id = realm_id
        self.tokens = tokens
        self.session = session or requests.Session()
        # Writes may go out from several threads (see online.backend): each thread gets its own connection pool.
        self._thread_sessions: dict[int, requests.Session] = {}
        self._lock = threading.Lock()
        self.limiter = limiter or RealmLimiter(
            realm_id,
            per_minute=self.config.rate_limit_per_minute,
            batch_per_minute=self.config.batch_limit_per_minute,
            concurrent=self.config.concurrent_limit,
            slot_seconds=self.config.timeout_seconds + 30,
            window_seconds=self.config.limit_window_seconds,
        )
        self.api_calls = 0

    def __repr__(self) -> str:
        return f"QuickBooksClient(realm_id={self.realm_id!r}, api_calls={self.api_calls})"

    def close(self) -> None:
        self.session.close()
        for session in self._thread_sessions.values():
            session.close()
        self._thread_sessions.clear()

    def _session(self) -> requests.Session:
        if threading.current_thread() is threading.main_thread():
            return self.session
        with self._lock:
            return self._thread_sessions.setdefault(threading.get_ident(), requests.Session())

    def __enter__(self) -> "QuickBooksClient":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # Entities.

    def get(self, entity: str, entity_id: str) -> dict[str, Any]:
        return self.request("GET", f"{entity.lower()}/{quote(str(entity_id), safe='')}")[entity]

    def create(self, entity: str, payload: dict[str, Any], *, request_id: str = "") -> dict[str, Any]:
        return self.request("POST", entity.lower(), body=payload, request_id=request_id or _new_request_id())[entity]

    def update(
        self, entity: str, payload: dict[str, Any], *, sparse: bool = True, request_id: str = ""
    ) -> dict[str, Any]:
        """A sparse update changes only the fields sent; a full one clears every writable field left out."""
        body = {**payload, "sparse": sparse}
        return self.request("POST", entity.lower(), body=body, request_id=request_id or _new_request_id())[entity]

    def delete(self, entity: str, entity_id: str, sync_token: str, *, request_id: str = "") -> dict[str, Any]:
        """Delete a transaction (name-list records are made inactive with ``update`` instead)."""
        return self._operation("delete", entity, entity_id, sync_token, request_id)

    def void(self, entity: str, entity_id: str, sync_token: str, *, request_id: str = "") -> dict[str, Any]:
        return self._operation("void", entity, entity_id, sync_token, request_id)

    def _operation(self, operation: str, entity: str, entity_id: str, sync_token: str, request_id: str) -> dict:
        body = {"Id": entity_id, "SyncToken": sync_token}
        request_id = request_id or _new_request_id()
        answer = self.request("POST", entity.lower(), params={"operation": operation}, body=body, request_id=request_id)
        return answer[entity]

    def company_info(self) -> dict[str, Any]:
        return self.request("GET", f"companyinfo/{self.realm_id}")["CompanyInfo"]

    def company_name(self) -> str:
        """The company's name as QuickBooks shows it (empty when it has none)."""
        return str(self.company_info().get("CompanyName") or "")

    # Reading many.

    def query(self, statement: str) -> dict[str, Any]:
        """The ``QueryResponse`` of one statement (POSTed, so that long statements fit)."""
        answer = self.request("POST", "query", data=statement, content_type="application/text")
        return answer.get("QueryResponse", {})

    def query_all(self, entity: str, where: str = "", *, page_size: int = MAX_QUERY_RESULTS) -> Iterator[dict]:
        """Every ``entity`` matching ``where``, page after page."""
        page_size = min(max(page_size, 1), MAX_QUERY_RESULTS)
        condition = f" WHERE {where}" if where else ""
        start = 1
        while True:
            page = self.query(f"SELECT * FROM {entity}{condition} STARTPOSITION {start} MAXRESULTS {page_size}")
            rows = page.get(entity, [])
            yield from rows
            if len(rows) < page_size:
                return
            start += page_size

    def cdc(self, entities: list[str], since: datetime) -> list[dict[str, Any]]:
        """Change data capture: the ``QueryResponse`` lists of everything changed since ``since`` (≤ 30 days)."""
        params = {"entities": ",".join(entities), "changedSince": since.isoformat(timespec="seconds")}
        answer = self.request("GET", "cdc", params=params)
        responses = answer.get("CDCResponse", [])
        return [item for response in responses for item in response.get("QueryResponse", [])]

    def batch(self, items: list[dict[str, Any]], *, request_id: str = "") -> list[dict[str, Any]]:
        """
        Up to 30 operations in one request; answers one ``BatchItemResponse`` per ``bId``, each an entity or a
        ``Fault``: a batch partly succeeds, and its faults are the caller's to read.
        """
        if not 1 <= len(items) <= MAX_BATCH_ITEMS:
            raise ValueError(f"A batch holds 1 to {MAX_BATCH_ITEMS} items, not {len(items)}.")
        answer = self.request(
            "POST",
            "batch",
            body={"BatchItemRequest": items},
            request_id=request_id or _new_request_id(),
            batch=True,
        )
        return answer.get("BatchItemResponse", [])

    @staticmethod
    def quote(value: str) -> str:
        return _quote(value)

    # The call itself.

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
        data: str | None = None,
        content_type: str = "",
        request_id: str = "",
        batch: bool = False,
    ) -> dict[str, Any]:
        url = f"{self.config.api_base_url}/company/{self.realm_id}/{path}"
        query = {**(params or {}), "minorversion": str(MINOR_VERSION)}
        if request_id:
            query["requestid"] = request_id
        payload = json_dumps(body) if body is not None else data
        headers = {"Accept": "application/json"}
        if payload is not None:
            headers["Content-Type"] = content_type or "application/json"
        token = self.tokens()
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            try:
                with self.limiter.slot(batch=batch):
                    with self._lock:
                        self.api_calls += 1
                    response = self._session().request(
                        method,
                        url,
                        params=query,
                        data=payload.encode() if payload is not None else None,
                        headers={**headers, "Authorization": f"Bearer {token}"},
                        timeout=self.config.timeout_seconds,
                    )
            except NETWORK_ERRORS as exc:
                if attempt >= self.config.max_attempts:
                    logger.warning("QuickBooks %s %s: no answer after %s attempts (%s)", method, path, attempt, exc)
                    raise UnavailableError(
                        "QuickBooks could not be reached (the connection failed or timed out); try again later."
                    ) from exc
                self._sleep(self._backoff(attempt))
                continue
            status = response.status_code
            if status == 401 and not refreshed:
                refreshed = True
                attempt -= 1
                token = self.tokens(rejected=token)
                continue
            if status in RETRIED_STATUSES and attempt < self.config.max_attempts:
                wait = self._wait_after(response, attempt)
                logger.info(
                    "QuickBooks %s %s answered %s (intuit_tid %s); retrying in %.2f s",
                    method,
                    path,
                    status,
                    response.headers.get(INTUIT_TID_HEADER, ""),
                    wait,
                )
                self._sleep(wait)
                continue
            return self._answer(method, path, response)

    def _answer(self, method: str, path: str, response: requests.Response) -> dict[str, Any]:
        status = response.status_code
        intuit_tid = response.headers.get(INTUIT_TID_HEADER, "")
        content_type = response.headers.get("Content-Type", "")
        if status == 200 and "json" in content_type:
            body = json_loads(response.text)
            if not (isinstance(body, dict) and ("Fault" in body or "fault" in body)):
                return body
        error: ApiError = api_error(status, content_type, response.text, intuit_tid)
        logger.warning(
            "QuickBooks %s %s failed: HTTP %s, code %s, intuit_tid %s", method, path, status, error.code, intuit_tid
        )
        raise error

    def _backoff(self, attempt: int) -> float:
        """Exponential, capped, with jitter: between half and all of base * 2^(attempt-1)."""
        ceiling = min(self.config.backoff_max_seconds, self.config.backoff_seconds * 2 ** (attempt - 1))
        return random.uniform(ceiling / 2, ceiling)

    def _wait_after(self, response: requests.Response, attempt: int) -> float:
        retry_after = _retry_after(response)
        if response.status_code == 429:
            wait = retry_after if retry_after is not None else self.config.throttle_wait_seconds
            wait *= 1 + random.random() * 0.1
            self.limiter.pause(wait)
            return wait
        return retry_after if retry_after is not None else self._backoff(attempt)

    def _sleep(self, seconds: float) -> None:
        time.sleep(seconds)


def _new_request_id() -> str:
    # 36 characters: within Intuit's 50 for single writes and 36 for batches.
    return str(uuid.uuid4())
