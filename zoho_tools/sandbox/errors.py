"""Zoho's two error channels, as the sandbox raises them internally.

Zoho answers a bad *request* with one JSON object and an HTTP error status
(``{"code", "details", "message", "status": "error"}``), and a bad *record* inside a batch
write with the same shape placed in ``data[i]`` next to the records that succeeded.
:class:`ApiError` is the first, :class:`RecordError` the second. Both carry Zoho's exact code,
message and details so that handlers can simply ``raise`` them and the router renders them.

Messages are Zoho's verbatim wording where the reference (shared/reference/zoho-crm-api.md,
sections 3.2 and 3.4) quotes one; the few that are not documented are marked in place.
"""

from __future__ import annotations

from typing import Any

JSON = dict[str, Any]


class ApiError(Exception):
    """A request-level error: HTTP ``status`` and one JSON object without ``data``."""

    def __init__(self, status: int, code: str, message: str, details: JSON | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details: JSON = details if details is not None else {}

    def body(self) -> JSON:
        return {
            "code": self.code,
            "details": self.details,
            "message": self.message,
            "status": "error",
        }


class RecordError(Exception):
    """A per-record error, rendered at the record's index in ``data[]``."""

    def __init__(self, code: str, message: str, details: JSON | None = None) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.details: JSON = details if details is not None else {}

    def body(self) -> JSON:
        return {
            "code": self.code,
            "details": self.details,
            "message": self.message,
            "status": "error",
        }


# --- request-level errors (reference section 3.4) -------------------------------------------


def invalid_token() -> ApiError:
    return ApiError(401, "INVALID_TOKEN", "invalid oauth token")


def authentication_failure() -> ApiError:
    return ApiError(401, "AUTHENTICATION_FAILURE", "Authentication failed")


def scope_mismatch() -> ApiError:
    # Wording from third-party captures; Zoho's docs only say "Unauthorized".
    return ApiError(401, "OAUTH_SCOPE_MISMATCH", "invalid oauth scope to access this URL")


def no_permission(message: str, permissions: list[str]) -> ApiError:
    return ApiError(403, "NO_PERMISSION", message, {"permissions": permissions})


def invalid_url_pattern() -> ApiError:
    return ApiError(
        404, "INVALID_URL_PATTERN", "Please check if the URL trying to access is a correct one"
    )


def invalid_module(path_index: int = 0) -> ApiError:
    return ApiError(
        400,
        "INVALID_MODULE",
        "the module name given seems to be invalid",
        {"resource_path_index": path_index},
    )


def invalid_request_method() -> ApiError:
    return ApiError(
        400, "INVALID_REQUEST_METHOD", "The http request method type is not a valid one"
    )


def required_param_missing(param: str) -> ApiError:
    return ApiError(
        400,
        "REQUIRED_PARAM_MISSING",
        "One of the expected parameter is missing",
        {"param_name": param},
    )


def invalid_param(param: str, message: str = "invalid data") -> ApiError:
    return ApiError(400, "INVALID_DATA", message, {"param_name": param})


def internal_error() -> ApiError:
    return ApiError(500, "INTERNAL_ERROR", "Internal Server Error")


def body_error(code: str, message: str, details: JSON) -> ApiError:
    """A malformed request body (no ``data`` array, too many records, bad JSON...)."""
    return ApiError(400, code, message, details)


# --- per-record errors (reference section 3.2) ----------------------------------------------


def mandatory_not_found(api_name: str, json_path: str) -> RecordError:
    return RecordError(
        "MANDATORY_NOT_FOUND",
        "required field not found",
        {"api_name": api_name, "json_path": json_path},
    )


def invalid_type(api_name: str, json_path: str, expected: str) -> RecordError:
    return RecordError(
        "INVALID_DATA",
        "invalid data",
        {"expected_data_type": expected, "api_name": api_name, "json_path": json_path},
    )


def too_long(api_name: str, json_path: str, maximum: int) -> RecordError:
    return RecordError(
        "INVALID_DATA",
        "invalid data",
        {"maximum_length": maximum, "api_name": api_name, "json_path": json_path},
    )


def invalid_value(api_name: str, json_path: str, message: str = "invalid data") -> RecordError:
    return RecordError("INVALID_DATA", message, {"api_name": api_name, "json_path": json_path})


def invalid_reference(
    api_name: str, json_path: str, record_id: str, message: str = "the id given seems to be invalid"
) -> RecordError:
    return RecordError(
        "INVALID_DATA", message, {"api_name": api_name, "json_path": json_path, "id": record_id}
    )


def invalid_id(record_id: str) -> RecordError:
    return RecordError("INVALID_DATA", "the id given seems to be invalid", {"id": record_id})


def dependent_mismatch(api_name: str, json_path: str, message: str) -> RecordError:
    return RecordError(
        "DEPENDENT_MISMATCH", message, {"api_name": api_name, "json_path": json_path}
    )
