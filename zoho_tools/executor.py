"""Send an action to Zoho and read the answer: rendering, retries, timeouts, result mapping.

The executor is async (one pooled ``httpx.AsyncClient`` per executor) with a blocking facade,
:class:`SyncExecutor`, for code that is not. The HTTP transport and the auth are injected: the
embedded sandbox, respx or a real Zoho org behind :class:`~zoho_tools.auth.ZohoAuth` all look the
same from here.

Faults, and why they are handled this way:

- 429 and 5xx answers, timeouts and dropped connections are retried with exponential backoff and
  full jitter, within a total time budget (a caller is waiting: a late answer is a wrong answer);
  ``Retry-After`` is honoured when it fits the budget;
- only idempotent actions (reads, updates of the same body, deletes, tag changes) are retried
  after the request may have reached Zoho. A create is retried only when it certainly did not
  (the connection was never made, or Zoho answered 429); otherwise the result says the outcome is
  unknown and how to check, so a retry can never make a duplicate record. A write that gives up
  after an attempt whose answer was lost says the same: Zoho may have done it;
- anything the model can act on comes back as an :class:`~zoho_tools.results.ActionResult`, never
  as an exception. Exceptions are left for programming errors. Which exception (network, OAuth)
  becomes which result is one table, :data:`FAULTS`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

import httpx

from zoho_tools import __version__
from zoho_tools.auth.errors import AccountsUnavailable, OAuthError, RefreshThrottled
from zoho_tools.org import OrgMetadata
from zoho_tools.plans import PLANS
from zoho_tools.rendering import ActionRequest, RenderedRequest, UnsafeRequest, render_request
from zoho_tools.results import (
    AUTH_THROTTLED,
    DEFAULT_MAX_RECORDS,
    MISSING_VARIABLE,
    NETWORK_ERROR,
    NOT_CONNECTED,
    OUTCOME_UNKNOWN,
    RATE_LIMITED,
    RECORD_NOT_FOUND,
    SERVER_ERROR,
    UNSAFE_REQUEST,
    ActionResult,
    error_result,
    from_response,
)
from zoho_tools.templates import ActionTemplate
from zoho_tools.variables import MissingVariable
from zoho_tools.zoho import API_VERSION, is_record_id

logger = logging.getLogger("zoho_tools.executor")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How hard to try. ``budget`` is the total time in seconds from the first attempt, waits
    included, after which the executor gives up and says so."""

    budget: float = 6.0
    max_attempts: int = 4
    base_delay: float = 0.25
    max_delay: float = 2.0

    def delay(self, attempt: int, draw: float) -> float:
        """Full-jitter exponential backoff: the wait after failed attempt ``attempt`` (1-based)."""
        return min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1)) * draw


