"""Answering a voice platform in time: a turn that overruns its budget keeps running, and its
outcome comes with the next reply of the same call.

A voice platform gives up on a webhook after a timeout (Vapi: 20 seconds by default) and the
caller hears silence meanwhile. :class:`BudgetedRunner` runs each turn of a
:class:`~zoho_tools.server.service.ToolService` as a task and waits at most ``budget`` seconds
for it. A turn still running then is answered with :func:`~zoho_tools.replies.still_running` for
each of its calls, and goes on (it is never cancelled: a write Zoho is already doing must not be
lost). When it finishes:

- the same tool-call id delivered again (a platform's retry) is answered from its outcome, which
  the service keeps by id;
- the next request of the same call carries its outcome under ``"earlier"`` in its first reply,
  so the model learns what happened without asking again.

The turns of one call still run one after another (the conversation store serialises them), so a
request that arrives while an earlier turn is still running waits for it within its own budget.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zoho_tools.normalize import brief_name
from zoho_tools.orchestrator import ToolCall
from zoho_tools.replies import ToolReply, still_running

if TYPE_CHECKING:
    from zoho_tools.server.service import ToolService

logger = logging.getLogger("zoho_tools.server")

#: How long the outcome of an overrun turn waits for the next request of its call.
DEFAULT_KEEP = 15 * 60.0
#: How long shutting down waits for turns still running before cancelling them.
DEFAULT_GRACE = 10.0


@dataclass(slots=True)
class _Overrun:
    calls: tuple[ToolCall, ...]
    task: asyncio.Task[list[ToolReply]]
    finished: float | None = field(default=None)


class BudgetedRunner:
    """Runs the turns of ``service`` within ``budget`` seconds each (see the module docstring)."""

    def __init__(
        self,
        service: ToolService,
        budget: float,
        *,
        keep: float = DEFAULT_KEEP,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if budget <= 0:
            raise ValueError("the latency budget must be positive")
        self.service = service
        self.budget = budget
        self._keep = keep
        self._clock = clock
        self._overruns: dict[str, list[_Overrun]] = {}
        # Running tasks are referenced here until they end, so none is garbage-collected.
        self._running: set[asyncio.Task[list[ToolReply]]] = set()

    async def run(
        self, key: str, calls: Sequence[ToolCall], variables: Mapping[str, Any]
    ) -> list[ToolReply]:
        """The replies to ``calls`` in the conversation ``key``, within the budget."""
        self._forget_old()
        task = asyncio.create_task(self.service.run(key, calls, variables=variables))
        self._running.add(task)
        task.add_done_callback(self._running.discard)
        try:
            # Shielded: neither the budget nor a platform hanging up cancels the turn itself.
            replies = await asyncio.wait_for(asyncio.shield(task), self.budget)
        except TimeoutError:
            self._overran(key, calls, task)
            logger.warning("a turn of %s overran %.1f s; it goes on", key, self.budget)
            return [still_running(_action(call)) for call in calls]
        except asyncio.CancelledError:
            # The request went away (the platform hung up): the turn goes on all the same.
            self._overran(key, calls, task)
            raise
        return self._with_earlier(key, calls, replies)

    def _overran(
        self, key: str, calls: Sequence[ToolCall], task: asyncio.Task[list[ToolReply]]
    ) -> None:
        """Keep ``task``'s outcome for the next request of ``key``."""
        overrun = _Overrun(tuple(calls), task)
        task.add_done_callback(lambda _: self._finished(overrun))
        self._overruns.setdefault(key, []).append(overrun)

    def _finished(self, overrun: _Overrun) -> None:
        overrun.finished = self._clock()
        task = overrun.task
        if not task.cancelled() and task.exception() is not None:
            logger.error("an overrun turn failed", exc_info=task.exception())

    def _with_earlier(
        self, key: str, calls: Sequence[ToolCall], replies: list[ToolReply]
    ) -> list[ToolReply]:
        """``replies``, the first one carrying the outcomes of this call's overrun turns that
        have finished since (except the calls asked again now, which are answered anyway)."""
        overruns = self._overruns.get(key)
        if not overruns or not replies:
            return replies
        done = [o for o in overruns if o.task.done()]
        pending = [o for o in overruns if not o.task.done()]
        if pending:
            self._overruns[key] = pending
        else:
            del self._overruns[key]
        asked = {call.id for call in calls if call.id is not None}
        earlier: list[dict[str, Any]] = []
        for overrun in done:
            for call, reply in zip(overrun.calls, _outcome(overrun.task), strict=False):
                if call.id is None or call.id not in asked:
                    earlier.append({"action": reply.action, **reply.structured})
        if not earlier:
            return replies
        first = replies[0]
        shown = {**first.structured, "earlier": earlier}
        return [ToolReply.of(first.action, shown, is_error=first.is_error), *replies[1:]]

    def _forget_old(self) -> None:
        """Drop outcomes nobody came back for (the call ended)."""
        horizon = self._clock() - self._keep
        for key in list(self._overruns):
            kept = [o for o in self._overruns[key] if o.finished is None or o.finished > horizon]
            if kept:
                self._overruns[key] = kept
            else:
                del self._overruns[key]

    async def aclose(self, grace: float = DEFAULT_GRACE) -> None:
        """Wait up to ``grace`` seconds for turns still running, then cancel the rest (a
        cancelled write is recorded as possibly done, never sent again blindly)."""
        running = set(self._running)
        if running:
            _, late = await asyncio.wait(running, timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        self._overruns.clear()


def _outcome(task: asyncio.Task[list[ToolReply]]) -> list[ToolReply]:
    """A finished turn's replies; none if it failed (logged when it did) or was cancelled."""
    if task.cancelled() or task.exception() is not None:
        return []
    return task.result()


def _action(call: ToolCall) -> str:
    return brief_name(call.name) if isinstance(call.name, str) else "?"
