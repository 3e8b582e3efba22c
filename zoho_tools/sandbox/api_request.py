"""One authenticated CRM API request, as the endpoint handlers see it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from zoho_tools.sandbox.data import OrgData
from zoho_tools.sandbox.errors import ApiError
from zoho_tools.sandbox.fieldtypes import WriteContext
from zoho_tools.sandbox.metadata import ModuleDefinition
from zoho_tools.sandbox.oauth import TokenInfo

MAX_RECORDS_PER_CALL = 100


@dataclass
class ApiRequest:
    """The request (method, query, body), who made it, and the resolved path parts."""

    method: str
    params: Mapping[str, str]
    content: bytes
    token: TokenInfo
    org: OrgData
    write: WriteContext
    module: ModuleDefinition | None = None
    record_id: str | None = None

    @property
    def mod(self) -> ModuleDefinition:
        """The module of a module route (always set for those)."""
        assert self.module is not None, "route without a {module} part"
        return self.module

    @property
    def rid(self) -> str:
        assert self.record_id is not None, "route without an {id} part"
        return self.record_id

    def json_body(self) -> Any:
        """The body parsed as JSON, whatever the Content-Type (None when empty)."""
        if not self.content.strip():
            return None
        try:
            return load_json(self.content)
        except (ValueError, UnicodeDecodeError):
            # [UNVERIFIED] wording; Zoho's code for a malformed body is INVALID_DATA.
            raise ApiError(400, "INVALID_DATA", "JSON is not well formed", {}) from None

    def body_object(self) -> dict[str, Any]:
        body = self.json_body()
        if body is None:
            raise ApiError(
                400,
                "MANDATORY_NOT_FOUND",
                "required field not found",
                {"api_name": "data", "json_path": "$.data"},
            )
        if not isinstance(body, dict):
            raise ApiError(
                400, "INVALID_DATA", "invalid data", {"expected_data_type": "jsonobject"}
            )
        return body

    def data_items(self) -> list[Any]:
        """The ``data`` array of a write body, checked against Zoho's limits."""
        data = self.body_object().get("data")
        if data is None:
            raise ApiError(
                400,
                "MANDATORY_NOT_FOUND",
                "required field not found",
                {"api_name": "data", "json_path": "$.data"},
            )
        if not isinstance(data, list):
            raise ApiError(
                400,
                "INVALID_DATA",
                "invalid data",
                {"expected_data_type": "jsonarray", "api_name": "data", "json_path": "$.data"},
            )
        if not data:
            raise ApiError(
                400, "INVALID_DATA", "invalid data", {"api_name": "data", "json_path": "$.data"}
            )
        if len(data) > MAX_RECORDS_PER_CALL:
            raise ApiError(
                400,
                "LIMIT_EXCEEDED",
                f"a maximum of {MAX_RECORDS_PER_CALL} records can be processed per API call",
                {"api_name": "data", "json_path": "$.data", "limit": MAX_RECORDS_PER_CALL},
            )
        return data


#: Deepest nesting of arrays and objects a request body may have. Zoho's bodies are a few
#: levels deep; the limit keeps a hostile body from exhausting the recursion of the code that
#: walks it.
MAX_JSON_DEPTH = 32


def load_json(content: bytes | str) -> Any:
    """``json.loads``, raising :class:`ValueError` for a body nested deeper than
    :data:`MAX_JSON_DEPTH` (or so deep that the parser itself gives up)."""
    try:
        value = json.loads(content)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    # Iterative on purpose: recursion is what a deep body attacks.
    level: list[Any] = [value]
    for _ in range(MAX_JSON_DEPTH + 1):
        level = [
            child
            for item in level
            if isinstance(item, (dict, list))
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return value
    raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