class Executor:
    """Renders and sends actions to Zoho CRM (``{api_domain}/crm/v7``).

    ``api_domain`` is a URL or a callable returning one (so it can follow the ``api_domain`` of
    the current token). ``auth`` is an ``httpx.Auth`` (normally
    :class:`~zoho_tools.auth.ZohoAuth`, which refreshes tokens). ``metadata_ttl`` turns on
    reading the org's own metadata (:attr:`metadata`), kept that many seconds. ``transport`` is
    for tests and the in-process sandbox. ``resources`` are closed with the executor.
    """

    def __init__(
        self,
        *,
        api_domain: str | Callable[[], str],
        auth: httpx.Auth | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 8.0,
        retry: RetryPolicy | None = None,
        max_records: int = DEFAULT_MAX_RECORDS,
        api_version: str = API_VERSION,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        jitter: Callable[[], float] = random.random,
        resources: Sequence[httpx.AsyncClient] = (),
        metadata_ttl: float | None = None,
    ) -> None:
        #: The auth every request goes through (None: none).
        self.auth = auth
        self._api_domain = api_domain
        self._api_version = api_version
        self._retry = retry or RetryPolicy()
        self._max_records = max_records
        self._sleep = sleep
        self._clock = clock
        self._jitter = jitter
        self._resources = tuple(resources)
        self._timeout = timeout
        self._client = httpx.AsyncClient(
            auth=auth,
            transport=transport,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
            limits=httpx.Limits(max_connections=20, max_keepalive_connections=10),
            headers={"User-Agent": f"zoho-tools/{__version__}", "Accept": "application/json"},
        )
        #: The org's own picklists and mandatory fields, when ``metadata_ttl`` is given: the agent
        #: loop fits actions to them before checking calls (see :mod:`zoho_tools.org`); None:
        #: the catalog's declarations are used as they are.
        self.metadata: OrgMetadata | None = (
            None if metadata_ttl is None else OrgMetadata(self.send, ttl=metadata_ttl)
        )

    @property
    def api_domain(self) -> str:
        domain = self._api_domain() if callable(self._api_domain) else self._api_domain
        return domain.rstrip("/")

    def url_for(self, path: str) -> str:
        return f"{self.api_domain}/crm/{self._api_version}{path}"

    async def execute(self, request: ActionRequest) -> ActionResult:
        """Render ``request`` and send it. Never raises for anything Zoho or the input did."""
        template = request.template
        plan = None if template.custom else PLANS.get(template.name)
        if plan is not None:
            return await plan(self, request)
        return await self.execute_one(request)

    async def execute_one(self, request: ActionRequest) -> ActionResult:
        """Render ``request`` and send it as one request, even for an action that is a plan."""
        template = request.template
        try:
            rendered = render_request(
                template,
                request.arguments,
                request.scope,
                page=request.page,
                per_page=request.per_page,
            )
        except MissingVariable as exc:
            return error_result(template.name, MISSING_VARIABLE, exc.reason, field=exc.name)
        except UnsafeRequest as exc:
            return error_result(template.name, UNSAFE_REQUEST, str(exc), hint=exc.hint)
        return await self.send(template, rendered)

    async def send(self, template: ActionTemplate, rendered: RenderedRequest) -> ActionResult:
        """Send an already rendered request, retrying what is safe to retry."""
        deadline = self._clock() + self._retry.budget
        attempt = 0
        answer_lost = False  # an earlier attempt may have been acted on without us hearing so
        while True:
            attempt += 1
            # A retry gets only what is left of the budget: a late answer is a wrong answer.
            timeout = self._timeout if attempt == 1 else max(0.5, deadline - self._clock())
            outcome = await self._attempt(template, rendered, min(timeout, self._timeout))
            if isinstance(outcome, ActionResult):
                result = _deleted_before(outcome, rendered) if answer_lost else outcome
                return replace(result, attempts=attempt) if attempt > 1 else result
            failure = outcome
            answer_lost = answer_lost or not failure.may_retry_write
            safe = template.idempotent or failure.may_retry_write
            wait = self._wait_before(attempt, failure.retry_after, deadline)
            if safe and wait is not None:
                logger.info(
                    "%s: %s, retrying in %.2fs (attempt %d)",
                    template.name,
                    failure.reason,
                    wait,
                    attempt,
                )
                await self._sleep(wait)
                continue
            result = failure.result(template, rendered, reached=answer_lost)
            return replace(result, attempts=attempt) if attempt > 1 else result

    def _wait_before(
        self, attempt: int, retry_after: float | None, deadline: float
    ) -> float | None:
        """Seconds to wait before the next attempt, or None when the budget does not allow one."""
        if attempt >= self._retry.max_attempts:
            return None
        wait = self._retry.delay(attempt, self._jitter())
        if retry_after is not None:
            wait = max(wait, retry_after)
        if self._clock() + wait >= deadline:
            return None
        return wait

    async def _attempt(
        self, template: ActionTemplate, rendered: RenderedRequest, timeout: float
    ) -> ActionResult | _Failure:
        started = self._clock()
        try:
            response = await self._client.request(
                rendered.method,
                self.url_for(rendered.path),
                params=rendered.query or None,
                json=rendered.json,
                timeout=httpx.Timeout(timeout, connect=min(timeout, 3.0)),
            )
        except FAULT_TYPES as exc:
            return _fault(exc, template, rendered)
        logger.debug(
            "%s %s -> %d in %.0f ms",
            rendered.method,
            rendered.path,
            response.status_code,
            (self._clock() - started) * 1000,
        )
        status = response.status_code
        if status == 429:
            return _Failure(
                RATE_LIMITED, "rate limited (429)", True, status, _retry_after(response)
            )
        if status >= 500:
            return _Failure(SERVER_ERROR, f"Zoho answered {status}", False, status)
        return from_response(
            template, rendered, status, _json_body(response), max_records=self._max_records
        )

    async def aclose(self) -> None:
        """Close the connection pool, and the clients given as ``resources`` (e.g. the one the
        auth refreshes tokens with)."""
        await self._client.aclose()
        for resource in self._resources:
            await resource.aclose()

    async def __aenter__(self) -> Executor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


@dataclass(frozen=True, slots=True)
class _Failure:
    """A failed attempt, which may be retried. ``may_retry_write`` is true when Zoho certainly
    did not act on it; ``retry_after`` is the wait Zoho asked for, if any."""

    code: str
    reason: str
    may_retry_write: bool
    http_status: int | None = None
    retry_after: float | None = None

    def result(
        self, template: ActionTemplate, rendered: RenderedRequest, *, reached: bool
    ) -> ActionResult:
        """The result of giving up; ``reached`` when some attempt may have been acted on."""
        if reached and not template.read_only:
            return error_result(
                template.name,
                OUTCOME_UNKNOWN,
                f"{self.reason}; Zoho may or may not have done it",
                http_status=self.http_status,
                request=rendered,
            )
        return error_result(
            template.name,
            self.code,
            f"{self.reason}; gave up after retrying" if template.idempotent else self.reason,
            http_status=self.http_status,
            request=rendered,
        )


#: Builds what an exception raised instead of Zoho's answer comes to: a :class:`_Failure`
#: (retried if safe; see :meth:`Executor.send`) or a final :class:`ActionResult`.
FaultMapping = Callable[[Exception, ActionTemplate, RenderedRequest], ActionResult | _Failure]


