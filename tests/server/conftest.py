"""Fixtures of the server tests: no machine configuration, a tool service on the demo sandbox,
and a scripted MCP user who answers forms (elicitation requests) and remembers what they saw."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.auth.conftest import isolated_config  # noqa: F401  (autouse here too)
from zoho_tools.config import load_settings
from zoho_tools.server.service import ToolService, load_service


def make_service() -> ToolService:
    """A service on a demo sandbox of its own (as each worker process has)."""
    return load_service(load_settings(), notice=lambda _: None)


@pytest.fixture
async def service() -> AsyncIterator[ToolService]:
    service = make_service()
    yield service
    await service.aclose()


def contact_id(service: ToolService) -> str:
    """The id of John Smith, the demo org's contact."""
    assert service.backend.sandbox is not None
    [contact] = service.backend.sandbox.find("Contacts", Last_Name="Smith")
    return str(contact["id"])


class User:
    """Answers each form with the next of ``answers``: a content dict, ``"decline"`` or
    ``"cancel"``, or ``"error"`` for a client that fails to show it."""

    def __init__(self, *answers: dict[str, Any] | str) -> None:
        self.answers = list(answers)
        self.forms: list[Any] = []

    async def __call__(self, context: Any, params: Any) -> Any:
        from mcp.types import ElicitResult, ErrorData

        self.forms.append(params)
        answer = self.answers.pop(0)
        if answer == "error":  # a client that cannot show the form after all
            return ErrorData(code=-32603, message="no form today")
        if isinstance(answer, str):
            return ElicitResult(action=answer)  # type: ignore[arg-type]
        return ElicitResult(action="accept", content=answer)