def _not_sent(exc: Exception, template: ActionTemplate, rendered: RenderedRequest) -> _Failure:
    # Raised before a single byte reached Zoho: always safe to retry, even a create.
    return _Failure(NETWORK_ERROR, f"could not connect ({type(exc).__name__})", True)


def _timed_out(exc: Exception, template: ActionTemplate, rendered: RenderedRequest) -> _Failure:
    # Zoho may have received the request and acted on it: only idempotent actions retry.
    return _Failure(NETWORK_ERROR, f"timed out ({type(exc).__name__})", False)


def _connection_failed(
    exc: Exception, template: ActionTemplate, rendered: RenderedRequest
) -> _Failure:
    return _Failure(NETWORK_ERROR, f"connection failed ({type(exc).__name__})", False)


def _refresh_throttled(
    exc: Exception, template: ActionTemplate, rendered: RenderedRequest
) -> ActionResult:
    # Zoho refuses new tokens for a while: retrying within a call's budget cannot help.
    return error_result(template.name, AUTH_THROTTLED, str(exc), request=rendered)


def _accounts_unavailable(
    exc: Exception, template: ActionTemplate, rendered: RenderedRequest
) -> _Failure:
    # The accounts server did not answer the refresh: a network fault, not a lost connection.
    # The request itself was not sent, so even a create may retry.
    return _Failure(NETWORK_ERROR, f"could not refresh the token: {exc}", True)


def _not_connected(
    exc: Exception, template: ActionTemplate, rendered: RenderedRequest
) -> ActionResult:
    # No usable token (revoked, never connected, wrong client): only a reconnect helps.
    return error_result(template.name, NOT_CONNECTED, str(exc), request=rendered)


#: Every fault a request can raise instead of answering, and what it becomes: the first entry
#: whose type matches wins, so a subclass comes before its base. The httpx entries are the
#: network; the OAuth ones were raised by the auth flow before the request was sent.
FAULTS: tuple[tuple[type[Exception], FaultMapping], ...] = (
    (httpx.ConnectError, _not_sent),
    (httpx.ConnectTimeout, _not_sent),
    (httpx.PoolTimeout, _not_sent),
    (httpx.TimeoutException, _timed_out),
    (httpx.TransportError, _connection_failed),
    (RefreshThrottled, _refresh_throttled),
    (AccountsUnavailable, _accounts_unavailable),
    (OAuthError, _not_connected),
)
#: The exception types :data:`FAULTS` maps, for the one ``except`` clause that catches them.
FAULT_TYPES = tuple(kind for kind, _ in FAULTS)


def _fault(
    exc: Exception, template: ActionTemplate, rendered: RenderedRequest
) -> ActionResult | _Failure:
    """``exc`` mapped by the first entry of :data:`FAULTS` it is an instance of."""
    for kind, mapping in FAULTS:
        if isinstance(exc, kind):
            return mapping(exc, template, rendered)
    raise exc  # not a fault the table maps: a bug, reported as one


def _deleted_before(result: ActionResult, rendered: RenderedRequest) -> ActionResult:
    """A retried delete that finds its record gone: the attempt whose answer was lost deleted it.

    Zoho answers a delete of a record that no longer exists with INVALID_DATA "record not
    deleted" (no field); after a lost answer that means done, not "no record has that id".
    """
    gone = result.code in ("INVALID_DATA", RECORD_NOT_FOUND)
    if rendered.method != "DELETE" or not gone or result.field is not None:
        return result
    record_id = rendered.path.rsplit("/", 1)[-1]
    return replace(
        result,
        status="ok",
        code=None,
        hint=None,
        message="record deleted (by an earlier attempt whose answer was lost)",
        data={"id": record_id} if is_record_id(record_id) else None,
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    try:
        return float(value) if value is not None else None
    except ValueError:
        return None


def _json_body(response: httpx.Response) -> Any:
    if response.status_code == 204 or not response.content:
        return None
    try:
        return response.json()
    except (ValueError, UnicodeDecodeError, RecursionError):  # not JSON, or JSON nobody can use
        return {"code": "UNEXPECTED_RESPONSE", "message": response.text[:200]}


class SyncExecutor:
    """A blocking facade over :class:`Executor`, for scripts and synchronous frameworks.

    It runs the async executor on a private event loop in a background thread (anyio's blocking
    portal), so the connection pool is reused across calls. Close it when done (or use ``with``).
    """

    def __init__(self, executor: Executor) -> None:
        from anyio.from_thread import start_blocking_portal

        self._executor = executor
        self._portal_cm = start_blocking_portal()
        self._portal = self._portal_cm.__enter__()

    def execute(self, request: ActionRequest) -> ActionResult:
        return self._portal.call(self._executor.execute, request)

    def close(self) -> None:
        self._portal.call(self._executor.aclose)
        self._portal_cm.__exit__(None, None, None)

    def __enter__(self) -> SyncExecutor:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
